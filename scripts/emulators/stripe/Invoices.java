import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Invoice items, invoices (with tax rates applied, tax-exclusive), payment attempts, and previews. */
final class Invoices {

    /** The test card Stripe documents for charges that fail after it was attached. */
    static final String FAILING_CARD = "pm_card_chargeCustomerFail";

    private Invoices() {
    }

    static String subscriptionOf(Map<String, Object> invoice) {
        Map<String, Object> parent = StripeEmulator.map(invoice.get("parent"));
        return (String) StripeEmulator.map(parent.get("subscription_details")).get("subscription");
    }

    /** POST /v1/invoiceitems: amount, or quantity × unit_amount_decimal, on the customer's (subscription's) next invoice. */
    static Map<String, Object> item(StripeEmulator e, Map<String, Object> p) {
        String customer = StripeEmulator.required(p, "customer");
        e.get(customer, "customer");
        String subscription = (String) p.get("subscription");
        Map<String, Object> sub = subscription == null ? null : e.get(subscription, "subscription");
        long quantity = StripeEmulator.longParam(p, "quantity", 1);
        long amount;
        String unitDecimal;
        if (p.get("amount") != null) {
            amount = StripeEmulator.longParam(p, "amount", 0);
            unitDecimal = BigDecimal.valueOf(amount).divide(BigDecimal.valueOf(quantity), 12, RoundingMode.HALF_UP)
                    .stripTrailingZeros().toPlainString();
        } else if (p.get("unit_amount_decimal") != null) {
            unitDecimal = (String) p.get("unit_amount_decimal");
            amount = new BigDecimal(unitDecimal).multiply(BigDecimal.valueOf(quantity)).setScale(0, RoundingMode.HALF_UP).longValueExact();
        } else {
            throw new StripeEmulator.StripeError(400, "invalid_request_error", "parameter_missing", "amount",
                    "Missing required param: amount.");
        }
        long now = e.now(customer);
        Map<String, Object> period = StripeEmulator.map(p.get("period"));
        Map<String, Object> line = StripeEmulator.obj("amount", amount, "price", null, "quantity", quantity,
                "description", p.get("description"), "unit_amount_decimal", unitDecimal,
                "start", StripeEmulator.longParam(period, "start", now), "end", StripeEmulator.longParam(period, "end", now),
                "metadata", StripeEmulator.map(p.get("metadata")));
        Map<String, Object> ii = pendingItem(e, sub == null ? StripeEmulator.obj("customer", customer) : sub, line, false);
        return ii;
    }

    static Map<String, Object> pendingItem(StripeEmulator e, Map<String, Object> sub, Map<String, Object> line, boolean proration) {
        String customer = (String) sub.get("customer");
        Map<String, Object> ii = e.create("ii", "invoiceitem", customer);
        long quantity = ((Number) line.get("quantity")).longValue();
        long amount = ((Number) line.get("amount")).longValue();
        ii.remove("created");
        ii.put("amount", amount);
        ii.put("currency", sub.getOrDefault("currency", "eur"));
        ii.put("customer", customer);
        ii.put("date", e.now(customer));
        ii.put("description", line.get("description"));
        ii.put("discountable", !proration);
        ii.put("invoice", null);
        ii.put("metadata", line.getOrDefault("metadata", new LinkedHashMap<>()));
        ii.put("parent", sub.get("id") == null ? null : StripeEmulator.obj("subscription_details",
                StripeEmulator.obj("subscription", sub.get("id"), "subscription_item", null), "type", "subscription_details"));
        ii.put("period", StripeEmulator.obj("end", line.get("end"), "start", line.get("start")));
        String unit = line.get("unit_amount_decimal") != null ? (String) line.get("unit_amount_decimal")
                : quantity == 0 ? "0" : BigDecimal.valueOf(amount).divide(BigDecimal.valueOf(quantity), 12, RoundingMode.HALF_UP)
                .stripTrailingZeros().toPlainString();
        ii.put("pricing", StripeEmulator.obj("price_details", line.get("price") == null ? null
                : StripeEmulator.obj("price", line.get("price"), "product", e.objects.get((String) line.get("price")).get("product")),
                "type", line.get("price") == null ? null : "price_details", "unit_amount_decimal", unit));
        ii.put("proration", proration);
        ii.put("quantity", quantity);
        ii.put("tax_rates", new ArrayList<>());
        return ii;
    }

