import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Customers and their tax ids. */
final class Customers {

    private Customers() {
    }

    static Map<String, Object> create(StripeEmulator e, Map<String, Object> p) {
        String clock = (String) p.get("test_clock");
        if (clock != null) {
            e.get(clock, "test_helpers.test_clock");
        }
        Map<String, Object> c = e.create("cus", "customer", null);
        if (clock != null) {
            c.put("created", ((Number) e.objects.get(clock).get("frozen_time")).longValue());
        }
        c.put("address", null);
        c.put("balance", 0);
        c.put("currency", null);
        c.put("default_source", null);
        c.put("delinquent", false);
        c.put("description", p.get("description"));
        c.put("email", p.get("email"));
        c.put("invoice_prefix", StripeEmulator.random(8).toUpperCase());
        c.put("invoice_settings", StripeEmulator.obj("custom_fields", null, "default_payment_method", null,
                "footer", null, "rendering_options", null));
        c.put("metadata", StripeEmulator.map(p.get("metadata")));
        c.put("name", p.get("name"));
        c.put("next_invoice_sequence", 1);
        c.put("phone", null);
        c.put("preferred_locales", new ArrayList<>());
        c.put("shipping", null);
        c.put("tax_exempt", "none");
        c.put("test_clock", clock);
        apply(c, p);
        e.emit("customer.created", c, null);
        return c;
    }

    static Map<String, Object> update(StripeEmulator e, Map<String, Object> c, Map<String, Object> p) {
        apply(c, p);
        e.emit("customer.updated", c, null);
        return c;
    }

    private static void apply(Map<String, Object> c, Map<String, Object> p) {
        for (String f : List.of("email", "name", "description")) {
            if (p.containsKey(f)) {
                c.put(f, p.get(f));
            }
        }
        if (p.get("metadata") != null) {
            StripeEmulator.map(c.get("metadata")).putAll(StripeEmulator.map(p.get("metadata")));
        }
        if (p.get("address") != null) {
            Map<String, Object> address = StripeEmulator.obj("city", null, "country", null, "line1", null, "line2", null,
                    "postal_code", null, "state", null);
            address.putAll(StripeEmulator.map(p.get("address")));
            c.put("address", address);
        }
        if (p.get("tax_exempt") != null) {
            String exempt = (String) p.get("tax_exempt");
            if (!List.of("none", "exempt", "reverse").contains(exempt)) {
                throw StripeEmulator.invalid("tax_exempt", "Invalid tax_exempt: must be one of none, exempt, or reverse");
            }
            c.put("tax_exempt", exempt);
        }
        Object method = StripeEmulator.map(p.get("invoice_settings")).get("default_payment_method");
        if (method != null) {
            StripeEmulator.map(c.get("invoice_settings")).put("default_payment_method", method);
        }
    }

    /** A tax id; eu_vat numbers are verified at once unless they contain 111111111 (the emulator's unverifiable). */
    static Map<String, Object> addTaxId(StripeEmulator e, Map<String, Object> c, Map<String, Object> p) {
        String type = StripeEmulator.required(p, "type");
        String value = StripeEmulator.required(p, "value");
        if (!"eu_vat".equals(type)) {
            throw StripeEmulator.invalid("type", "The emulator supports tax id type eu_vat only");
        }
        if (!value.matches("[A-Z]{2}[0-9A-Z]{8,12}")) {
            throw new StripeEmulator.StripeError(400, "invalid_request_error", "tax_id_invalid", "value",
                    "Invalid value for eu_vat.");
        }
        Map<String, Object> t = e.create("txi", "tax_id", (String) c.get("id"));
        t.put("country", value.substring(0, 2).replace("EL", "GR"));
        t.put("customer", c.get("id"));
        t.put("owner", StripeEmulator.obj("customer", c.get("id"), "type", "customer"));
        t.put("type", type);
        t.put("value", value);
        t.put("verification", StripeEmulator.obj("status", "pending", "verified_address", null, "verified_name", null));
        e.emit("customer.tax_id.created", t, null);
        StripeEmulator.map(t.get("verification")).put("status", value.contains("111111111") ? "unverified" : "verified");
        e.emit("customer.tax_id.updated", t, StripeEmulator.obj("verification", StripeEmulator.obj("status", "pending")));
        return t;
    }
}
