package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/** Measures 4, 5 and 6, run side by side: rate fidelity per plan, schedule precision, webhook latency. */
final class Timing {

    private static final Map<String, Integer> PLANS = new LinkedHashMap<>();

    static {
        PLANS.put("basic", 3);
        PLANS.put("professional", 6);
        PLANS.put("business", 15);
        PLANS.put("enterprise", 100);
    }

    private final Plan plan;
    private final Api api;
    private final Results results;
    private Api.Tenant tenant;
    private Api.Tenant hooked;
    private final Map<String, String> fidelity = new LinkedHashMap<>();
    private String scheduled;
    private String webhookDevice;
    private WebhookCatcher catcher;

    Timing(Plan plan, Api api, Results results) {
        this.plan = plan;
        this.api = api;
        this.results = results;
    }

    /** Creates the devices early, so they are online by the time {@link #run()} needs them. */
    void setUp() throws Exception {
        tenant = api.newAccount("bench-timing", 100);
        PLANS.keySet().forEach(name -> fidelity.put(name, api.newDevice(tenant, name)));
        scheduled = api.newDevice(tenant, "enterprise");
        hooked = api.newAccount("bench-webhooks", 10);
        webhookDevice = api.newDevice(hooked, "enterprise");
        catcher = new WebhookCatcher();
        api.newWebhook(hooked, catcher.url(), List.of("message:out:sent"));
    }

    void run() throws Exception {
        fidelity.values().forEach(device -> Measures.awaitOnline(api, tenant, device));
        Measures.awaitOnline(api, tenant, scheduled);
        Measures.awaitOnline(api, hooked, webhookDevice);
        Map<String, List<String>> backlog = new HashMap<>();
        PLANS.forEach((name, limit) -> {
            List<Map<String, Object>> items = new ArrayList<>();
            for (int i = 0; i < (plan.fidelityWindows() + 1) * limit; i++) {
                items.add(Measures.message(fidelity.get(name), i));
            }
            backlog.put(name, api.sendBulk(tenant, items));
        });
        Map<String, Instant> within = new HashMap<>();
        Map<String, Instant> beyond = new HashMap<>();
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        for (int i = 0; i < plan.scheduled(); i++) {
            Instant soon = now.plus(plan.scheduleLead().dividedBy(2)).plusMillis(97L * i);
            Instant later = now.plus(plan.scheduleLead()).plusSeconds(4).plusMillis(97L * i);
            within.put(send(soon, i), soon);
            beyond.put(send(later, i), later);
        }
        List<String> hookedIds = new CopyOnWriteArrayList<>();
        for (int i = 0; i < plan.webhookEvents(); i++) {
            hookedIds.add(api.send(hooked, Measures.message(webhookDevice, i)));
            Thread.sleep(200);
        }
        Duration patience = plan.rateWindow().multipliedBy(plan.fidelityWindows() + 3).plusMinutes(1);
        PLANS.forEach((name, limit) -> Measures.await(name + " backlog sent", patience,
                () -> api.sandboxSent(fidelity.get(name)).size() >= backlog.get(name).size() ? true : null));
        Measures.await("scheduled messages sent", Duration.ofMinutes(2), () ->
                api.sandboxSent(scheduled).size() >= within.size() + beyond.size() ? true : null);
        Measures.await("webhook events received", Duration.ofMinutes(1),
                () -> catcher.arrivals().size() >= hookedIds.size() ? true : null);

        PLANS.forEach((name, limit) -> fidelity(name, limit, sentAt(tenant, backlog.get(name))));
        precision("within the SQS delay range", within);
        precision("beyond it (promotion job)", beyond);
        webhooks();
        catcher.close();
    }

    private String send(Instant deliverAt, int i) {
        Map<String, Object> message = new HashMap<>(Measures.message(scheduled, i));
        message.put("deliverAt", deliverAt.toString());
        return api.send(tenant, message);
    }

