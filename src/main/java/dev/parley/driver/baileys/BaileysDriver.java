package dev.parley.driver.baileys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.parley.common.Blocking;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.DriverListener;
import dev.parley.driver.DriverRefusal;
import dev.parley.driver.NumberCheck;
import dev.parley.driver.IncomingMessage;
import dev.parley.driver.LinkingCode;
import dev.parley.driver.OutboundMessage;
import dev.parley.driver.Presence;
import dev.parley.driver.ProfileUpdate;
import dev.parley.driver.Receipt;
import dev.parley.driver.SendResult;
import dev.parley.driver.WhatsAppDriver;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The real WhatsApp engine: Baileys in a Node.js sidecar process (engine/baileys, PROTOCOL.md) hosting every
 * device socket of this connector, driven over stdin/stdout. Java keeps the state: the sidecar's auth calls are
 * answered from the encrypted {@link SessionStore}, so a restarted connector resumes its devices without
 * linking again. A heartbeat detects a hung sidecar; a dead or hung one is restarted with backoff and every
 * device it had open is opened again. Events reach the listener on one thread, in the order the sidecar wrote them.
 *
 * <p>It is the bean for {@code parley.driver.type=baileys}; {@code app.DriverSelection} picks it.
 */
@ApplicationScoped
@Typed(BaileysDriver.class)
public class BaileysDriver implements WhatsAppDriver {

    private static final Logger LOG = Logger.getLogger(BaileysDriver.class);
    private static final int SEEN_PER_DEVICE = 20_000;

