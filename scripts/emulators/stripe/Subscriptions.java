import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Subscriptions and their items: start, change with prorations, cancel at period end or now, renew. */
final class Subscriptions {

    private Subscriptions() {
    }

    static Map<String, Object> start(StripeEmulator e, String customer, List<Object> lineItems, Map<String, Object> metadata,
                                     List<Object> taxRateIds) {
        long now = e.now(customer);
        Map<String, Object> sub = e.create("sub", "subscription", customer);
        List<Object> items = new ArrayList<>();
        sub.put("application", null);
        sub.put("billing_cycle_anchor", now);
        sub.put("cancel_at", null);
        sub.put("cancel_at_period_end", false);
        sub.put("canceled_at", null);
        sub.put("collection_method", "charge_automatically");
        sub.put("currency", null);
        sub.put("customer", customer);
        sub.put("default_payment_method", null);
        sub.put("default_tax_rates", taxRates(e, taxRateIds));
        sub.put("description", null);
        sub.put("ended_at", null);
        sub.put("items", StripeEmulator.obj("object", "list", "data", items, "has_more", false,
                "url", "/v1/subscription_items?subscription=" + sub.get("id")));
        sub.put("latest_invoice", null);
        sub.put("metadata", new LinkedHashMap<>(metadata));
        sub.put("start_date", now);
        sub.put("status", "incomplete");
        sub.put("test_clock", e.objects.get(customer).get("test_clock"));
        for (Object li : lineItems) {
            Map<String, Object> spec = StripeEmulator.map(li);
            items.add(item(e, sub, (String) spec.get("price"), StripeEmulator.longParam(spec, "quantity", 1), now, StripeEmulator.plusMonth(now)));
        }
        sub.put("currency", StripeEmulator.map(StripeEmulator.map(items.getFirst()).get("price")).get("currency"));
        sub.put("status", "active");
        e.emit("customer.subscription.created", sub, null);
        Invoices.bill(e, sub, "subscription_create", true);
        return sub;
    }

    /** POST /v1/subscriptions: charged at once from the customer's default payment method (or its balance). */
    static Map<String, Object> create(StripeEmulator e, Map<String, Object> p) {
        String customer = StripeEmulator.required(p, "customer");
        e.get(customer, "customer");
        List<Object> items = StripeEmulator.listOf(p.get("items"));
        if (items.isEmpty()) {
            throw StripeEmulator.invalid("items", "Missing required param: items.");
        }
        for (Object raw : items) {
            e.get(StripeEmulator.required(StripeEmulator.map(raw), "price"), "price");
        }
        Map<String, Object> metadata = p.get("metadata") == null ? new LinkedHashMap<>() : StripeEmulator.map(p.get("metadata"));
        return start(e, customer, items, metadata, StripeEmulator.listOf(p.get("default_tax_rates")));
    }

    static Map<String, Object> item(StripeEmulator e, Map<String, Object> sub, String price, long quantity, long start, long end) {
        Map<String, Object> si = e.create("si", "subscription_item", (String) sub.get("customer"));
        si.remove("livemode");
        si.put("current_period_end", end);
        si.put("current_period_start", start);
        si.put("discounts", new ArrayList<>());
        si.put("metadata", new LinkedHashMap<>());
        si.put("price", StripeEmulator.Json_copy(e.get(price, "price")));
        si.put("quantity", quantity);
        si.put("subscription", sub.get("id"));
        si.put("tax_rates", new ArrayList<>());
        return si;
    }

