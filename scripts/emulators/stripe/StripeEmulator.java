// A local emulator of the subset of Stripe's REST API that Parley uses (ADR 0013), run with the JDK alone:
//   java scripts/emulators/stripe/StripeEmulator.java --port 0 --port-file F --webhook-secret whsec_x [--forward-to URL]...
// Form-encoded requests, Stripe's object shapes and id prefixes, Idempotency-Key, list pagination, test clocks,
// proration arithmetic, and webhook events signed like Stripe's (Stripe-Signature: t=...,v1=HMAC-SHA256).
// Emulator-only routes (not Stripe's) live under /v1/test_helpers/emulator/ and /checkout/.
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ConcurrentHashMap;

public class StripeEmulator {

    static final String API_VERSION = "2026-07-29.dahlia";
    static final SecureRandom RANDOM = new SecureRandom();
    static final String ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    final Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
    final Map<String, Object[]> idempotency = new ConcurrentHashMap<>();
    final List<String> forwardTo = new ArrayList<>();
    /** One sender per endpoint: events reach each endpoint in order, and a dead endpoint delays no other. */
    final Map<String, ExecutorService> deliveries = new ConcurrentHashMap<>();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    String secret = "whsec_emulator";
    String base = "";

    public static void main(String[] args) throws Exception {
        StripeEmulator emulator = new StripeEmulator();
        int port = 0;
        String portFile = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--port-file" -> portFile = args[++i];
                case "--webhook-secret" -> emulator.secret = args[++i];
                case "--forward-to" -> emulator.forwardTo.add(args[++i]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.createContext("/", emulator::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
        int bound = server.getAddress().getPort();
        emulator.base = "http://127.0.0.1:" + bound;
        if (portFile != null) {
            Files.writeString(Path.of(portFile + ".tmp"), Integer.toString(bound));
            Files.move(Path.of(portFile + ".tmp"), Path.of(portFile), java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        System.out.println("Stripe emulator on " + emulator.base + ", API version " + API_VERSION);
    }

    // ---------------------------------------------------------------- HTTP

    record Answer(int status, Object body) {
    }

    static final class StripeError extends RuntimeException {
        final int status;
        final String type;
        final String code;
        final String param;

        StripeError(int status, String type, String code, String param, String message) {
            super(message);
            this.status = status;
            this.type = type;
            this.code = code;
            this.param = param;
        }
    }

    static StripeError invalid(String param, String message) {
        return new StripeError(400, "invalid_request_error", "parameter_invalid", param, message);
    }

    static StripeError missing(String id) {
        return new StripeError(404, "invalid_request_error", "resource_missing", "id", "No such object: '" + id + "'");
    }

    void handle(HttpExchange exchange) throws IOException {
        Answer answer;
        try {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String raw = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            String query = exchange.getRequestURI().getRawQuery();
            Map<String, Object> params = Form.parse("GET".equals(method) || "DELETE".equals(method) && raw.isEmpty()
                    ? (query == null ? "" : query) : raw);
            if (path.startsWith("/checkout/")) {
                answer = checkoutPage(method, path.substring("/checkout/".length()));
                byte[] html = String.valueOf(answer.body()).getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
                exchange.sendResponseHeaders(answer.status(), html.length);
                exchange.getResponseBody().write(html);
                exchange.close();
                return;
            }
            String auth = exchange.getRequestHeaders().getFirst("Authorization");
            if (auth != null && auth.startsWith("Basic ")) {
                // curl -u sk_...: as Stripe's documentation shows it
                auth = "Bearer " + new String(java.util.Base64.getDecoder().decode(auth.substring(6)), StandardCharsets.UTF_8);
            }
            if (auth == null || !auth.startsWith("Bearer sk_")) {
                throw new StripeError(401, "invalid_request_error", null, null, "Invalid API Key provided");
            }
            String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
            if (key != null && "POST".equals(method)) {
                answer = idempotent(key, method + " " + path, raw, () -> route(method, path, params));
            } else {
                answer = route(method, path, params);
            }
        } catch (StripeError e) {
            Map<String, Object> error = obj("type", e.type, "message", e.getMessage());
            if (e.code != null) {
                error.put("code", e.code);
            }
            if (e.param != null) {
                error.put("param", e.param);
            }
            answer = new Answer(e.status, obj("error", error));
        } catch (RuntimeException e) {
            e.printStackTrace();
            answer = new Answer(500, obj("error", obj("type", "api_error", "message", String.valueOf(e))));
        }
        byte[] json = Json.write(answer.body()).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Request-Id", "req_" + random(14));
        exchange.getResponseHeaders().set("Stripe-Version", API_VERSION);
        exchange.sendResponseHeaders(answer.status(), json.length);
        exchange.getResponseBody().write(json);
        exchange.close();
    }

    /** Stripe keeps the first answer to a key; the same key with other parameters is an idempotency_error. */
    Answer idempotent(String key, String route, String raw, java.util.function.Supplier<Answer> action) {
        Object[] earlier;
        synchronized (this) {
            earlier = idempotency.get(key);
            if (earlier == null) {
                Answer answer = action.get();
                if (answer.status() < 500) {
                    idempotency.put(key, new Object[]{route, raw, answer});
                }
                return answer;
            }
        }
        if (!earlier[0].equals(route) || !earlier[1].equals(raw)) {
            throw new StripeError(400, "idempotency_error", null, null, "Keys for idempotent requests can only be used"
                    + " with the same parameters they were first used with. Try using a key other than '" + key + "'");
        }
        return (Answer) earlier[2];
    }

    synchronized Answer route(String method, String path, Map<String, Object> p) {
        String[] s = path.replaceFirst("^/", "").split("/");
        if (s.length < 2 || !"v1".equals(s[0])) {
            throw new StripeError(404, "invalid_request_error", null, null, "Unrecognized request URL (" + method + ": " + path + ")");
        }
        // checkout/sessions and test_helpers/test_clocks are two-segment resources
        int at = "checkout".equals(s[1]) || "test_helpers".equals(s[1]) && s.length > 2 && "test_clocks".equals(s[2]) ? 2 : 1;
        String res = at == 2 ? s[1] + "/" + s[2] : s[1];
        String id = s.length > at + 1 ? s[at + 1] : null;
        String sub = s.length > at + 2 ? s[at + 2] : null;
        Object body = switch (res + (id == null ? "" : "/") + (sub == null ? "" : "/" + sub)) {
            case "customers" -> "POST".equals(method) ? Customers.create(this, p) : list("customer", p, null);
            case "customers/" -> "POST".equals(method) ? Customers.update(this, get(id, "customer"), p)
                    : "DELETE".equals(method) ? deleted(id) : get(id, "customer");
            case "customers//tax_ids" -> "POST".equals(method) ? Customers.addTaxId(this, get(id, "customer"), p)
                    : list("tax_id", p, o -> id.equals(o.get("customer")));
            case "products" -> "POST".equals(method) ? Prices.product(this, p) : list("product", p, null);
            case "products/" -> get(id, "product");
            case "prices" -> "POST".equals(method) ? Prices.create(this, p) : Prices.list(this, p);
            case "prices/" -> get(id, "price");
            case "tax_rates" -> "POST".equals(method) ? Prices.taxRate(this, p) : list("tax_rate", p, null);
            case "tax_rates/" -> get(id, "tax_rate");
            case "tax_ids/" -> get(id, "tax_id");
            case "webhook_endpoints" -> "POST".equals(method) ? webhookEndpoint(p) : list("webhook_endpoint", p, null);
            case "webhook_endpoints/" -> "DELETE".equals(method) ? deleted(id) : get(id, "webhook_endpoint");
            case "checkout/sessions" -> Checkouts.create(this, p);
            case "checkout/sessions/" -> get(id, "checkout.session");
            case "subscriptions" -> "POST".equals(method) ? Subscriptions.create(this, p)
                    : list("subscription", p, o -> matches(o, p, "customer", "status"));
            case "subscriptions/" -> "POST".equals(method) ? Subscriptions.update(this, get(id, "subscription"), p)
                    : "DELETE".equals(method) ? Subscriptions.cancel(this, get(id, "subscription"), p) : get(id, "subscription");
            case "subscription_items" -> list("subscription_item", p, o -> matches(o, p, "subscription"));
            case "invoices" -> list("invoice", p, o -> matches(o, p, "customer", "status")
                    && (p.get("subscription") == null || p.get("subscription").equals(Invoices.subscriptionOf(o))));
            case "invoices/" -> "create_preview".equals(id) ? Invoices.preview(this, p) : get(id, "invoice");
            case "invoices//pay" -> Invoices.pay(this, get(id, "invoice"), p);
            case "invoices//lines" -> Invoices.lines(get(id, "invoice"), p);
            case "invoiceitems" -> "POST".equals(method) ? Invoices.item(this, p)
                    : list("invoiceitem", p, o -> matches(o, p, "customer") && (p.get("pending") == null
                    || Boolean.parseBoolean((String) p.get("pending")) == (o.get("invoice") == null)));
            case "invoiceitems/" -> get(id, "invoiceitem");
            case "events" -> list("event", p, o -> p.get("type") == null || p.get("type").equals(o.get("type")));
            case "events/" -> get(id, "event");
            case "test_helpers/test_clocks" -> "POST".equals(method) ? Clocks.create(this, p) : list("test_helpers.test_clock", p, null);
            case "test_helpers/test_clocks/" -> get(id, "test_helpers.test_clock");
            case "test_helpers/test_clocks//advance" -> Clocks.advance(this, get(id, "test_helpers.test_clock"), p);
            default -> testHelpers(method, s, p);
        };
        return new Answer(200, body);
    }

    Object testHelpers(String method, String[] s, Map<String, Object> p) {
        String path = String.join("/", java.util.Arrays.copyOfRange(s, 1, s.length));
        // Emulator-only: what the buyer does on Checkout's page, and re-sending an event as Stripe's retries would.
        if (path.matches("test_helpers/emulator/checkout_sessions/[^/]+/complete")) {
            return Checkouts.complete(this, get(s[4], "checkout.session"));
        }
        if (path.matches("test_helpers/emulator/events/[^/]+/resend")) {
            Map<String, Object> event = get(s[4], "event");
            deliver(event);
            return event;
        }
        throw new StripeError(404, "invalid_request_error", null, null, "Unrecognized request URL (" + method + ": /v1/" + path + ")");
    }

    Answer checkoutPage(String method, String id) {
        Map<String, Object> session;
        synchronized (this) {
            session = objects.get(id.replaceFirst("/pay$", ""));
        }
        if (session == null || !"checkout.session".equals(session.get("object"))) {
            return new Answer(404, "<p>No such checkout session</p>");
        }
        if ("POST".equals(method) && id.endsWith("/pay")) {
            synchronized (this) {
                Checkouts.complete(this, session);
            }
            return new Answer(200, "<p>Paid. <a href=\"" + session.get("success_url") + "\">Back</a></p>");
        }
        return new Answer(200, "<h1>Stripe emulator checkout</h1><form method=post action=\"/checkout/" + id
                + "/pay\"><button>Pay</button></form>");
    }

    Object webhookEndpoint(Map<String, Object> p) {
        String url = required(p, "url");
        Map<String, Object> endpoint = create("we", "webhook_endpoint", null);
        endpoint.put("url", url);
        endpoint.put("enabled_events", p.getOrDefault("enabled_events", List.of("*")));
        endpoint.put("status", "enabled");
        endpoint.put("api_version", API_VERSION);
        // Every endpoint shares the emulator's signing secret, like `stripe listen` does, so Parley can be configured ahead.
        endpoint.put("secret", secret);
        return endpoint;
    }

    // ---------------------------------------------------------------- objects, lists, events

    static String random(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return b.toString();
    }

    Map<String, Object> create(String prefix, String object, String customer) {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("id", prefix + "_" + ("cs".equals(prefix) ? "test_" : "") + random(24));
        o.put("object", object);
        o.put("created", now(customer));
        o.put("livemode", false);
        objects.put((String) o.get("id"), o);
        return o;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> get(String id, String object) {
        Map<String, Object> o = objects.get(id);
        if (o == null || !object.equals(o.get("object"))) {
            throw missing(id);
        }
        return o;
    }

    Map<String, Object> deleted(String id) {
        Map<String, Object> o = objects.get(id);
        if (o == null) {
            throw missing(id);
        }
        o.put("deleted", true);
        return obj("id", id, "object", o.get("object"), "deleted", true);
    }

    static boolean matches(Map<String, Object> o, Map<String, Object> p, String... fields) {
        for (String f : fields) {
            if (p.get(f) != null && !p.get(f).equals(o.get(f))) {
                return false;
            }
        }
        return true;
    }

    /** Newest first, like Stripe's lists; limit 1..100, starting_after / ending_before cursors. */
    Map<String, Object> list(String object, Map<String, Object> p, java.util.function.Predicate<Map<String, Object>> filter) {
        List<Map<String, Object>> all = new ArrayList<>();
        for (Map<String, Object> o : objects.values()) {
            if (object.equals(o.get("object")) && !Boolean.TRUE.equals(o.get("deleted")) && (filter == null || filter.test(o))) {
                all.add(o);
            }
        }
        java.util.Collections.reverse(all);
        return page(all, p, "/v1/" + object.replace("test_helpers.test_clock", "test_helpers/test_clocks") + "s");
    }

    static Map<String, Object> page(List<Map<String, Object>> all, Map<String, Object> p, String url) {
        int limit = p.get("limit") == null ? 10 : Integer.parseInt((String) p.get("limit"));
        if (limit < 1 || limit > 100) {
            throw invalid("limit", "Invalid integer: limit must be between 1 and 100");
        }
        int from = 0;
        int to = all.size();
        if (p.get("starting_after") != null) {
            from = indexOf(all, (String) p.get("starting_after")) + 1;
        } else if (p.get("ending_before") != null) {
            to = indexOf(all, (String) p.get("ending_before"));
            from = Math.max(0, to - limit);
        }
        List<Map<String, Object>> data = all.subList(from, Math.min(to, from + limit));
        return obj("object", "list", "data", new ArrayList<>(data), "has_more", from + limit < to, "url", url);
    }

    static int indexOf(List<Map<String, Object>> all, String id) {
        for (int i = 0; i < all.size(); i++) {
            if (id.equals(all.get(i).get("id"))) {
                return i;
            }
        }
        throw missing(id);
    }

    /** The time of a customer's test clock, or the real time for a customer without one. */
    long now(String customer) {
        Map<String, Object> c = customer == null ? null : objects.get(customer);
        if (c != null && c.get("test_clock") != null) {
            return ((Number) objects.get((String) c.get("test_clock")).get("frozen_time")).longValue();
        }
        return Instant.now().getEpochSecond();
    }

    /** Appends an event and sends it, signed, to every endpoint; the order of sending is the order of creation. */
    void emit(String type, Map<String, Object> object, Map<String, Object> previous) {
        String customer = "customer".equals(object.get("object")) ? (String) object.get("id") : (String) object.get("customer");
        Map<String, Object> event = create("evt", "event", customer);
        event.put("api_version", API_VERSION);
        Map<String, Object> data = obj("object", Json.copy(object));
        if (previous != null) {
            data.put("previous_attributes", previous);
        }
        event.put("data", data);
        event.put("pending_webhooks", 1);
        event.put("request", obj("id", null, "idempotency_key", null));
        event.put("type", type);
        deliver(event);
    }

    void deliver(Map<String, Object> event) {
        String body = Json.write(event);
        List<String> targets = new ArrayList<>(forwardTo);
        for (Map<String, Object> o : objects.values()) {
            if ("webhook_endpoint".equals(o.get("object")) && !Boolean.TRUE.equals(o.get("deleted"))) {
                targets.add((String) o.get("url"));
            }
        }
        for (String url : targets) {
            deliveries.computeIfAbsent(url, u -> Executors.newSingleThreadExecutor()).submit(() -> post(url, body));
        }
    }

    void post(String url, String body) {
        for (int attempt = 0; attempt < 3; attempt++) {
            long t = Instant.now().getEpochSecond();
            String signature = "t=" + t + ",v1=" + hmac(secret, t + "." + body);
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json; charset=utf-8")
                        .header("Stripe-Signature", signature).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() < 300) {
                    return;
                }
            } catch (IOException e) {
                // an endpoint that is down gets the event again, as Stripe retries
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(200L << attempt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    static String hmac(String key, String payload) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String required(Map<String, Object> p, String name) {
        Object v = p.get(name);
        if (!(v instanceof String s) || s.isEmpty()) {
            throw new StripeError(400, "invalid_request_error", "parameter_missing", name, "Missing required param: " + name + ".");
        }
        return s;
    }

    static long longParam(Map<String, Object> p, String name, long fallback) {
        Object v = p.get(name);
        try {
            return v == null ? fallback : Long.parseLong((String) v);
        } catch (NumberFormatException e) {
            throw invalid(name, "Invalid integer: " + v);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map<?, ?> m ? (Map<String, Object>) m : new LinkedHashMap<>();
    }

    @SuppressWarnings("unchecked")
    static List<Object> listOf(Object o) {
        if (o instanceof List<?> l) {
            return (List<Object>) l;
        }
        if (o instanceof Map<?, ?> m) {
            return new ArrayList<>(((Map<String, Object>) m).values());
        }
        return new ArrayList<>();
    }

    static Map<String, Object> obj(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    static Object Json_copy(Object o) {
        return Json.copy(o);
    }

    /** One calendar month later in UTC, as Stripe's monthly billing cycle. */
    static long plusMonth(long epoch) {
        return Instant.ofEpochSecond(epoch).atZone(ZoneOffset.UTC).plusMonths(1).toEpochSecond();
    }
}
