import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Test clocks: simulated time for the customers attached to them; advancing renews or ends their subscriptions. */
final class Clocks {

    private Clocks() {
    }

    static Map<String, Object> create(StripeEmulator e, Map<String, Object> p) {
        long frozen = StripeEmulator.longParam(p, "frozen_time", -1);
        if (frozen < 0) {
            throw new StripeEmulator.StripeError(400, "invalid_request_error", "parameter_missing", "frozen_time",
                    "Missing required param: frozen_time.");
        }
        Map<String, Object> clock = e.create("clock", "test_helpers.test_clock", null);
        clock.put("created", frozen);
        clock.put("deletes_after", frozen + 30L * 86400);
        clock.put("frozen_time", frozen);
        clock.put("name", p.get("name"));
        clock.put("status", "ready");
        clock.put("status_details", StripeEmulator.obj());
        return clock;
    }

    /** Moves the clock forward, stopping at each period end on the way so every renewal happens at its time. */
    static Map<String, Object> advance(StripeEmulator e, Map<String, Object> clock, Map<String, Object> p) {
        long target = StripeEmulator.longParam(p, "frozen_time", -1);
        long current = ((Number) clock.get("frozen_time")).longValue();
        if (target < current) {
            throw StripeEmulator.invalid("frozen_time", "The frozen_time must be after the current frozen time of the test clock.");
        }
        while (true) {
            Map<String, Object> next = null;
            long nextEnd = Long.MAX_VALUE;
            for (Map<String, Object> sub : subscriptions(e, (String) clock.get("id"))) {
                long end = Subscriptions.periodEnd(sub);
                if (end <= target && end < nextEnd) {
                    next = sub;
                    nextEnd = end;
                }
            }
            if (next == null) {
                break;
            }
            clock.put("frozen_time", nextEnd);
            Subscriptions.renew(e, next);
        }
        clock.put("frozen_time", target);
        e.emit("test_helpers.test_clock.ready", clock, null);
        return clock;
    }

    private static List<Map<String, Object>> subscriptions(StripeEmulator e, String clock) {
        List<Map<String, Object>> subs = new ArrayList<>();
        for (Map<String, Object> o : e.objects.values()) {
            if ("subscription".equals(o.get("object")) && clock.equals(o.get("test_clock"))
                    && !"canceled".equals(o.get("status")) && !"incomplete_expired".equals(o.get("status"))) {
                subs.add(o);
            }
        }
        return subs;
    }
}