    static List<Object> taxRates(StripeEmulator e, List<Object> ids) {
        List<Object> rates = new ArrayList<>();
        for (Object id : ids) {
            if (!String.valueOf(id).isEmpty()) {
                rates.add(e.get((String) id, "tax_rate"));
            }
        }
        return rates;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> items(Map<String, Object> sub) {
        return (List<Map<String, Object>>) (List<?>) StripeEmulator.listOf(StripeEmulator.map(sub.get("items")).get("data"));
    }

    static long periodStart(Map<String, Object> sub) {
        return ((Number) items(sub).getFirst().get("current_period_start")).longValue();
    }

    static long periodEnd(Map<String, Object> sub) {
        return ((Number) items(sub).getFirst().get("current_period_end")).longValue();
    }

    /** One change of an item: from price × quantity to price × quantity (null price: the item is added or removed). */
    record Change(Map<String, Object> item, String oldPrice, long oldQuantity, String newPrice, long newQuantity) {
    }

    /** The item changes that {@code items[i][...]} parameters ask for, without applying them. */
    static List<Change> changes(StripeEmulator e, Map<String, Object> sub, Object itemParams) {
        List<Change> changes = new ArrayList<>();
        for (Object raw : StripeEmulator.listOf(itemParams)) {
            Map<String, Object> spec = StripeEmulator.map(raw);
            String id = (String) spec.get("id");
            Map<String, Object> existing = id == null ? null : items(sub).stream().filter(i -> id.equals(i.get("id")))
                    .findFirst().orElseThrow(() -> StripeEmulator.invalid("items", "No such subscription item: '" + id + "'"));
            String oldPrice = existing == null ? null : (String) StripeEmulator.map(existing.get("price")).get("id");
            long oldQuantity = existing == null ? 0 : ((Number) existing.get("quantity")).longValue();
            boolean deleted = Boolean.parseBoolean((String) spec.get("deleted"));
            String newPrice = deleted ? null : (String) spec.getOrDefault("price", oldPrice);
            if (newPrice != null) {
                e.get(newPrice, "price");
            }
            long newQuantity = deleted ? 0 : StripeEmulator.longParam(spec, "quantity", existing == null ? 1 : oldQuantity);
            changes.add(new Change(existing, oldPrice, oldQuantity, newPrice, newQuantity));
        }
        return changes;
    }

    /** Proration lines (amount, description, price, quantity) of the changes at {@code date}, as Stripe computes them. */
    static List<Map<String, Object>> prorations(StripeEmulator e, Map<String, Object> sub, List<Change> changes, long date) {
        long start = periodStart(sub);
        long end = periodEnd(sub);
        if (date < start || date > end) {
            throw StripeEmulator.invalid("proration_date", "proration_date must be within the current billing period");
        }
        List<Map<String, Object>> lines = new ArrayList<>();
        for (Change c : changes) {
            if (c.oldPrice() != null) {
                long amount = unit(e, c.oldPrice()) * c.oldQuantity();
                lines.add(StripeEmulator.obj("amount", -share(amount, start, end, date), "price", c.oldPrice(),
                        "quantity", c.oldQuantity(), "description", "Unused time on " + c.oldQuantity() + " × "
                                + c.oldPrice() + " after " + date, "start", date, "end", end));
            }
            if (c.newPrice() != null) {
                long amount = unit(e, c.newPrice()) * c.newQuantity();
                lines.add(StripeEmulator.obj("amount", share(amount, start, end, date), "price", c.newPrice(),
                        "quantity", c.newQuantity(), "description", "Remaining time on " + c.newQuantity() + " × "
                                + c.newPrice() + " after " + date, "start", date, "end", end));
            }
        }
        return lines;
    }

    static long unit(StripeEmulator e, String price) {
        return ((Number) e.get(price, "price").get("unit_amount")).longValue();
    }

    static long share(long amount, long start, long end, long date) {
        return Math.round((double) amount * Math.max(0, end - date) / (end - start));
    }

    static Map<String, Object> update(StripeEmulator e, Map<String, Object> sub, Map<String, Object> p) {
        if ("canceled".equals(sub.get("status"))) {
            throw StripeEmulator.invalid("subscription", "A canceled subscription can only update its cancellation_details and metadata.");
        }
        Map<String, Object> previous = new LinkedHashMap<>();
        String customer = (String) sub.get("customer");
        long now = e.now(customer);
        String behavior = (String) p.getOrDefault("proration_behavior", "create_prorations");
        if (p.get("items") != null) {
            List<Change> changes = changes(e, sub, p.get("items"));
            long date = StripeEmulator.longParam(p, "proration_date", now);
            previous.put("items", StripeEmulator.Json_copy(sub.get("items")));
            if (!"none".equals(behavior)) {
                for (Map<String, Object> line : prorations(e, sub, changes, date)) {
                    Invoices.pendingItem(e, sub, line, true);
                }
            }
            for (Change c : changes) {
                if (c.item() == null) {
                    items(sub).add(item(e, sub, c.newPrice(), c.newQuantity(), periodStart(sub), periodEnd(sub)));
                } else if (c.newPrice() == null) {
                    items(sub).remove(c.item());
                    c.item().put("deleted", true);
                } else {
                    c.item().put("price", StripeEmulator.Json_copy(e.get(c.newPrice(), "price")));
                    c.item().put("quantity", c.newQuantity());
                }
            }
        }
        if (p.get("cancel_at_period_end") != null) {
            previous.put("cancel_at_period_end", sub.get("cancel_at_period_end"));
            boolean cancel = Boolean.parseBoolean((String) p.get("cancel_at_period_end"));
            sub.put("cancel_at_period_end", cancel);
            sub.put("cancel_at", cancel ? periodEnd(sub) : null);
            sub.put("canceled_at", cancel ? now : null);
        }
        if (p.get("metadata") != null) {
            previous.put("metadata", StripeEmulator.Json_copy(sub.get("metadata")));
            StripeEmulator.map(sub.get("metadata")).putAll(StripeEmulator.map(p.get("metadata")));
        }
        if (p.containsKey("default_tax_rates")) {
            previous.put("default_tax_rates", sub.get("default_tax_rates"));
            sub.put("default_tax_rates", taxRates(e, StripeEmulator.listOf(p.get("default_tax_rates"))));
        }
        e.emit("customer.subscription.updated", sub, previous);
        if ("always_invoice".equals(behavior) && p.get("items") != null) {
            Invoices.bill(e, sub, "subscription_update", false);
        }
        return sub;
    }

    static Map<String, Object> cancel(StripeEmulator e, Map<String, Object> sub, Map<String, Object> p) {
        if ("canceled".equals(sub.get("status"))) {
            return sub;
        }
        long now = e.now((String) sub.get("customer"));
        if (Boolean.parseBoolean((String) p.get("prorate")) && now < periodEnd(sub)) {
            // Credit for the unused time; with invoice_now it is invoiced at once and, negative, goes to the balance.
            for (Map<String, Object> item : items(sub)) {
                String price = (String) StripeEmulator.map(item.get("price")).get("id");
                long quantity = ((Number) item.get("quantity")).longValue();
                Invoices.pendingItem(e, sub, StripeEmulator.obj("amount", -share(unit(e, price) * quantity, periodStart(sub),
                        periodEnd(sub), now), "price", price, "quantity", quantity, "description", "Unused time on "
                        + quantity + " × " + price + " after " + now, "start", now, "end", periodEnd(sub)), true);
            }
            if (Boolean.parseBoolean((String) p.get("invoice_now"))) {
                Invoices.bill(e, sub, "subscription_update", false);
            }
        }
        sub.put("status", "canceled");
        sub.put("canceled_at", sub.get("canceled_at") == null ? now : sub.get("canceled_at"));
        sub.put("ended_at", now);
        e.emit("customer.subscription.deleted", sub, null);
        return sub;
    }

    /** The clock reached the period end: cancel if asked, else a new period and its invoice. */
    static void renew(StripeEmulator e, Map<String, Object> sub) {
        if (Boolean.TRUE.equals(sub.get("cancel_at_period_end"))) {
            cancel(e, sub, Map.of());
            return;
        }
        long start = periodEnd(sub);
        long end = StripeEmulator.plusMonth(start);
        for (Map<String, Object> item : items(sub)) {
            item.put("current_period_start", start);
            item.put("current_period_end", end);
        }
        e.emit("customer.subscription.updated", sub, StripeEmulator.obj("items", null));
        Invoices.bill(e, sub, "subscription_cycle", true);
    }
}