    /** A new invoice for the subscription: its items for the current period (if {@code cycle}) and pending items. */
    static Map<String, Object> bill(StripeEmulator e, Map<String, Object> sub, String reason, boolean cycle) {
        Map<String, Object> invoice = draft(e, sub, reason, cycle, false);
        for (Map<String, Object> line : lines(invoice)) {
            if (line.get("_invoiceitem") != null) {
                e.objects.get((String) line.get("_invoiceitem")).put("invoice", invoice.get("id"));
            }
        }
        sub.put("latest_invoice", invoice.get("id"));
        invoice.put("status", "open");
        invoice.put("status_transitions", StripeEmulator.obj("finalized_at", invoice.get("created"), "marked_uncollectible_at",
                null, "paid_at", null, "voided_at", null));
        e.emit("invoice.created", invoice, null);
        e.emit("invoice.finalized", invoice, null);
        attempt(e, invoice, null);
        return invoice;
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> lines(Map<String, Object> invoice) {
        return (List<Map<String, Object>>) (List<?>) StripeEmulator.listOf(StripeEmulator.map(invoice.get("lines")).get("data"));
    }

    /** The invoice as it would be; {@code preview} creates nothing (no id is registered, items stay pending). */
    static Map<String, Object> draft(StripeEmulator e, Map<String, Object> sub, String reason, boolean cycle, boolean preview) {
        String customer = (String) sub.get("customer");
        Map<String, Object> c = e.get(customer, "customer");
        Map<String, Object> invoice;
        if (preview) {
            invoice = StripeEmulator.obj("id", "upcoming_in_" + StripeEmulator.random(24), "object", "invoice",
                    "created", e.now(customer), "livemode", false);
        } else {
            invoice = e.create("in", "invoice", customer);
        }
        List<Object> lines = new ArrayList<>();
        List<Object> rates = StripeEmulator.listOf(sub.get("default_tax_rates"));
        if (cycle) {
            for (Map<String, Object> item : Subscriptions.items(sub)) {
                Map<String, Object> price = StripeEmulator.map(item.get("price"));
                long quantity = ((Number) item.get("quantity")).longValue();
                lines.add(line(invoice, ((Number) price.get("unit_amount")).longValue() * quantity, quantity,
                        quantity + " × " + price.get("id") + " (per month)", (String) price.get("id"),
                        (String) price.get("product"), item.get("current_period_start"), item.get("current_period_end"),
                        StripeEmulator.obj("invoice_item", null, "proration", false, "subscription", sub.get("id"),
                                "subscription_item", item.get("id")), "subscription_item_details", rates, null));
            }
        }
        for (Map<String, Object> ii : new ArrayList<>(e.objects.values())) {
            if ("invoiceitem".equals(ii.get("object")) && ii.get("invoice") == null && customer.equals(ii.get("customer"))
                    && !Boolean.TRUE.equals(ii.get("deleted")) && (ii.get("parent") == null
                    || sub.get("id") == null || sub.get("id").equals(subscriptionOfItem(ii)))) {
                Map<String, Object> pricing = StripeEmulator.map(ii.get("pricing"));
                Map<String, Object> details = StripeEmulator.map(pricing.get("price_details"));
                Map<String, Object> period = StripeEmulator.map(ii.get("period"));
                lines.add(line(invoice, ((Number) ii.get("amount")).longValue(), ((Number) ii.get("quantity")).longValue(),
                        (String) ii.get("description"), (String) details.get("price"), (String) details.get("product"),
                        period.get("start"), period.get("end"),
                        StripeEmulator.obj("invoice_item", ii.get("id"), "proration", ii.get("proration"),
                                "subscription", sub.get("id"), "subscription_item", null), "invoice_item_details", rates,
                        (String) ii.get("id")));
            }
        }
        long subtotal = 0;
        long tax = 0;
        Map<String, long[]> taxes = new LinkedHashMap<>();
        for (Object o : lines) {
            Map<String, Object> line = StripeEmulator.map(o);
            subtotal += ((Number) line.get("amount")).longValue();
            for (Object t : StripeEmulator.listOf(line.get("taxes"))) {
                Map<String, Object> lt = StripeEmulator.map(t);
                String rate = (String) StripeEmulator.map(lt.get("tax_rate_details")).get("tax_rate");
                long[] sums = taxes.computeIfAbsent(rate, k -> new long[2]);
                sums[0] += ((Number) lt.get("amount")).longValue();
                sums[1] += ((Number) lt.get("taxable_amount")).longValue();
                tax += ((Number) lt.get("amount")).longValue();
            }
        }
        List<Object> totalTaxes = new ArrayList<>();
        taxes.forEach((rate, sums) -> totalTaxes.add(StripeEmulator.obj("amount", sums[0], "tax_behavior", "exclusive",
                "tax_rate_details", StripeEmulator.obj("tax_rate", rate), "taxability_reason", "standard_rated",
                "taxable_amount", sums[1], "type", "tax_rate_details")));
        long total = subtotal + tax;
        invoice.put("account_country", "US");
        invoice.put("amount_due", Math.max(0, total));
        invoice.put("amount_paid", 0);
        invoice.put("amount_remaining", Math.max(0, total));
        invoice.put("attempt_count", 0);
        invoice.put("attempted", false);
        invoice.put("auto_advance", true);
        invoice.put("billing_reason", reason);
        invoice.put("collection_method", "charge_automatically");
        invoice.put("currency", sub.getOrDefault("currency", "eur"));
        invoice.put("customer", customer);
        invoice.put("customer_address", c.get("address"));
        invoice.put("customer_email", c.get("email"));
        invoice.put("customer_tax_exempt", c.get("tax_exempt"));
        invoice.put("default_tax_rates", new ArrayList<>());
        invoice.put("hosted_invoice_url", preview ? null : e.base + "/invoices/" + invoice.get("id"));
        invoice.put("invoice_pdf", preview ? null : e.base + "/invoices/" + invoice.get("id") + "/pdf");
        invoice.put("lines", StripeEmulator.obj("object", "list", "data", lines, "has_more", false,
                "url", "/v1/invoices/" + invoice.get("id") + "/lines"));
        invoice.put("metadata", new LinkedHashMap<>());
        invoice.put("parent", sub.get("id") == null ? null : StripeEmulator.obj("quote_details", null, "subscription_details",
                StripeEmulator.obj("metadata", sub.get("metadata"), "subscription", sub.get("id")), "type", "subscription_details"));
        invoice.put("period_end", e.now(customer));
        invoice.put("period_start", e.now(customer));
        invoice.put("status", "draft");
        invoice.put("status_transitions", StripeEmulator.obj("finalized_at", null, "marked_uncollectible_at", null,
                "paid_at", null, "voided_at", null));
        invoice.put("subtotal", subtotal);
        invoice.put("subtotal_excluding_tax", subtotal);
        invoice.put("total", total);
        invoice.put("total_excluding_tax", subtotal);
        invoice.put("total_taxes", totalTaxes);
        if (total < 0 && !preview) {
            // A credit is not refunded: it goes to the customer's balance and pays later invoices.
            c.put("balance", ((Number) c.get("balance")).longValue() + total);
        }
        return invoice;
    }

    static String subscriptionOfItem(Map<String, Object> ii) {
        return (String) StripeEmulator.map(StripeEmulator.map(ii.get("parent")).get("subscription_details")).get("subscription");
    }

    static Map<String, Object> line(Map<String, Object> invoice, long amount, long quantity, String description, String price,
                                    String product, Object start, Object end, Map<String, Object> parentDetails,
                                    String parentType, List<Object> rates, String invoiceItem) {
        List<Object> taxes = new ArrayList<>();
        for (Object r : rates) {
            Map<String, Object> rate = StripeEmulator.map(r);
            BigDecimal pct = new BigDecimal(String.valueOf(rate.get("percentage")));
            long tax = BigDecimal.valueOf(amount).multiply(pct).divide(BigDecimal.valueOf(100), 0, RoundingMode.HALF_UP).longValue();
            taxes.add(StripeEmulator.obj("amount", tax, "tax_behavior", "exclusive", "tax_rate_details",
                    StripeEmulator.obj("tax_rate", rate.get("id")), "taxability_reason", "standard_rated",
                    "taxable_amount", amount, "type", "tax_rate_details"));
        }
        Map<String, Object> parent = StripeEmulator.obj("invoice_item_details", null, "subscription_item_details", null, "type", parentType);
        parent.put(parentType, parentDetails);
        Map<String, Object> line = StripeEmulator.obj("id", "il_" + StripeEmulator.random(24), "object", "line_item",
                "amount", amount, "currency", "eur", "description", description, "discount_amounts", new ArrayList<>(),
                "discountable", true, "discounts", new ArrayList<>(), "invoice", invoice.get("id"), "livemode", false,
                "metadata", new LinkedHashMap<>(), "parent", parent,
                "period", StripeEmulator.obj("end", end, "start", start),
                "pretax_credit_amounts", new ArrayList<>(),
                "pricing", StripeEmulator.obj("price_details", price == null ? null : StripeEmulator.obj("price", price, "product", product),
                        "type", "price_details", "unit_amount_decimal", quantity == 0 ? "0" : BigDecimal.valueOf(amount)
                                .divide(BigDecimal.valueOf(quantity), 12, RoundingMode.HALF_UP).stripTrailingZeros().toPlainString()),
                "quantity", quantity, "taxes", taxes);
        line.put("_invoiceitem", invoiceItem);
        return line;
    }

    /** Charges the invoice: the customer's balance first, then the card; a failing card leaves it open. */
    static void attempt(StripeEmulator e, Map<String, Object> invoice, String paymentMethod) {
        String customer = (String) invoice.get("customer");
        Map<String, Object> c = e.get(customer, "customer");
        long due = ((Number) invoice.get("amount_due")).longValue();
        long balance = ((Number) c.get("balance")).longValue();
        if (balance < 0 && due > 0) {
            long used = Math.min(due, -balance);
            c.put("balance", balance + used);
            invoice.put("amount_remaining", due - used);
        }
        String method = paymentMethod != null ? paymentMethod
                : (String) StripeEmulator.map(c.get("invoice_settings")).get("default_payment_method");
        boolean fails = FAILING_CARD.equals(method) && ((Number) invoice.get("amount_remaining")).longValue() > 0;
        invoice.put("attempted", true);
        invoice.put("attempt_count", ((Number) invoice.get("attempt_count")).intValue() + 1);
        Map<String, Object> sub = Invoices.subscriptionOf(invoice) == null ? null : e.objects.get(Invoices.subscriptionOf(invoice));
        if (fails) {
            e.emit("invoice.payment_failed", invoice, null);
            if (sub != null && "active".equals(sub.get("status"))) {
                sub.put("status", "past_due");
                e.emit("customer.subscription.updated", sub, StripeEmulator.obj("status", "active"));
            }
            return;
        }
        invoice.put("amount_paid", invoice.get("amount_remaining"));
        invoice.put("amount_remaining", 0);
        invoice.put("status", "paid");
        StripeEmulator.map(invoice.get("status_transitions")).put("paid_at", e.now(customer));
        e.emit("invoice.paid", invoice, null);
        e.emit("invoice.payment_succeeded", invoice, null);
        if (sub != null && ("past_due".equals(sub.get("status")) || "unpaid".equals(sub.get("status")))) {
            Object was = sub.get("status");
            sub.put("status", "active");
            e.emit("customer.subscription.updated", sub, StripeEmulator.obj("status", was));
        }
    }

    static Map<String, Object> pay(StripeEmulator e, Map<String, Object> invoice, Map<String, Object> p) {
        if ("paid".equals(invoice.get("status"))) {
            throw new StripeEmulator.StripeError(400, "invalid_request_error", "invoice_already_paid", null, "Invoice is already paid");
        }
        if (Boolean.parseBoolean((String) p.get("paid_out_of_band"))) {
            attempt(e, invoice, "pm_card_visa");
        } else {
            attempt(e, invoice, (String) p.get("payment_method"));
        }
        if (!"paid".equals(invoice.get("status"))) {
            throw new StripeEmulator.StripeError(402, "card_error", "card_declined", null, "Your card was declined.");
        }
        return invoice;
    }

    static Map<String, Object> lines(Map<String, Object> invoice, Map<String, Object> p) {
        return StripeEmulator.page(lines(invoice), p, "/v1/invoices/" + invoice.get("id") + "/lines");
    }

    /** POST /v1/invoices/create_preview: what a subscription change would invoice (always_invoice: now; else next). */
    static Map<String, Object> preview(StripeEmulator e, Map<String, Object> p) {
        String customer = StripeEmulator.required(p, "customer");
        Map<String, Object> sub = e.get(StripeEmulator.required(p, "subscription"), "subscription");
        if (!customer.equals(sub.get("customer"))) {
            throw StripeEmulator.invalid("subscription", "The subscription does not belong to the customer");
        }
        Map<String, Object> details = StripeEmulator.map(p.get("subscription_details"));
        Map<String, Object> copy = StripeEmulator.map(Json.copy(sub));
        copy.remove("id");
        copy.put("id", null);
        String behavior = (String) details.getOrDefault("proration_behavior", "create_prorations");
        List<Map<String, Object>> prorations = List.of();
        if (details.get("items") != null) {
            List<Subscriptions.Change> changes = Subscriptions.changes(e, sub, details.get("items"));
            long date = StripeEmulator.longParam(details, "proration_date", e.now(customer));
            prorations = "none".equals(behavior) ? List.of() : Subscriptions.prorations(e, sub, changes, date);
            List<Map<String, Object>> copied = Subscriptions.items(copy);
            for (Subscriptions.Change c : changes) {
                if (c.item() == null) {
                    // An added item: on the next invoice like the others (not registered, as nothing is created).
                    copied.add(StripeEmulator.obj("id", null, "price", Json.copy(e.get(c.newPrice(), "price")),
                            "quantity", c.newQuantity(), "current_period_start", Subscriptions.periodStart(sub),
                            "current_period_end", Subscriptions.periodEnd(sub)));
                    continue;
                }
                copied.removeIf(item -> c.item().get("id").equals(item.get("id")) && c.newPrice() == null);
                for (Map<String, Object> item : copied) {
                    if (c.item().get("id").equals(item.get("id")) && c.newPrice() != null) {
                        item.put("price", Json.copy(e.get(c.newPrice(), "price")));
                        item.put("quantity", c.newQuantity());
                    }
                }
            }
        }
        copy.put("id", sub.get("id"));
        Map<String, Object> invoice = draft(e, StripeEmulator.obj("customer", customer, "currency", sub.get("currency"),
                "id", null, "default_tax_rates", sub.get("default_tax_rates"), "items", copy.get("items"),
                "metadata", sub.get("metadata")), "upcoming", !"always_invoice".equals(behavior), true);
        // Proration lines come on top of what is pending for the subscription.
        List<Map<String, Object>> lines = lines(invoice);
        List<Object> rates = StripeEmulator.listOf(sub.get("default_tax_rates"));
        long extra = 0;
        long extraTax = 0;
        for (Map<String, Object> pr : prorations) {
            Map<String, Object> line = line(invoice, ((Number) pr.get("amount")).longValue(), ((Number) pr.get("quantity")).longValue(),
                    (String) pr.get("description"), (String) pr.get("price"), null, pr.get("start"), pr.get("end"),
                    StripeEmulator.obj("invoice_item", null, "proration", true, "subscription", sub.get("id"),
                            "subscription_item", null), "subscription_item_details", rates, null);
            lines.add(line);
            extra += ((Number) line.get("amount")).longValue();
            for (Object t : StripeEmulator.listOf(line.get("taxes"))) {
                extraTax += ((Number) StripeEmulator.map(t).get("amount")).longValue();
            }
        }
        long subtotal = ((Number) invoice.get("subtotal")).longValue() + extra;
        long total = ((Number) invoice.get("total")).longValue() + extra + extraTax;
        invoice.put("subtotal", subtotal);
        invoice.put("subtotal_excluding_tax", subtotal);
        invoice.put("total", total);
        invoice.put("total_excluding_tax", subtotal);
        invoice.put("amount_due", Math.max(0, total));
        invoice.put("amount_remaining", Math.max(0, total));
        invoice.put("parent", StripeEmulator.obj("quote_details", null, "subscription_details",
                StripeEmulator.obj("metadata", sub.get("metadata"), "subscription", sub.get("id")), "type", "subscription_details"));
        return invoice;
    }
}
