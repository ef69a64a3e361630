package dev.parley.billing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The local Stripe emulator (scripts/emulators/stripe, started by scripts/services.sh) answers in Stripe's shapes:
 * every field it writes exists in Stripe's example object of that resource with the same JSON type, ids carry
 * Stripe's prefixes, lists page, and idempotency keys replay. The reference is Stripe's own fixtures file
 * (src/test/resources/stripe/fixtures-subset.json says where it came from).
 */
class StripeEmulatorFidelityTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Fields Stripe returns only in some answers, so its example objects lack them. */
    private static final Map<String, List<String>> ONLY_SOMETIMES = Map.of("webhook_endpoint", List.of("secret"));

    private static JsonNode fixtures;
    private static String base;

    @BeforeAll
    static void load() throws IOException {
        base = System.getenv("STRIPE_EMULATOR_URL");
        assertThat(base).as("STRIPE_EMULATOR_URL (scripts/services.sh start, then source target/services/env)").isNotBlank();
        try (InputStream in = StripeEmulatorFidelityTest.class.getResourceAsStream("/stripe/fixtures-subset.json")) {
            fixtures = JSON.readTree(in).get("resources");
        }
    }

    @Test
    void a_subscription_bought_through_checkout_is_answered_in_stripes_shapes() throws Exception {
        JsonNode clock = post("/v1/test_helpers/test_clocks", "frozen_time=1772323200", null);
        JsonNode customer = post("/v1/customers", form("email", "fidelity@example.com", "test_clock", clock.get("id").asText(),
                "metadata[account]", "acc-fidelity"), null);
        JsonNode taxId = post("/v1/customers/" + id(customer) + "/tax_ids", form("type", "eu_vat", "value", "ES12345678Z"), null);
        JsonNode price = post("/v1/prices", form("currency", "eur", "unit_amount", "1900", "lookup_key", "fidelity-" + UUID.randomUUID(),
                "recurring[interval]", "month", "product_data[name]", "Fidelity"), null);
        JsonNode product = get("/v1/products/" + price.get("product").asText());
        JsonNode rate = post("/v1/tax_rates", form("display_name", "VAT", "percentage", "21", "inclusive", "false", "country", "ES"), null);
        JsonNode session = post("/v1/checkout/sessions", form("mode", "subscription", "customer", id(customer),
                "line_items[0][price]", id(price), "line_items[0][quantity]", "1", "success_url", "http://127.0.0.1/ok",
                "subscription_data[metadata][device]", "dev-1", "subscription_data[default_tax_rates][0]", id(rate)), null);
        JsonNode completed = post("/v1/test_helpers/emulator/checkout_sessions/" + id(session) + "/complete", "", null);
        JsonNode subscription = get("/v1/subscriptions/" + completed.get("subscription").asText());
        JsonNode item = subscription.get("items").get("data").get(0);
        JsonNode invoice = get("/v1/invoices?customer=" + id(customer)).get("data").get(0);
        JsonNode line = invoice.get("lines").get("data").get(0);
        JsonNode invoiceItem = post("/v1/invoiceitems", form("customer", id(customer), "subscription", id(subscription),
                "quantity", "25", "unit_amount_decimal", "1", "description", "overage"), null);
        JsonNode event = get("/v1/events?type=checkout.session.completed&limit=1").get("data").get(0);
        JsonNode taxIdAgain = get("/v1/tax_ids/" + id(taxId));
        JsonNode exempt = post("/v1/customers/" + id(customer), form("tax_exempt", "reverse", "address[country]", "ES"), null);
        JsonNode endpoint = post("/v1/webhook_endpoints", form("url", "http://127.0.0.1:9/none", "enabled_events[]", "*"), null);

        assertShape("test_helpers.test_clock", clock);
        assertShape("customer", customer);
        assertShape("tax_id", taxId);
        assertShape("tax_id", taxIdAgain);
        assertShape("customer", exempt);
        assertShape("price", price);
        assertShape("product", product);
        assertShape("tax_rate", rate);
        assertShape("checkout.session", session);
        assertShape("subscription", subscription);
        assertShape("subscription_item", item);
        assertShape("invoice", invoice);
        assertShape("line_item", line);
        assertShape("invoiceitem", invoiceItem);
        assertShape("event", event);
        assertShape("webhook_endpoint", endpoint);
        assertShape("checkout.session", event.get("data").get("object"));

        assertThat(invoice.get("total").asLong()).isEqualTo(1900 + 399);
        assertThat(invoiceItem.get("amount").asLong()).isEqualTo(25);
        assertThat(subscription.get("metadata").get("device").asText()).isEqualTo("dev-1");
        assertThat(taxIdAgain.get("verification").get("status").asText()).isEqualTo("verified");
        assertThat(exempt.get("tax_exempt").asText()).isEqualTo("reverse");
        assertThat(exempt.get("address").get("country").asText()).isEqualTo("ES");
    }

    @Test
    void lists_page_with_cursors_and_an_idempotency_key_replays_the_first_answer() throws Exception {
        String marker = UUID.randomUUID().toString();
        String key = "fidelity-" + marker;
        JsonNode first = post("/v1/tax_rates", form("display_name", marker, "percentage", "20", "inclusive", "false"), key);
        JsonNode again = post("/v1/tax_rates", form("display_name", marker, "percentage", "20", "inclusive", "false"), key);
        assertThat(id(again)).isEqualTo(id(first));
        HttpResponse<String> conflict = send("POST", "/v1/tax_rates", form("display_name", marker, "percentage", "19", "inclusive", "false"), key);
        assertThat(conflict.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(conflict.body()).get("error").get("type").asText()).isEqualTo("idempotency_error");
        post("/v1/tax_rates", form("display_name", marker, "percentage", "10", "inclusive", "false"), null);

        JsonNode page1 = get("/v1/tax_rates?limit=1");
        assertThat(page1.get("object").asText()).isEqualTo("list");
        assertThat(page1.get("has_more").asBoolean()).isTrue();
        JsonNode page2 = get("/v1/tax_rates?limit=1&starting_after=" + id(page1.get("data").get(0)));
        assertThat(id(page2.get("data").get(0))).isNotEqualTo(id(page1.get("data").get(0)));
        HttpResponse<String> missing = send("GET", "/v1/customers/cus_missing", null, null);
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(missing.body()).get("error").get("code").asText()).isEqualTo("resource_missing");
        assertThat(send("GET", "/v1/customers", null, null, "").statusCode()).isEqualTo(401);
    }

    /** Every field of {@code actual} is a field of Stripe's example with the same JSON type; ids share the prefix. */
    private static void assertShape(String resource, JsonNode actual) {
        JsonNode example = fixtures.get(resource);
        List<String> unknown = new ArrayList<>();
        List<String> mistyped = new ArrayList<>();
        for (Iterator<String> it = actual.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (ONLY_SOMETIMES.getOrDefault(resource, List.of()).contains(field)) {
                continue;
            }
            if (!example.has(field)) {
                unknown.add(field);
            } else if (!example.get(field).isNull() && !actual.get(field).isNull()
                    && example.get(field).getNodeType() != actual.get(field).getNodeType()) {
                mistyped.add(field + " (" + actual.get(field).getNodeType() + ", Stripe: " + example.get(field).getNodeType() + ")");
            }
        }
        assertThat(unknown).as(resource + ": fields Stripe's %s does not have", resource).isEmpty();
        assertThat(mistyped).as(resource + ": fields of another JSON type than Stripe's").isEmpty();
        assertThat(actual.get("object").asText()).isEqualTo(example.get("object").asText());
        if (example.has("id") && example.get("id").asText().contains("_")) {
            String prefix = example.get("id").asText().substring(0, example.get("id").asText().indexOf('_') + 1);
            assertThat(actual.get("id").asText()).as(resource + " id").startsWith(prefix);
        }
    }

    private static String id(JsonNode node) {
        return node.get("id").asText();
    }

    private static String form(String... kv) {
        List<String> pairs = new ArrayList<>();
        for (int i = 0; i < kv.length; i += 2) {
            pairs.add(URLEncoder.encode(kv[i], StandardCharsets.UTF_8) + "=" + URLEncoder.encode(kv[i + 1], StandardCharsets.UTF_8));
        }
        return pairs.stream().collect(Collectors.joining("&"));
    }

    private static JsonNode post(String path, String body, String idempotencyKey) throws Exception {
        HttpResponse<String> response = send("POST", path, body, idempotencyKey);
        assertThat(response.statusCode()).as("POST " + path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = send("GET", path, null, null);
        assertThat(response.statusCode()).as("GET " + path + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> send(String method, String path, String body, String key) throws Exception {
        return send(method, path, body, key, "Bearer sk_test_fidelity");
    }

    private static HttpResponse<String> send(String method, String path, String body, String key, String auth) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (!auth.isEmpty()) {
            request.header("Authorization", auth);
        }
        if (key != null) {
            request.header("Idempotency-Key", key);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
