package dev.parley.driver.baileys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.jboss.logging.Logger;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Answers the sidecar's auth calls (PROTOCOL.md) from the {@link SessionStore}: Baileys' creds and signal keys
 * live in Parley, and a write is answered only once it is durable. A store failure is answered as
 * {@code store_failed}, which Baileys retries.
 */
final class SessionCalls {

    private static final Logger LOG = Logger.getLogger(SessionCalls.class);

    private final SessionStore store;
    private final ObjectMapper json;

    SessionCalls(SessionStore store, ObjectMapper json) {
        this.store = store;
        this.json = json;
    }

    /** The answer to one auth call ({@code auth.get}, {@code creds.set}, {@code keys.get}, {@code keys.set}). */
    ObjectNode answer(ObjectNode call) {
        String op = call.path("op").asText();
        String deviceId = call.path("device").asText();
        ObjectNode answer = json.createObjectNode();
        answer.set("re", call.get("id"));
        try {
            switch (op) {
                case "auth.get" -> answer.set("creds", store.creds(deviceId).map(this::tree).orElse(NullNode.getInstance()));
                case "creds.set" -> store.saveCreds(deviceId, json.writeValueAsString(call.get("creds")));
                case "keys.get" -> {
                    List<String> ids = new ArrayList<>();
                    call.path("ids").forEach(id -> ids.add(id.asText()));
                    ObjectNode values = answer.putObject("values");
                    store.keys(deviceId, call.path("type").asText(), ids).forEach((id, v) -> values.set(id, tree(v)));
                }
                case "keys.set" -> {
                    Map<String, Map<String, String>> data = new LinkedHashMap<>();
                    for (Map.Entry<String, JsonNode> type : call.path("data").properties()) {
                        Map<String, String> byId = new LinkedHashMap<>();
                        for (Map.Entry<String, JsonNode> key : type.getValue().properties()) {
                            byId.put(key.getKey(), key.getValue().isNull() ? null : json.writeValueAsString(key.getValue()));
                        }
                        data.put(type.getKey(), byId);
                    }
                    store.saveKeys(deviceId, data);
                }
                default -> throw new IllegalArgumentException("unknown auth call " + op);
            }
            answer.put("ok", true);
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warnf("Session %s for device %s failed: %s", op, deviceId, e.toString());
            answer.removeAll();
            answer.set("re", call.get("id"));
            answer.put("ok", false);
            answer.putObject("error").put("code", "store_failed").put("message", op + " failed in Parley");
        }
        return answer;
    }

    private JsonNode tree(String value) {
        try {
            return json.readTree(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A stored session value is not JSON", e);
        }
    }

}