    private void fidelity(String name, int limit, List<Instant> unordered) {
        List<Instant> sent = unordered.stream().sorted().toList();
        long window = plan.rateWindow().toMillis();
        int max = 0;
        for (int i = 0; i < sent.size(); i++) {
            Instant end = sent.get(i).plusMillis(window);
            int j = i;
            while (j < sent.size() && sent.get(j).isBefore(end)) {
                j++;
            }
            max = Math.max(max, j - i);
        }
        Instant first = sent.getFirst();
        Instant end = first.plusMillis(window * plan.fidelityWindows());
        long inWindows = sent.stream().filter(t -> t.isBefore(end)).count();
        double sustained = inWindows / (double) plan.fidelityWindows();
        String per = "per " + plan.rateWindow().toSeconds() + " s";
        results.add("4 rate " + name + ": max sends in any window", max, per, "= " + limit, max / (double) limit,
                max == limit, "window " + plan.rateWindow().toSeconds() + " s" + (plan.rateWindow().toSeconds() < 60
                        ? " (shortened: parley.connector.rate-window)" : ""));
        results.add("4 rate " + name + ": sustained under a backlog", sustained, per, ">= 0.98 x " + limit,
                sustained / limit, sustained >= 0.98 * limit, plan.fidelityWindows() + " full windows from the first send");
    }

    private void precision(String label, Map<String, Instant> due) {
        List<Double> late = new ArrayList<>();
        Map<String, Instant> sent = new HashMap<>();
        List<String> ids = new ArrayList<>(due.keySet());
        List<Instant> at = sentAt(tenant, ids);
        for (int i = 0; i < ids.size(); i++) {
            sent.put(ids.get(i), at.get(i));
        }
        ids.forEach(id -> late.add(Duration.between(due.get(id), sent.get(id)).toNanos() / 1e6));
        Stats s = Stats.of(late);
        results.add("5 deliverAt->sent " + label + " p50", s.p50(), "ms", "", null, null, "n=" + s.count()
                + ", schedule lead " + plan.scheduleLead().toSeconds() + " s (parley.messages.schedule-lead)");
        results.add("5 deliverAt->sent " + label + " p99", s.p99(), "ms", "< 1000 ms (bench's own)", s.p99() / 1000,
                s.p99() < 1000, "min " + Math.round(late.stream().mapToDouble(d -> d).min().orElse(Double.NaN)) + " ms");
    }

    private void webhooks() {
        List<WebhookCatcher.Arrival> arrivals = catcher.arrivals();
        List<Double> millis = arrivals.stream()
                .map(a -> Duration.between(a.createdAt(), a.arrivedAt()).toNanos() / 1e6).toList();
        boolean ordered = true;
        for (int i = 1; i < arrivals.size(); i++) {
            ordered &= !arrivals.get(i).createdAt().isBefore(arrivals.get(i - 1).createdAt());
        }
        Stats s = Stats.of(millis);
        results.add("6 webhook event->receiver p50", s.p50(), "ms", "< 1000 ms", s.p50() / 1000, s.p50() < 1000,
                "n=" + s.count() + ", settle 250 ms (parley.webhooks.settle), in order: " + ordered);
        results.add("6 webhook event->receiver p99", s.p99(), "ms", "< 2000 ms", s.p99() / 2000,
                s.p99() < 2000 && ordered, "max " + Math.round(s.max()) + " ms");
    }

    /** The records' sentAt, in the order of {@code ids}, read with a few threads. */
    private List<Instant> sentAt(Api.Tenant owner, List<String> ids) {
        Instant[] at = new Instant[ids.size()];
        try (ExecutorService reads = Executors.newFixedThreadPool(Plan.THREADS)) {
            for (int i = 0; i < ids.size(); i++) {
                int n = i;
                reads.submit(() -> {
                    JsonNode r = api.message(owner, ids.get(n));
                    at[n] = Api.instant(r.path("sentAt"));
                });
            }
        }
        return java.util.Arrays.asList(at);
    }
}
