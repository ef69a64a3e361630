package dev.parley.driver.baileys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.common.MessageContent;
import dev.parley.driver.DriverListener;
import dev.parley.driver.IncomingMessage;
import dev.parley.driver.LinkingCode;
import dev.parley.driver.OutboundMessage;
import dev.parley.driver.Receipt;
import dev.parley.driver.SendResult;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.WhatsAppDriver;
import dev.parley.driver.WhatsAppNetwork;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The Baileys driver on a scripted network: the real sidecar ({@code src/test-entry.js}, real Baileys code) with
 * only Baileys' socket replaced by the fake of engine/baileys (PROTOCOL.md, "Test entry point"), sessions in a
 * throwaway DynamoDB table of the local emulator, and the data key in a temporary directory.
 */
final class BaileysFake {

    static final String REACHABLE = "+447911123001";
    static final String NOT_ON_WHATSAPP = "+447911120000";
    static final ObjectMapper JSON = new ObjectMapper();

    private BaileysFake() {
    }

    /** A client of the local DynamoDB emulator that scripts/services.sh started. */
    static DynamoDbAsyncClient dynamo() {
        String endpoint = Objects.requireNonNull(System.getenv("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE"),
                "source target/services/env first (scripts/services.sh start)");
        return DynamoDbAsyncClient.builder()
                .endpointOverride(URI.create(endpoint))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
                .httpClientBuilder(NettyNioAsyncHttpClient.builder())
                .build();
    }

