package dev.parley.driver.baileys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Singleton;

import java.util.List;

/**
 * In a Quarkus test that selects {@code parley.driver.type=baileys}, the application's Baileys driver runs the
 * sidecar's test entry point with the scripted fake socket (PROTOCOL.md): every device's first socket shows two QR
 * codes 3 s apart (three in all), later sockets open once linked. Tests link a device with {@link #link}.
 */
@Singleton
public class FakeSocketEngine {

    private final ObjectNode script;
    private volatile BaileysFake.Run started;

    public FakeSocketEngine() {
        ObjectNode script = BaileysFake.script(null);
        ArrayNode first = ((ObjectNode) script.path("devices").path("*")).putArray("sessions").addArray();
        first.addObject().put("qr", "ref-one");
        first.addObject().put("wait", 3000);
        first.addObject().put("qr", "ref-two");
        first.addObject().put("wait", 3000);
        first.addObject().put("qr", "ref-three");
        first.addObject().put("wait", 600_000);
        this.script = script;
    }

    @Produces
    @Alternative
    @Priority(1)
    @Singleton
    @Typed(BaileysDriver.class) // like the class bean: never itself the WhatsAppDriver, which DriverSelection picks
    BaileysDriver driver(BaileysConfig config, SessionStore store) {
        // Devices other test classes left in the shared database (older ids) have no phone on this network: they
        // are not connected, so the sidecar serves only this class's devices.
        long since = java.time.Instant.now().getEpochSecond();
        started = BaileysFake.run(store, config, script, 500, id -> Long.parseLong(id.substring(0, 8), 16) >= since);
        return started.driver();
    }

    void stop(@Disposes BaileysDriver driver) {
        driver.stop();
    }

    /** The phone links the device (it scanned the QR or entered the pairing code); WhatsApp then restarts the socket. */
    public void link(String deviceId) {
        BaileysFake.FakeNetwork network = new BaileysFake.FakeNetwork(started.driver());
        ObjectNode link = BaileysFake.JSON.createObjectNode();
        link.putObject("link").put("phone", "447911123456").put("name", "Parley Test");
        network.fake(deviceId, link, BaileysFake.JSON.createObjectNode().put("close", 515));
    }

    /** WhatsApp's server rotates the QR code of the device's current (unlinked) socket to one with {@code ref}. */
    public void rotateQr(String deviceId, String ref) {
        new BaileysFake.FakeNetwork(started.driver()).fake(deviceId, BaileysFake.JSON.createObjectNode().put("qr", ref));
    }

    /** WhatsApp closes the device's socket with a disconnect code (401 logged out, 403 forbidden, …). */
    void close(String deviceId, int code) {
        new BaileysFake.FakeNetwork(started.driver()).fake(deviceId, BaileysFake.JSON.createObjectNode().put("close", code));
    }

    /** A contact sends the device a message ({@code message}: a Baileys WebMessageInfo as JSON), live ({@code notify}). */
    void receive(String deviceId, ObjectNode message) {
        ObjectNode upsert = BaileysFake.JSON.createObjectNode();
        upsert.putObject("upsert").put("type", "notify").putArray("messages").add(message);
        new BaileysFake.FakeNetwork(started.driver()).fake(deviceId, upsert);
    }

    /** What the fake socket recorded for a device, by op (makeSocket, logout, requestPairingCode, …). */
    List<JsonNode> recorded(String deviceId, String op) {
        return started.recorded(op).stream().filter(e -> deviceId.equals(e.path("device").asText())).toList();
    }
}
