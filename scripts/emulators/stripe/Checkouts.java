import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Checkout sessions in subscription mode; completing one (the buyer pays) creates the subscription. */
final class Checkouts {

    private Checkouts() {
    }

    static Map<String, Object> create(StripeEmulator e, Map<String, Object> p) {
        if (!"subscription".equals(p.get("mode"))) {
            throw StripeEmulator.invalid("mode", "The emulator supports mode=subscription only");
        }
        String customer = StripeEmulator.required(p, "customer");
        e.get(customer, "customer");
        List<Object> items = StripeEmulator.listOf(p.get("line_items"));
        if (items.isEmpty()) {
            throw StripeEmulator.invalid("line_items", "line_items is required in subscription mode");
        }
        for (Object item : items) {
            e.get((String) StripeEmulator.map(item).get("price"), "price");
        }
        Map<String, Object> s = e.create("cs", "checkout.session", customer);
        s.put("cancel_url", p.get("cancel_url"));
        s.put("client_reference_id", p.get("client_reference_id"));
        s.put("currency", e.objects.get((String) StripeEmulator.map(items.getFirst()).get("price")).get("currency"));
        s.put("customer", customer);
        s.put("expires_at", ((Number) s.get("created")).longValue() + 86400);
        s.put("metadata", StripeEmulator.map(p.get("metadata")));
        s.put("mode", "subscription");
        s.put("payment_status", "unpaid");
        s.put("status", "open");
        s.put("subscription", null);
        s.put("success_url", p.get("success_url"));
        s.put("url", e.base + "/checkout/" + s.get("id"));
        s.put("_line_items", items);
        s.put("_subscription_data", StripeEmulator.map(p.get("subscription_data")));
        return s;
    }

    /** The buyer paid: the subscription starts (first invoice paid), then checkout.session.completed. */
    static Map<String, Object> complete(StripeEmulator e, Map<String, Object> s) {
        if (!"open".equals(s.get("status"))) {
            return s;
        }
        Map<String, Object> data = StripeEmulator.map(s.get("_subscription_data"));
        List<Object> taxRates = new ArrayList<>(StripeEmulator.listOf(data.get("default_tax_rates")));
        Map<String, Object> sub = Subscriptions.start(e, (String) s.get("customer"),
                StripeEmulator.listOf(s.get("_line_items")), StripeEmulator.map(data.get("metadata")), taxRates);
        s.put("status", "complete");
        s.put("payment_status", "paid");
        s.put("subscription", sub.get("id"));
        e.emit("checkout.session.completed", s, null);
        return s;
    }
}
