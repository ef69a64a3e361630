import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Products, recurring prices (with lookup keys) and tax rates. */
final class Prices {

    private Prices() {
    }

    static Map<String, Object> product(StripeEmulator e, Map<String, Object> p) {
        Map<String, Object> o = e.create("prod", "product", null);
        o.put("active", true);
        o.put("default_price", null);
        o.put("description", p.get("description"));
        o.put("images", new ArrayList<>());
        o.put("marketing_features", new ArrayList<>());
        o.put("metadata", StripeEmulator.map(p.get("metadata")));
        o.put("name", StripeEmulator.required(p, "name"));
        o.put("package_dimensions", null);
        o.put("shippable", null);
        o.put("statement_descriptor", null);
        o.put("tax_code", null);
        o.put("unit_label", null);
        o.put("updated", o.get("created"));
        o.put("url", null);
        return o;
    }

    static Map<String, Object> create(StripeEmulator e, Map<String, Object> p) {
        String currency = StripeEmulator.required(p, "currency");
        long amount = StripeEmulator.longParam(p, "unit_amount", -1);
        if (amount < 0) {
            throw new StripeEmulator.StripeError(400, "invalid_request_error", "parameter_missing", "unit_amount",
                    "Missing required param: unit_amount.");
        }
        String lookupKey = (String) p.get("lookup_key");
        if (lookupKey != null && e.objects.values().stream().anyMatch(o -> "price".equals(o.get("object"))
                && lookupKey.equals(o.get("lookup_key")))) {
            throw StripeEmulator.invalid("lookup_key", "A price (`" + lookupKey + "`) already uses that lookup key.");
        }
        String product = (String) p.get("product");
        if (product == null) {
            product = (String) product(e, StripeEmulator.map(p.get("product_data"))).get("id");
        } else {
            e.get(product, "product");
        }
        Map<String, Object> recurringParams = StripeEmulator.map(p.get("recurring"));
        Map<String, Object> o = e.create("price", "price", null);
        o.put("active", true);
        o.put("billing_scheme", "per_unit");
        o.put("currency", currency);
        o.put("custom_unit_amount", null);
        o.put("lookup_key", lookupKey);
        o.put("metadata", StripeEmulator.map(p.get("metadata")));
        o.put("nickname", p.get("nickname"));
        o.put("product", product);
        o.put("recurring", recurringParams.isEmpty() ? null : StripeEmulator.obj("interval",
                recurringParams.getOrDefault("interval", "month"), "interval_count", 1, "meter", null,
                "usage_type", "licensed"));
        o.put("tax_behavior", p.getOrDefault("tax_behavior", "unspecified"));
        o.put("tiers_mode", null);
        o.put("transform_quantity", null);
        o.put("type", recurringParams.isEmpty() ? "one_time" : "recurring");
        o.put("unit_amount", amount);
        o.put("unit_amount_decimal", Long.toString(amount));
        return o;
    }

    static Map<String, Object> list(StripeEmulator e, Map<String, Object> p) {
        List<Object> keys = StripeEmulator.listOf(p.get("lookup_keys"));
        return e.list("price", p, o -> (keys.isEmpty() || keys.contains(o.get("lookup_key")))
                && (p.get("active") == null || Boolean.parseBoolean((String) p.get("active")) == Boolean.TRUE.equals(o.get("active"))));
    }

    static Map<String, Object> taxRate(StripeEmulator e, Map<String, Object> p) {
        String percentage = StripeEmulator.required(p, "percentage");
        Map<String, Object> o = e.create("txr", "tax_rate", null);
        o.put("active", true);
        o.put("country", p.get("country"));
        o.put("description", p.get("description"));
        o.put("display_name", StripeEmulator.required(p, "display_name"));
        o.put("effective_percentage", new BigDecimal(percentage));
        o.put("flat_amount", null);
        o.put("inclusive", Boolean.parseBoolean(StripeEmulator.required(p, "inclusive")));
        o.put("jurisdiction", p.get("jurisdiction"));
        o.put("jurisdiction_level", null);
        o.put("metadata", StripeEmulator.map(p.get("metadata")));
        o.put("percentage", new BigDecimal(percentage));
        o.put("rate_type", "percentage");
        o.put("state", null);
        o.put("tax_type", p.getOrDefault("tax_type", "vat"));
        return o;
    }
}