    static Path tempDir() {
        try {
            return Files.createTempDirectory("parley-baileys-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Test timings: fast heartbeats and restarts. */
    static BaileysConfig config(String table, Path keyFile) {
        return new BaileysConfig() {
            public String node() { return "node"; }
            public String sidecar() { return "engine/baileys/src/test-entry.js"; }
            public String logLevel() { return "warn"; }
            public Duration startTimeout() { return Duration.ofSeconds(30); }
            public Duration requestTimeout() { return Duration.ofSeconds(15); }
            public Duration sendTimeout() { return Duration.ofSeconds(20); }
            public Duration heartbeatEvery() { return Duration.ofMillis(500); }
            public Duration heartbeatTimeout() { return Duration.ofSeconds(5); }
            public Duration restartBackoff() { return Duration.ofMillis(200); }
            public Duration restartBackoffMax() { return Duration.ofSeconds(2); }
            public String sessionsTable() { return table; }
            public Path keyFile() { return keyFile; }
            public java.util.Optional<String> kmsKey() { return java.util.Optional.empty(); }
        };
    }

    /** A sidecar script (the fake socket's) with the defaults every device shares. */
    static ObjectNode script(ObjectNode send) {
        ObjectNode script = JSON.createObjectNode();
        ObjectNode all = script.putObject("devices").putObject("*");
        all.putArray("notOnWhatsApp").add(NOT_ON_WHATSAPP);
        if (send != null) {
            all.set("send", send);
        }
        return script;
    }

    /** One sidecar run: its script, the file the fake records calls in, and a driver on them. */
    record Run(BaileysDriver driver, Path record) {

        /** The fake's record of {@code sendMessage} calls. */
        List<JsonNode> sends() {
            return recorded("sendMessage");
        }

        /** The fake's record of calls named {@code op}, or of every call when it is null. */
        List<JsonNode> recorded(String op) {
            List<JsonNode> out = new ArrayList<>();
            try {
                if (!Files.exists(record)) {
                    return out;
                }
                for (String line : Files.readAllLines(record)) {
                    if (!line.isBlank()) {
                        JsonNode entry = JSON.readTree(line);
                        if (op == null || op.equals(entry.path("op").asText())) {
                            out.add(entry);
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return out;
        }
    }

    /** A driver whose sidecar runs {@code script}; reconnects after a drop wait {@code backoffMillis}. */
    static Run run(SessionStore store, BaileysConfig config, ObjectNode script, long backoffMillis) {
        return run(store, config, script, backoffMillis, id -> true);
    }

    /** As {@link #run(SessionStore, BaileysConfig, ObjectNode, long)}, connecting only the devices {@code onNetwork} accepts. */
    static Run run(SessionStore store, BaileysConfig config, ObjectNode script, long backoffMillis,
                   java.util.function.Predicate<String> onNetwork) {
        Path dir = tempDir();
        Path scriptFile = dir.resolve("script.json");
        Path record = dir.resolve("record.ndjson");
        try {
            Files.writeString(scriptFile, JSON.writeValueAsString(script));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BaileysDriver driver = new BaileysDriver(config, store, List.of(config.node(), config.sidecar()), Map.of(
                "PARLEY_FAKE_SOCKET", scriptFile.toString(),
                "PARLEY_FAKE_RECORD", record.toString(),
                "PARLEY_SIDECAR_BACKOFF_BASE_MS", Long.toString(backoffMillis),
                "PARLEY_SIDECAR_BACKOFF_MAX_MS", Long.toString(backoffMillis))) {
            @Override
            public void connect(String deviceId, String phone) {
                if (onNetwork.test(deviceId)) {
                    super.connect(deviceId, phone);
                }
            }
        };
        return new Run(driver, record);
    }

    /** The phones, contacts and servers around the sidecar's fake sockets, acted on through the test-only {@code fake} op. */
    static final class FakeNetwork implements WhatsAppNetwork {

        private final BaileysDriver driver;
        private final Run run;
        private final Set<String> unlinked = ConcurrentHashMap.newKeySet();
        private final Map<String, LinkingCode> offered = new ConcurrentHashMap<>();
        private final AtomicInteger ids = new AtomicInteger();

        FakeNetwork(BaileysDriver driver) {
            this(driver, null);
        }

        /** A network that can also tell what the fake socket was asked to do ({@link #actions}). */
        FakeNetwork(Run run) {
            this(run.driver(), run);
        }

        private FakeNetwork(BaileysDriver driver, Run run) {
            this.driver = driver;
            this.run = run;
        }

        @Override
        public String reachableNumber() {
            return REACHABLE;
        }

        @Override
        public String numberNotOnWhatsapp() {
            return NOT_ON_WHATSAPP;
        }

        @Override
        public void unlinked(String deviceId) {
            // a device without creds in the store shows a QR anyway; this only stops the phone scanning at once
            unlinked.add(deviceId);
        }

        boolean scansAtOnce(String deviceId) {
            return !unlinked.contains(deviceId);
        }

        void offered(String deviceId, LinkingCode code) {
            offered.put(deviceId, code);
        }

        @Override
        public boolean scan(String deviceId, LinkingCode code) {
            if (!code.equals(offered.get(deviceId))) {
                return false;
            }
            ObjectNode link = JSON.createObjectNode();
            link.putObject("link").put("phone", "447911123456").put("name", "Parley Test");
            fake(deviceId, link, JSON.createObjectNode().put("close", 515));
            return true;
        }

        @Override
        public void dropConnection(String deviceId) {
            fake(deviceId, JSON.createObjectNode().put("close", 428));
        }

        @Override
        public void restoreConnection(String deviceId) {
            // the sidecar reconnects by itself after its backoff, and the fake's next socket opens
        }

        @Override
        public void logOut(String deviceId) {
            fake(deviceId, JSON.createObjectNode().put("close", 401));
        }

        @Override
        public String incoming(String deviceId, String chat, String from, MessageContent content, String quotedWaId) {
            String waId = "IN" + ids.incrementAndGet() + Long.toHexString(System.nanoTime()).toUpperCase();
            ObjectNode msg = JSON.createObjectNode();
            boolean group = chat.endsWith("@g.us");
            ObjectNode key = msg.putObject("key").put("remoteJid", jid(chat)).put("id", waId).put("fromMe", false);
            if (group) {
                key.put("participant", jid(from));
            }
            msg.put("messageTimestamp", System.currentTimeMillis() / 1000).put("pushName", "Ana");
            ObjectNode message = msg.putObject("message");
            switch (content.kind()) {
                case text, link -> {
                    if (quotedWaId == null) {
                        message.put("conversation", content.text());
                    } else {
                        ObjectNode ext = message.putObject("extendedTextMessage").put("text", content.text());
                        ext.putObject("contextInfo").put("stanzaId", quotedWaId);
                    }
                }
                case location -> {
                    MessageContent.Location l = content.location();
                    ObjectNode loc = message.putObject("locationMessage")
                            .put("degreesLatitude", l.latitude()).put("degreesLongitude", l.longitude());
                    if (l.name() != null) {
                        loc.put("name", l.name());
                    }
                    if (l.address() != null) {
                        loc.put("address", l.address());
                    }
                }
                case media -> {
                    MessageContent.Media m = content.media();
                    String type = switch (m.type()) {
                        case image -> "imageMessage";
                        case video, gif -> "videoMessage";
                        case audio -> "audioMessage";
                        case document, archive -> "documentMessage";
                    };
                    ObjectNode media = message.putObject(type).put("mimetype", "application/octet-stream");
                    if (m.caption() != null) {
                        media.put("caption", m.caption());
                    }
                }
            }
            ObjectNode upsert = JSON.createObjectNode();
            upsert.putObject("upsert").put("type", "notify").putArray("messages").add(msg);
            fake(deviceId, upsert);
            return waId;
        }

        @Override
        public void receipt(String deviceId, String waId, Receipt receipt) {
            ObjectNode step = JSON.createObjectNode();
            ObjectNode update = step.putArray("update").addObject();
            update.putObject("key").put("remoteJid", jid(REACHABLE)).put("id", waId).put("fromMe", true);
            update.putObject("update").put("status", receipt == Receipt.read ? 4 : 3);
            fake(deviceId, step);
        }

        @Override
        public List<String> actions(String deviceId) {
            List<String> out = new ArrayList<>();
            for (JsonNode e : run.recorded(null)) {
                if (!deviceId.equals(e.path("device").asText())) {
                    continue;
                }
                switch (e.path("op").asText()) {
                    case "updateProfileName" -> out.add("name:" + e.path("name").asText());
                    case "updateProfileStatus" -> out.add("about:" + e.path("status").asText());
                    case "updateProfilePicture" -> out.add("picture:" + e.path("content").path("$bytes").asInt() + " bytes");
                    case "readMessages" -> e.path("keys").forEach(k -> out.add("read:" + chat(k.path("remoteJid").asText())
                            + ":" + k.path("id").asText()));
                    case "sendPresenceUpdate" -> out.add("presence:" + e.path("type").asText()
                            + (e.path("jid").isTextual() ? ":" + chat(e.path("jid").asText()) : ""));
                    default -> {
                    }
                }
            }
            return out;
        }

        private static String chat(String jid) {
            return jid.endsWith("@s.whatsapp.net") ? "+" + jid.substring(0, jid.indexOf('@')) : jid;
        }

        /** Runs fake-socket steps on the device's current socket. */
        void fake(String deviceId, ObjectNode... steps) {
            ObjectNode request = JSON.createObjectNode().put("device", deviceId);
            ArrayNode list = request.putArray("steps");
            for (ObjectNode step : steps) {
                list.add(step);
            }
            driver.request("fake", request);
        }

        private static String jid(String chat) {
            return chat.contains("@") ? chat : chat.replace("+", "") + "@s.whatsapp.net";
        }
    }

    /**
     * The driver with a phone that scans every code at once unless the network was told the device is unlinked:
     * linked devices come online on connect, as the contract expects, after a real link through the fake.
     */
    record AutoLinking(BaileysDriver driver, FakeNetwork network) implements WhatsAppDriver {

        @Override
        public void start(DriverListener listener) {
            driver.start(new DriverListener() {
                @Override
                public void onStatus(String deviceId, DeviceStatus status) {
                    listener.onStatus(deviceId, status);
                }

                @Override
                public void onLinking(String deviceId, LinkingCode code) {
                    network.offered(deviceId, code);
                    if (network.scansAtOnce(deviceId)) {
                        CompletableFuture.runAsync(() -> network.scan(deviceId, code));
                    }
                    listener.onLinking(deviceId, code);
                }

                @Override
                public void onReceipt(String deviceId, String waId, Receipt receipt) {
                    listener.onReceipt(deviceId, waId, receipt);
                }

                @Override
                public void onIncoming(String deviceId, IncomingMessage message) {
                    listener.onIncoming(deviceId, message);
                }
            });
        }

        @Override
        public void connect(String deviceId, String phone) {
            driver.connect(deviceId, phone);
        }

        @Override
        public void disconnect(String deviceId) {
            driver.disconnect(deviceId);
        }

        @Override
        public SendResult send(String deviceId, OutboundMessage message) {
            return driver.send(deviceId, message);
        }

        @Override
        public LinkingCode pairingCode(String deviceId, String phone) {
            LinkingCode code = driver.pairingCode(deviceId, phone);
            network.offered(deviceId, code); // entering it on the phone links the device like a scan
            return code;
        }

        @Override
        public void logout(String deviceId) {
            driver.logout(deviceId);
        }

        @Override
        public List<dev.parley.driver.NumberCheck> checkNumbers(String deviceId, List<String> phones) {
            return driver.checkNumbers(deviceId, phones);
        }

        @Override
        public void updateProfile(String deviceId, dev.parley.driver.ProfileUpdate update) {
            driver.updateProfile(deviceId, update);
        }

        @Override
        public void markRead(String deviceId, String chat, List<String> waIds) {
            driver.markRead(deviceId, chat, waIds);
        }

        @Override
        public void showPresence(String deviceId, String chat, dev.parley.driver.Presence presence) {
            driver.showPresence(deviceId, chat, presence);
        }
    }
}
