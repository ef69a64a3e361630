package dev.parley.connector;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.common.Blocking;
import dev.parley.common.OutageLog;
import dev.parley.device.Device;
import dev.parley.driver.DriverRefusal;
import dev.parley.driver.LinkingCode;
import dev.parley.driver.NumberCheck;
import dev.parley.driver.Presence;
import dev.parley.driver.ProfileUpdate;
import dev.parley.driver.WhatsAppDriver;
import dev.parley.linking.DeviceCommand;
import dev.parley.linking.DeviceCommandStore;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Runs the device commands the API left in the store (ADR 0012) for the devices of the shards this connector
 * owns: it looks every {@code parley.connector.command-poll}, and at once when a command is submitted in this
 * process. A command is claimed by a conditional write, so exactly one connector runs it; one whose deadline
 * passed (the API stopped waiting) ends failed without running.
 */
final class DeviceCommandRunner {

    private static final Logger LOG = Logger.getLogger(DeviceCommandRunner.class);

    /** Polls fail together while the store is down: one line when that starts and one when it ends. */
    private final OutageLog polling = new OutageLog("Looking for device commands", LOG);

    private final DeviceCommandStore store;
    private final WhatsAppDriver driver;
    private final OutboundMedia files;
    private final DeviceSessions sessions;
    private final Supplier<Set<Integer>> shards;
    private final Duration poll;
    private final Clock clock;
    private final ExecutorService background;
    private final ObjectMapper json = new ObjectMapper();
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private Thread loop;

    DeviceCommandRunner(ConnectorServices services, DeviceSessions sessions, Supplier<Set<Integer>> shards,
                        Duration poll, ExecutorService background) {
        this.store = services.commands();
        this.driver = services.driver();
        this.files = services.sender().media();
        this.sessions = sessions;
        this.shards = shards;
        this.poll = poll;
        this.clock = services.clock();
        this.background = background;
        store.onSubmit(shard -> {
            if (running && shards.get().contains(shard)) {
                wake.release();
            }
        });
    }

    synchronized void start() {
        running = true;
        loop = Thread.ofVirtual().name("connector-commands").start(this::run);
    }

    synchronized void stop() {
        running = false;
        if (loop != null) {
            loop.interrupt();
            loop = null;
        }
    }

    private void run() {
        while (running) {
            try {
                wake.tryAcquire(poll.toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
                for (int shard : shards.get()) {
                    for (DeviceCommand command : Blocking.await(store.pending(shard))) {
                        take(command);
                    }
                }
                polling.succeeded();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                polling.failed(e);
            }
        }
    }

    private void take(DeviceCommand command) {
        if (!sessions.hasSession(command.deviceId()) && !clock.instant().isAfter(command.deadline())) {
            return; // a device this connector has not loaded yet: the next refresh brings it
        }
        if (!Blocking.await(store.claim(command))) {
            return;
        }
        if (clock.instant().isAfter(command.deadline())) {
            finish(command, null, new DriverRefusal("expired", "no connector ran the command in time", true));
            return;
        }
        background.submit(() -> {
            try {
                finish(command, answer(command), null);
            } catch (DriverRefusal refusal) {
                finish(command, null, refusal);
            } catch (RuntimeException e) {
                LOG.warnf(e, "Device command %s on device=%s failed", command.op(), command.deviceId());
                finish(command, null, new DriverRefusal("engine_failed", "the WhatsApp engine failed", true));
            }
        });
    }

    private String answer(DeviceCommand command) {
        String deviceId = command.deviceId();
        Device device = sessions.device(deviceId);
        if (device == null) {
            throw new DriverRefusal("not_held", "this connector no longer holds the device", true);
        }
        ObjectNode answer = json.createObjectNode();
        switch (command.op()) {
            case link -> {
                LOG.infof("Linking device=%s again, as its owner asked", deviceId);
                sessions.relink(deviceId);
            }
            case pairingCode -> {
                LinkingCode code = driver.pairingCode(deviceId, payload(command).path("phone").asText());
                answer.put("code", code.value()).put("expiresAt", code.expiresAt().toString());
            }
            case logout -> {
                LOG.infof("Logging device=%s out, as its owner asked", deviceId);
                sessions.logoutAsked(deviceId);
                driver.logout(deviceId);
            }
            case checkNumbers -> {
                List<String> phones = new ArrayList<>();
                payload(command).path("phones").forEach(p -> phones.add(p.asText()));
                var results = answer.putArray("results");
                for (NumberCheck check : driver.checkNumbers(deviceId, phones)) {
                    results.addObject().put("phone", check.phone()).put("exists", check.exists())
                            .put("waId", check.waId());
                }
            }
            case profile -> profile(device, payload(command));
            case markRead -> {
                JsonNode payload = payload(command);
                List<String> waIds = new ArrayList<>();
                payload.path("messages").forEach(m -> waIds.add(m.asText()));
                driver.markRead(deviceId, payload.path("chat").asText(), waIds);
            }
            case presence -> {
                JsonNode payload = payload(command);
                driver.showPresence(deviceId, text(payload, "chat"), Presence.valueOf(payload.path("state").asText()));
            }
        }
        return answer.toString();
    }

    /** A profile picture larger than this is refused: WhatsApp scales pictures down to 640 px anyway. */
    static final int MAX_PICTURE_BYTES = 5 * 1024 * 1024;

    private void profile(Device device, JsonNode payload) {
        byte[] picture = null;
        if (payload.hasNonNull("picture")) {
            String fileId = payload.path("picture").asText();
            picture = files.read(device.accountId, fileId, MAX_PICTURE_BYTES);
            if (picture == null) {
                throw new DriverRefusal("bad_request", "picture: file " + fileId + " does not exist, expired, or is "
                        + "larger than " + MAX_PICTURE_BYTES + " bytes", false);
            }
        }
        driver.updateProfile(device.id, new ProfileUpdate(text(payload, "name"), text(payload, "about"), picture));
    }

    private static String text(JsonNode payload, String field) {
        return payload.hasNonNull(field) ? payload.path(field).asText() : null;
    }

    private JsonNode payload(DeviceCommand command) {
        try {
            return json.readTree(command.payload() == null ? "{}" : command.payload());
        } catch (JsonProcessingException e) {
            throw new DriverRefusal("bad_request", "the command's payload is not JSON", false);
        }
    }

    private void finish(DeviceCommand command, String answer, DriverRefusal refusal) {
        try {
            Blocking.await(store.finish(command, answer, refusal == null ? null : refusal.reason(),
                    refusal == null ? null : refusal.getMessage()));
        } catch (RuntimeException e) {
            LOG.warnf("Could not record the outcome of command %s on device=%s: %s", command.op(), command.deviceId(),
                    e.toString());
        }
    }
}
