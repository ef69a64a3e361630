package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** The bench's client of Parley's REST API over java.net.http, with JSON through Jackson. */
final class Api {

    static final String OPERATOR_KEY = "bench-operator-key";
    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;

    Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    /** A new account: its id and first token. */
    record Tenant(String accountId, String token) {
    }

    Tenant newAccount(String name, int maxDevices) {
        JsonNode created = operator("POST", "/v1/operator/accounts",
                Map.of("name", name, "email", "bench@example.com"), 201);
        Tenant tenant = new Tenant(created.path("account").path("id").asText(), created.path("token").path("token").asText());
        operator("PATCH", "/v1/operator/accounts/" + tenant.accountId(), Map.of("maxDevices", maxDevices), 200);
        return tenant;
    }

    String newDevice(Tenant tenant, String plan) {
        return call("POST", "/v1/devices", tenant.token(), null,
                Map.of("name", "Bench", "phone", "+447911123456", "plan", plan), 201).path("id").asText();
    }

    String deviceStatus(Tenant tenant, String device) {
        return call("GET", "/v1/devices/" + device, tenant.token(), null, null, 200).path("status").asText();
    }

    void sandboxOffline(String device) {
        operator("POST", "/v1/operator/sandbox/devices/" + device + "/offline", null, 200);
    }

    /** What the sandbox network received from a device (its memory only: no store call). */
    JsonNode sandboxSent(String device) {
        return operator("GET", "/v1/operator/sandbox/devices/" + device + "/sent", null, 200);
    }

    /** Posts one message; its id. */
    String send(Tenant tenant, Map<String, Object> message) {
        return call("POST", "/v1/messages", tenant.token(), null, message, 201).path("id").asText();
    }

    /** Posts a bulk request; the ids of its items, all of which must be accepted. */
    List<String> sendBulk(Tenant tenant, List<Map<String, Object>> messages) {
        JsonNode results = call("POST", "/v1/messages/bulk", tenant.token(), null, Map.of("messages", messages), 200)
                .path("results");
        List<String> ids = new ArrayList<>();
        for (JsonNode result : results) {
            if (!result.hasNonNull("id")) {
                throw new IllegalStateException("a bulk item was refused: " + result);
            }
            ids.add(result.path("id").asText());
        }
        return ids;
    }

    JsonNode message(Tenant tenant, String id) {
        return call("GET", "/v1/messages/" + id, tenant.token(), null, null, 200);
    }

    String newWebhook(Tenant tenant, String url, List<String> events) {
        return call("POST", "/v1/webhooks", tenant.token(), null,
                Map.of("name", "bench", "url", url, "events", events), 201).path("id").asText();
    }

    /** The Prometheus text of /q/metrics. */
    String metrics() {
        return raw("GET", "/q/metrics", null, null, 200);
    }

    static Instant instant(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode() ? null : Instant.parse(node.asText());
    }

    /** A phone number the sandbox delivers to (none ends 0000 or 9999). */
    static String phone(int i) {
        return "+4479111" + (20001 + Math.floorMod(i, 70000));
    }

    private JsonNode operator(String method, String path, Object body, int expected) {
        return call(method, path, null, OPERATOR_KEY, body, expected);
    }

    private JsonNode call(String method, String path, String token, String operatorKey, Object body, int expected) {
        try {
            String text = raw(method, path, token == null ? null : Map.entry("Token", token),
                    body == null ? null : JSON.writeValueAsString(body), expected, operatorKey);
            return text.isEmpty() ? JSON.nullNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e.getMessage(), e);
        }
    }

    private String raw(String method, String path, Map.Entry<String, String> header, String body, int expected) {
        return raw(method, path, header, body, expected, null);
    }

    private String raw(String method, String path, Map.Entry<String, String> header, String body, int expected,
                       String operatorKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (header != null) {
            request.header(header.getKey(), header.getValue());
        }
        if (operatorKey != null) {
            request.header("Operator-Key", operatorKey);
        }
        request.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expected) {
                throw new IllegalStateException(method + " " + path + " answered " + response.statusCode() + ": "
                        + response.body());
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
