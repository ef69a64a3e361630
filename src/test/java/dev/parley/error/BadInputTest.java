package dev.parley.error;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every bad input the API can receive answers a 4xx {@code application/problem+json} naming the field:
 * one row per case, sent as raw bytes so that nothing on the client side cleans it up first.
 */
@QuarkusTest
class BadInputTest {

    private static final String TO = "+447911123001";
    private static final Pattern LATER = Pattern.compile("<<(.*?)>>");
    /** A location message up to its coordinates; a row appends them and closes the objects. */
    private static final String LOCATION = "{\"phone\":\"" + TO + "\",\"location\":{\"coordinates\":";
    /** A text message up to its last field; a row appends the rest. */
    private static final String MESSAGE = "{\"phone\":\"" + TO + "\",\"message\":\"x\",";
    private static final String LONG = "a".repeat(6000);

    /** One bad request: the method, the raw path and query ({@code {device}} is replaced), a JSON body. */
    record Case(String name, String method, String uri, String body, int status, String field) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** One account with a device, shared by all rows: the cases only read or are refused. */
    private static Api.Tenant tenant;
    private static String device;

    static Stream<Case> cases() {
        return Stream.of(
                // Numbers that are not numbers
                send("NaN coordinates as strings", LOCATION + "[\"NaN\",\"NaN\"]}}",
                        "location.coordinates"),
                send("NaN coordinates as JSON literals", LOCATION + "[NaN,NaN]}}",
                        "location.coordinates"),
                send("Infinity coordinates as strings", LOCATION + "[\"Infinity\",\"-Infinity\"]}}",
                        "location.coordinates"),
                send("a coordinate that overflows a double", LOCATION + "[1e400,0]}}",
                        "location.coordinates"),
                send("retries beyond an int", MESSAGE + "\"retries\":1e10}",
                        "retries"),
                // Durations and dates out of range
                send("expiration seconds beyond any date",
                        MESSAGE + "\"expiration\":{\"seconds\":100000000000000000}}",
                        "expiration.seconds"),
                send("expiration seconds beyond a long",
                        MESSAGE + "\"expiration\":{\"seconds\":1e30}}",
                        "expiration.seconds"),
                send("expiration duration in huge days",
                        MESSAGE + "\"expiration\":{\"duration\":\"P999999999999D\"}}",
                        "expiration.duration"),
                send("expiration duration beyond a long",
                        MESSAGE + "\"expiration\":{\"duration\":\"PT9999999999999999999H\"}}",
                        "expiration.duration"),
                send("expiration date in year 300000000",
                        MESSAGE + "\"expiration\":{\"date\":\"+300000000-01-01T00:00:00Z\"}}",
                        "expiration.date"),
                send("deliverAt in year 300000000",
                        MESSAGE + "\"deliverAt\":\"+300000000-01-01T00:00:00Z\"}",
                        "deliverAt"),
                get("createdAfter in year 300000000", "/v1/messages?createdAfter=%2B300000000-01-01T00:00:00Z", 400,
                        "createdAfter"),
                get("createdBefore before the epoch", "/v1/messages?createdBefore=1960-01-01T00:00:00Z", 400,
                        "createdBefore"),
                get("createdAfter later than createdBefore",
                        "/v1/messages?createdAfter=2026-02-01T00:00:00Z&createdBefore=2026-01-01T00:00:00Z", 400,
                        "createdAfter"),
                get("before in year 300000000 on incoming messages",
                        "/v1/devices/{device}/messages?before=%2B300000000-01-01T00:00:00Z", 400, "before"),
                get("before before the epoch on incoming messages",
                        "/v1/devices/{device}/messages?before=1960-01-01T00:00:00Z", 400, "before"),
                // Control characters in names
                new Case("NUL in a token name", "POST", "/v1/tokens", "{\"name\":\"a\\u0000b\"}", 400, "name"),
                new Case("escape in a token name", "POST", "/v1/tokens", "{\"name\":\"\\u001b[31mred\"}", 400, "name"),
                new Case("NUL in a device name", "POST", "/v1/devices",
                        "{\"name\":\"a\\u0000b\",\"phone\":\"+447911123456\"}", 400, "name"),
                new Case("line break in a device rename", "PATCH", "/v1/devices/{device}", "{\"name\":\"a\\nb\"}", 400,
                        "name"),
                new Case("DEL in a device rename", "PATCH", "/v1/devices/{device}", "{\"name\":\"a\\u007fb\"}", 400,
                        "name"),
                new Case("NUL in a webhook name", "POST", "/v1/webhooks",
                        "{\"name\":\"a\\u0000b\",\"url\":\"http://127.0.0.1:9/x\"}", 400, "name"),
                new Case("C1 control in a webhook name", "POST", "/v1/webhooks",
                        "{\"name\":\"a\\u0085b\",\"url\":\"http://127.0.0.1:9/x\"}", 400, "name"),
                new Case("webhook url port 99999", "POST", "/v1/webhooks", "{\"url\":\"https://example.com:99999/x\"}",
                        400, "url"),
                new Case("webhook url port 0", "POST", "/v1/webhooks", "{\"url\":\"https://example.com:0/x\"}", 400,
                        "url"),
                // Cursors that this API did not hand out
                get("cursor of punctuation", "/v1/messages?cursor=!!!", 400, "cursor"),
                get("cursor of base64 garbage", "/v1/messages?cursor=" + b64("\u0001\u0002garbage\u00ff"), 400,
                        "cursor"),
                get("cursor of JSON null", "/v1/messages?cursor=" + b64("null"), 400, "cursor"),
                get("cursor with an extra key", "/v1/messages?cursor=" + later(
                        "{\"accountId\":\"{account}\",\"created\":\"1767225600000#0123456789abcdef01234567\","
                                + "\"id\":\"0123456789abcdef01234567\",\"status\":\"queued\"}"), 400, "cursor"),
                get("cursor with a null key", "/v1/messages?cursor=" + later(
                        "{\"accountId\":\"{account}\",\"created\":null,\"id\":\"0123456789abcdef01234567\"}"), 400,
                        "cursor"),
                get("cursor with a nested object", "/v1/messages?cursor=" + later(
                        "{\"accountId\":\"{account}\",\"created\":{\"S\":\"x\"},\"id\":\"0123456789abcdef01234567\"}"),
                        400, "cursor"),
                get("cursor of another account", "/v1/messages?cursor=" + later(
                        "{\"accountId\":\"0123456789abcdef01234567\","
                                + "\"created\":\"1767225600000#0123456789abcdef01234567\","
                                + "\"id\":\"0123456789abcdef01234567\"}"), 400, "cursor"),
                get("device listing cursor of punctuation", "/v1/devices?cursor=!!!", 400, "cursor"),
                get("device listing cursor of base64 garbage", "/v1/devices?cursor=" + b64("{\"x\":1}"), 400, "cursor"),
                get("chat listing cursor of punctuation", "/v1/devices/{device}/chats?cursor=!!!", 400, "cursor"),
                get("events after of punctuation", "/v1/events?after=!!!", 400, "after"),
                // What the HTTP layer itself refuses
                get("an over-long path", "/v1/messages/" + LONG, 414, "path"),
                get("an over-long query string", "/v1/messages?reference=" + LONG + LONG, 414, "query"));
    }