    private final BaileysConfig config;
    private final SessionStore store;
    private final List<String> command;
    private final Map<String, String> environment;
    private final ObjectMapper json = new ObjectMapper();
    private final SessionCalls sessionCalls;
    /** Devices this driver has a session for, by id; removed by {@code disconnect}. */
    private final Map<String, DeviceSession> devices = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Boolean>> seen = new ConcurrentHashMap<>();
    /** One thread for every listener call, so a device's events arrive in the order the sidecar wrote them. */
    private final ExecutorService events = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name("baileys-events").daemon().factory());
    /** Auth calls block on DynamoDB; the sidecar orders writes per device, so they may run concurrently. */
    private final ExecutorService auth = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("baileys-auth-", 0).factory());
    private final ScheduledExecutorService supervisor = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("baileys-supervisor").daemon().factory());
    private volatile DriverListener listener;
    private volatile Sidecar current;
    private volatile boolean stopping;
    private volatile long lastPongNanos;
    private volatile long startedNanos;
    private int generation;
    private int restarts;

    /** A device's session as this driver sees it. */
    private static final class DeviceSession {
        volatile String state = "pending";
        /** The sidecar stopped the device for good (logged out, forbidden, replaced, QR expired): not reopened. */
        volatile boolean ended;
    }

    @Inject
    public BaileysDriver(BaileysConfig config, SessionStore store) {
        this(config, store, List.of(config.node(), config.sidecar()), Map.of());
    }

    /** A driver running {@code command} as its sidecar, with {@code environment} added (tests: the fake socket). */
    BaileysDriver(BaileysConfig config, SessionStore store, List<String> command, Map<String, String> environment) {
        this.config = config;
        this.store = store;
        this.sessionCalls = new SessionCalls(store, json);
        this.command = List.copyOf(command);
        Map<String, String> env = new HashMap<>(environment);
        env.putIfAbsent("PARLEY_SIDECAR_LOG_LEVEL", config.logLevel());
        this.environment = Map.copyOf(env);
    }

    @Override
    public void start(DriverListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        store.provision();
        launch();
        long every = config.heartbeatEvery().toMillis();
        supervisor.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void connect(String deviceId, String phone) {
        devices.put(deviceId, new DeviceSession());
        open(deviceId);
    }

    @Override
    public void disconnect(String deviceId) {
        if (devices.remove(deviceId) == null) {
            return;
        }
        Sidecar sidecar = current;
        if (sidecar != null) {
            sidecar.request("close", device(deviceId)).whenComplete((r, e) -> {
                if (e == null && !r.path("ok").asBoolean() && !"unknown_device".equals(errorCode(r))) {
                    LOG.warnf("Closing device %s in the sidecar failed: %s", deviceId, errorCode(r));
                }
            });
        }
    }

    @Override
    public SendResult send(String deviceId, OutboundMessage message) {
        DeviceSession session = devices.get(deviceId);
        if (session == null || session.ended) {
            return new SendResult.TemporaryFailure("device " + deviceId + " has no session");
        }
        Sidecar sidecar = current;
        if (sidecar == null || !sidecar.alive()) {
            return new SendResult.TemporaryFailure("the WhatsApp engine is restarting");
        }
        ObjectNode request;
        try {
            request = SidecarMessages.send(json, deviceId, message);
        } catch (SidecarMessages.Unsendable e) {
            return new SendResult.PermanentFailure(e.getMessage());
        }
        ObjectNode answer;
        try {
            answer = Blocking.await(sidecar.request("send", request), config.sendTimeout());
        } catch (Blocking.BlockingTimeoutException e) {
            return new SendResult.TemporaryFailure("the WhatsApp engine did not answer in time");
        } catch (Sidecar.SidecarGone e) {
            return new SendResult.TemporaryFailure("the WhatsApp engine stopped during the send");
        }
        if (answer.path("ok").asBoolean()) {
            return new SendResult.Sent(answer.path("waId").asText());
        }
        JsonNode error = answer.path("error");
        String code = error.path("code").asText("internal");
        String reason = code + ": " + error.path("message").asText("");
        // unknown_device: the device is not open (yet) in the sidecar, which reopening fixes
        if (error.path("permanent").asBoolean() && !"unknown_device".equals(code)) {
            return new SendResult.PermanentFailure(reason);
        }
        return new SendResult.TemporaryFailure(reason);
    }

    /** How long a pairing code is offered for; WhatsApp does not say, the phone shows its own countdown. */
    private static final Duration PAIRING_LIFETIME = Duration.ofMinutes(3);

    @Override
    public LinkingCode pairingCode(String deviceId, String phone) {
        ObjectNode fields = device(deviceId).put("phone", phone);
        ObjectNode answer = command("pairingCode", fields);
        return new LinkingCode(LinkingCode.Kind.pairing, answer.path("code").asText(), Instant.now().plus(PAIRING_LIFETIME));
    }

    /** Unlinks a device at WhatsApp; a {@code logged_out} status follows and its session is wiped. */
    @Override
    public void logout(String deviceId) {
        Sidecar sidecar = current;
        if (sidecar == null || !devices.containsKey(deviceId)) {
            store.wipe(deviceId);
            return;
        }
        ObjectNode answer = Blocking.await(sidecar.request("logout", device(deviceId)), config.requestTimeout());
        if (!answer.path("ok").asBoolean()) {
            // not open in the sidecar (its session ended before): nothing will report it, so wipe and say so here
            store.wipe(deviceId);
            DeviceSession session = devices.get(deviceId);
            if (session != null) {
                session.ended = true;
                session.state = "logged_out";
                deliver(deviceId, () -> listener.onStatus(deviceId, DeviceStatus.logged_out));
            }
        }
    }

    @Override
    public List<NumberCheck> checkNumbers(String deviceId, List<String> phones) {
        ObjectNode fields = device(deviceId);
        phones.forEach(fields.putArray("phones")::add);
        List<NumberCheck> checks = new ArrayList<>();
        for (JsonNode r : command("checkNumbers", fields).path("results")) {
            String jid = r.path("jid").isTextual() ? r.path("jid").asText() : null;
            checks.add(new NumberCheck(r.path("phone").asText(), r.path("exists").asBoolean(), jid));
        }
        return checks;
    }

    @Override
    public void updateProfile(String deviceId, ProfileUpdate update) {
        ObjectNode fields = device(deviceId);
        if (update.name() != null) {
            fields.put("name", update.name());
        }
        if (update.about() != null) {
            fields.put("about", update.about());
        }
        if (update.picture() != null) {
            fields.putObject("picture").put("base64", java.util.Base64.getEncoder().encodeToString(update.picture()));
        }
        command("profile", fields);
    }

    @Override
    public void markRead(String deviceId, String chat, List<String> waIds) {
        ObjectNode fields = device(deviceId);
        waIds.forEach(waId -> fields.withArray("keys").addObject().put("chat", chat).put("waId", waId));
        command("markRead", fields);
    }

    @Override
    public void showPresence(String deviceId, String chat, Presence presence) {
        ObjectNode fields = device(deviceId).put("type", presence.name());
        if (chat != null) {
            fields.put("chat", chat);
        }
        command("presence", fields);
    }

    /** A request to the sidecar whose failure is a {@link DriverRefusal} carrying the sidecar's error code. */
    private ObjectNode command(String op, ObjectNode fields) {
        Sidecar sidecar = current;
        if (sidecar == null || !sidecar.alive()) {
            throw new DriverRefusal("unavailable", "the WhatsApp engine is restarting", true);
        }
        ObjectNode answer;
        try {
            answer = Blocking.await(sidecar.request(op, fields), config.requestTimeout());
        } catch (Blocking.BlockingTimeoutException | Sidecar.SidecarGone e) {
            throw new DriverRefusal("unavailable", "the WhatsApp engine did not answer", true);
        }
        if (!answer.path("ok").asBoolean()) {
            JsonNode error = answer.path("error");
            String code = error.path("code").asText("internal");
            boolean retryable = !error.path("permanent").asBoolean() || "unknown_device".equals(code);
            throw new DriverRefusal(code, error.path("message").asText(code), retryable);
        }
        return answer;
    }

    /** Ends the sidecar (its sockets close without logging out) and this driver's threads. */
    @PreDestroy
    public void stop() {
        stopping = true;
        supervisor.shutdownNow();
        Sidecar sidecar = current;
        if (sidecar != null) {
            sidecar.stop(5_000);
        }
        events.shutdown();
        auth.shutdown();
    }

    /** The running sidecar's process id, or -1. */
    long sidecarPid() {
        Sidecar sidecar = current;
        return sidecar == null ? -1 : sidecar.pid();
    }

    /** Sends a request to the running sidecar and waits for its answer (tests use the fake socket's ops). */
    ObjectNode request(String op, ObjectNode fields) {
        Sidecar sidecar = current;
        if (sidecar == null) {
            throw new Sidecar.SidecarGone("no sidecar");
        }
        return Blocking.await(sidecar.request(op, fields), config.requestTimeout());
    }

    // --- supervision --------------------------------------------------------------------------------

    private synchronized void launch() {
        int gen = ++generation;
        Sidecar sidecar;
        try {
            sidecar = Sidecar.start(command, environment, json, new Handler(), gen);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start the WhatsApp engine sidecar (" + String.join(" ", command)
                    + "): is Node.js 20+ installed and on the PATH, and was `npm ci` run in engine/baileys? "
                    + e.getMessage(), e);
        }
        ObjectNode ready;
        try {
            ready = Blocking.await(sidecar.ready(), config.startTimeout());
        } catch (RuntimeException e) {
            sidecar.kill();
            throw new IllegalStateException("The WhatsApp engine sidecar did not start (" + String.join(" ", command)
                    + "); see its output above. Is `npm ci` done in engine/baileys?", e);
        }
        String node = ready.path("node").asText("");
        LOG.infof("WhatsApp engine sidecar %d started (pid %d, Baileys %s, Node.js %s)", gen, sidecar.pid(),
                ready.path("baileys").asText(), node);
        startedNanos = System.nanoTime();
        lastPongNanos = startedNanos;
        current = sidecar;
    }

    private void heartbeat() {
        Sidecar sidecar = current;
        if (stopping || sidecar == null || !sidecar.alive()) {
            return;
        }
        long silentNanos = System.nanoTime() - lastPongNanos;
        if (silentNanos > config.heartbeatTimeout().toNanos()) {
            LOG.warnf("WhatsApp engine sidecar %d (pid %d) answered no ping for %d ms: killing it", sidecar.generation(),
                    sidecar.pid(), TimeUnit.NANOSECONDS.toMillis(silentNanos));
            sidecar.kill();
            return;
        }
        sidecar.request("ping", json.createObjectNode()).thenAccept(pong -> {
            if (sidecar == current) {
                lastPongNanos = System.nanoTime();
                if (lastPongNanos - startedNanos > config.heartbeatTimeout().toNanos()) {
                    restartsSettled();
                }
            }
        });
    }

    private synchronized void restartsSettled() {
        restarts = 0;
    }

    private synchronized void scheduleRestart() {
        if (stopping) {
            return;
        }
        long base = config.restartBackoff().toMillis();
        long delay = Math.min(config.restartBackoffMax().toMillis(), base << Math.min(restarts, 16));
        restarts++;
        LOG.warnf("Restarting the WhatsApp engine sidecar in %d ms (attempt %d)", delay, restarts);
        supervisor.schedule(this::restart, delay, TimeUnit.MILLISECONDS);
    }

    private void restart() {
        if (stopping) {
            return;
        }
        try {
            launch();
        } catch (RuntimeException e) {
            LOG.warnf("The WhatsApp engine sidecar did not restart: %s", e.getMessage());
            scheduleRestart();
            return;
        }
        devices.forEach((id, session) -> {
            if (!session.ended) {
                open(id);
            }
        });
    }

    private void open(String deviceId) {
        Sidecar sidecar = current;
        if (sidecar == null || !sidecar.alive()) {
            return; // the restart opens it
        }
        sidecar.request("open", device(deviceId)).whenComplete((answer, e) -> {
            if (e != null) {
                LOG.debugf("Opening device %s did not complete: %s", deviceId, e.getMessage());
            } else if (!answer.path("ok").asBoolean()) {
                LOG.warnf("Opening device %s failed: %s", deviceId, errorCode(answer));
            }
        });
    }

    // --- what the sidecar says ------------------------------------------------------------------------

    private final class Handler implements Sidecar.Handler {

        @Override
        public void onEvent(Sidecar sidecar, ObjectNode event) {
            if (sidecar != current && current != null) {
                return;
            }
            String ev = event.path("ev").asText();
            String deviceId = event.path("device").asText(null);
            switch (ev) {
                case "status" -> onStatusEvent(deviceId, event);
                case "qr" -> {
                    LinkingCode code = new LinkingCode(LinkingCode.Kind.qr, event.path("qr").asText(),
                            Instant.ofEpochMilli(event.path("expiresAt").asLong()));
                    deliver(deviceId, () -> listener.onLinking(deviceId, code));
                }
                case "incoming" -> {
                    IncomingMessage message = SidecarMessages.incoming(event.path("message"));
                    if (message != null && firstTime(deviceId, message.waId())) {
                        deliver(deviceId, () -> listener.onIncoming(deviceId, message));
                    }
                }
                case "receipt" -> {
                    Receipt receipt = SidecarMessages.receipt(event.path("status").asText());
                    String waId = event.path("waId").asText();
                    if (receipt != null) {
                        deliver(deviceId, () -> listener.onReceipt(deviceId, waId, receipt));
                    }
                }
                case "linked" -> LOG.infof("Device %s is linked", deviceId);
                case "ready", "lid" -> {
                    // ready: awaited by launch; lid: the sidecar resolves LIDs itself for now
                }
                case "fatal", "protocol_error" -> LOG.warnf("WhatsApp engine sidecar %d reported %s: %s",
                        sidecar.generation(), ev, event.path("error"));
                default -> LOG.debugf("Unknown sidecar event %s", ev);
            }
        }

        @Override
        public void onCall(Sidecar sidecar, ObjectNode call) {
            auth.execute(() -> sidecar.answer(sessionCalls.answer(call)));
        }

        @Override
        public void onExit(Sidecar sidecar, int exitCode) {
            if (stopping || sidecar != current) {
                return;
            }
            LOG.warnf("WhatsApp engine sidecar %d (pid %d) exited with %d", sidecar.generation(), sidecar.pid(),
                    exitCode);
            devices.forEach((id, session) -> {
                if (!session.ended && !"offline".equals(session.state)) {
                    session.state = "offline";
                    deliver(id, () -> listener.onStatus(id, DeviceStatus.offline));
                }
            });
            scheduleRestart();
        }
    }

    private void onStatusEvent(String deviceId, ObjectNode event) {
        DeviceSession session = devices.get(deviceId);
        if (session == null) {
            return;
        }
        String state = event.path("state").asText();
        if ("offline".equals(state) && "replaced".equals(event.path("reason").asText())) {
            // 440: another client took the session over; reconnecting would only fight it, so a person decides
            state = "forbidden";
        }
        session.state = state;
        if (event.path("final").asBoolean()) {
            session.ended = true;
        }
        DeviceStatus status = switch (state) {
            case "pending" -> DeviceStatus.pending;
            case "linking" -> DeviceStatus.linking;
            case "online" -> DeviceStatus.online;
            case "offline" -> DeviceStatus.offline;
            case "logged_out" -> DeviceStatus.logged_out;
            case "forbidden" -> {
                LOG.warnf("WhatsApp refuses device %s (%s, code %s): only a person can link it again", deviceId,
                        event.path("reason").asText(), event.path("code").asText());
                yield DeviceStatus.forbidden;
            }
            default -> null;
        };
        if (status == null) {
            LOG.warnf("Device %s reported an unknown state %s", deviceId, state);
            return;
        }
        boolean wipe = "logged_out".equals(state);
        events.execute(() -> {
            if (devices.get(deviceId) != session) {
                return;
            }
            if (wipe) {
                try {
                    store.wipe(deviceId);
                } catch (RuntimeException e) {
                    LOG.errorf(e, "Wiping the session of logged-out device %s failed", deviceId);
                }
            }
            listener.onStatus(deviceId, status);
        });
    }

    /** Runs a listener call on the events thread, if the device still has its session then. */
    private void deliver(String deviceId, Runnable call) {
        DeviceSession session = devices.get(deviceId);
        if (session == null) {
            return;
        }
        try {
            events.execute(() -> {
                if (devices.get(deviceId) == session) {
                    try {
                        call.run();
                    } catch (RuntimeException e) {
                        LOG.errorf(e, "The driver listener failed for device %s", deviceId);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException stopped) {
            // shutting down
        }
    }

    /** Whether {@code waId} is new for the device: the sidecar reports each id once per process, not across restarts. */
    private boolean firstTime(String deviceId, String waId) {
        Map<String, Boolean> ids = seen.computeIfAbsent(deviceId, id -> java.util.Collections.synchronizedMap(
                new LinkedHashMap<>(16, 0.75f, false) {
                    @Override
                    protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                        return size() > SEEN_PER_DEVICE;
                    }
                }));
        return ids.putIfAbsent(waId, Boolean.TRUE) == null;
    }

    private ObjectNode device(String deviceId) {
        return json.createObjectNode().put("device", deviceId);
    }

    private static String errorCode(ObjectNode answer) {
        return answer.path("error").path("code").asText("?");
    }

    /** How long this driver waits for non-send requests. */
    Duration requestTimeout() {
        return config.requestTimeout();
    }
}