    /**
     * Malformed percent-encoding. Quarkus's root HTTP handler (VertxHttpRecorder) checks every URI with
     * {@code new URI(...)} before any route and answers an empty 400, unless the JVM runs with
     * {@code -Dvertx.disableURIValidation=true}; with that flag RequestLineGuard answers these rows. The flag
     * belongs in the launch scripts (Makefile, connector image, Lambda JAVA_TOOL_OPTIONS), outside this branch.
     */
    static Stream<Case> malformedEncoding() {
        return Stream.of(
                raw("malformed percent-encoding in the query", "/v1/messages?reference=%ZZ", 400, "reference"),
                raw("a truncated percent-escape in the query", "/v1/messages?createdAfter=2026%2", 400, "createdAfter"),
                raw("malformed percent-encoding in the path", "/v1/messages/%ZZ", 400, "path"),
                raw("a character no URI holds in the path", "/v1/messages/a|b", 400, "path"),
                raw("a character no URI holds in the query", "/v1/messages?reference=a|b", 400, "query"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void bad_input_is_a_4xx_problem_naming_the_field(Case c) throws IOException {
        setUp();
        String uri = c.uri().replace("{device}", device).replace("{account}", tenant.accountId());
        Matcher encode = LATER.matcher(uri);
        uri = encode.replaceAll(m -> b64(m.group(1)));
        if (c.method().equals("RAW")) {
            rawCase(c, uri);
            return;
        }
        RequestSpecification request = given().urlEncodingEnabled(false).header("Token", tenant.token());
        if (c.body() != null) {
            request = request.contentType(ContentType.JSON)
                    .body(c.body().replace("{device}", device).getBytes(StandardCharsets.UTF_8));
        }
        Response response = request.request(c.method(), uri);

        assertThat(response.statusCode()).as("status of %s: %s", c.name(), response.asString()).isEqualTo(c.status());
        assertThat(response.contentType()).as("content type of %s", c.name()).startsWith("application/problem+json");
        assertThat(response.jsonPath().getString("field")).as("field of %s: %s", c.name(), response.asString())
                .isEqualTo(c.field());
        assertThat(response.jsonPath().getInt("status")).isEqualTo(c.status());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformedEncoding")
    void malformed_percent_encoding_is_a_400_problem_naming_the_parameter(Case c) throws IOException {
        bad_input_is_a_4xx_problem_naming_the_field(c);
    }

    @Test
    void concurrent_sends_with_one_idempotency_key_answer_the_same_message_never_5xx() throws Exception {
        setUp();
        String key = "same-" + UUID.randomUUID();
        String body = "{\"phone\":\"" + TO + "\",\"message\":\"once\",\"device\":\"" + device + "\"}";
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Response>> answers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                answers.add(pool.submit(() -> given().header("Token", tenant.token()).header("Idempotency-Key", key)
                        .contentType(ContentType.JSON).body(body).post("/v1/messages")));
            }
            Set<String> ids = new HashSet<>();
            for (Future<Response> answer : answers) {
                Response r = answer.get(60, TimeUnit.SECONDS);
                assertThat(r.statusCode()).as(r.asString()).isIn(200, 201);
                ids.add(r.path("id"));
            }
            assertThat(ids).hasSize(1);
        } finally {
            pool.shutdownNow();
        }
    }

    private static synchronized void setUp() {
        if (tenant == null) {
            tenant = Api.newAccount();
            device = Api.newDevice(tenant.token(), "business");
        }
    }

    /** A request line no HTTP client library will send, written on a socket. */
    private static Case raw(String name, String uri, int status, String field) {
        return new Case(name, "RAW", uri, null, status, field);
    }

    private static void rawCase(Case c, String uri) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + uri + " HTTP/1.1\r\nHost: 127.0.0.1\r\nToken: " + tenant.token()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int split = answer.indexOf("\r\n\r\n");
            String head = answer.substring(0, split).toLowerCase(Locale.ROOT);
            String body = answer.substring(split + 4);
            assertThat(head).as("answer to %s", c.name()).startsWith("http/1.1 " + c.status() + " ");
            assertThat(head).as("content type of %s", c.name()).contains("content-type: application/problem+json");
            JsonPath json = new JsonPath(body.substring(body.indexOf('{'), body.lastIndexOf('}') + 1));
            assertThat(json.getString("field")).as("field of %s: %s", c.name(), body).isEqualTo(c.field());
            assertThat(json.getInt("status")).isEqualTo(c.status());
        }
    }

    private static Case send(String name, String body, String field) {
        return new Case(name, "POST", "/v1/messages", body, 400, field);
    }

    private static Case get(String name, String uri, int status, String field) {
        return new Case(name, "GET", uri, null, status, field);
    }

    /** Marks a cursor to base64-encode once the account id is known. */
    private static String later(String raw) {
        return "<<" + raw + ">>";
    }

    private static String b64(String raw) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
    }
}
