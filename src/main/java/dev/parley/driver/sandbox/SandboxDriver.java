package dev.parley.driver.sandbox;

import dev.parley.common.MessageContent;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.DriverListener;
import dev.parley.driver.DriverRefusal;
import dev.parley.driver.NumberCheck;
import dev.parley.driver.IncomingMessage;
import dev.parley.driver.LinkingCode;
import dev.parley.driver.OutboundMessage;
import dev.parley.driver.PastSend;
import dev.parley.driver.Presence;
import dev.parley.driver.ProfileUpdate;
import dev.parley.driver.Receipt;
import dev.parley.driver.SendResult;
import dev.parley.driver.WhatsAppDriver;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;
import org.jboss.logging.Logger;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A simulated WhatsApp network, the default driver for make run, tests and benchmarks. Its rules, all
 * configurable under {@code parley.driver.sandbox}: numbers matching {@code not-on-whatsapp} fail
 * permanently, numbers matching {@code transient-failure} fail transiently, every other send succeeds
 * after {@code send-latency} and is acknowledged as delivered after {@code delivery-delay} (with no delay,
 * before {@code send} returns, as a fast network may). With {@code auto-online} (the default) every device
 * is linked already and comes online when its session starts; without, a device offers a QR code until it
 * is {@linkplain #scan scanned}. Like a real network, it reports everything asynchronously, in order, from
 * its own thread.
 *
 * <p>It is the bean for {@code parley.driver.type=sandbox}; {@code app.DriverSelection} picks it.
 */
@ApplicationScoped
@Typed(SandboxDriver.class)
public class SandboxDriver implements WhatsAppDriver {

    private static final Logger LOG = Logger.getLogger(SandboxDriver.class);
    private static final Duration QR_LIFETIME = Duration.ofSeconds(60);
    private static final Duration PAIRING_LIFETIME = Duration.ofMinutes(3);
    /** Pairing codes use WhatsApp's alphabet: digits and capitals without 0, I, O, U. */
    private static final String PAIRING_ALPHABET = "123456789ABCDEFGHJKLMNPQRSTVWXYZ";

    private final Pattern notOnWhatsapp;
    private final Pattern transientFailure;
    private final Duration sendLatency;
    private final Duration deliveryDelay;
    private final boolean autoOnline;
    private final Clock clock;
    /** Devices with a session in this process: device id to phone. */
    private final Map<String, String> sessions = new ConcurrentHashMap<>();
    /** Operator overrides of a device's reachability, kept even while it has no session. */
    private final Map<String, Boolean> reachable = new ConcurrentHashMap<>();
    /** Whether a device holds credentials, when that differs from {@code auto-online}; survives its sessions. */
    private final Map<String, Boolean> linked = new ConcurrentHashMap<>();
    /** The code each unlinked device with a session offers now. */
    private final Map<String, LinkingCode> offered = new ConcurrentHashMap<>();
    /** The last {@code sent-history} messages each device sent. */
    private final Map<String, SentHistory> sent = new ConcurrentHashMap<>();
    private final int sentHistory;
    /** Profile changes, chats read and presence shown, for tests and demos to see. */
    private final ActionLog actions = new ActionLog();
    /** The durable record of every accepted send, when {@code network-log} is set. */
    private final Optional<NetworkLog> networkLog;
    /** One thread for every event, so a device's events arrive in the order they happened. */
    private final ScheduledExecutorService events = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sandbox-network").daemon().factory());
    private volatile DriverListener listener;
    /** The network's memory of sends begins here: nothing sent before is known. */
    private final Instant memorySince;

    public SandboxDriver(SandboxConfig config, Clock clock) {
        this.clock = clock;
        this.memorySince = clock.instant();
        this.notOnWhatsapp = Pattern.compile(config.notOnWhatsapp());
        this.transientFailure = Pattern.compile(config.transientFailure());
        this.sendLatency = config.sendLatency();
        this.deliveryDelay = config.deliveryDelay();
        this.autoOnline = config.autoOnline();
        if (config.sentHistory() < 1) {
            throw new IllegalArgumentException("parley.driver.sandbox.sent-history must be at least 1, was "
                    + config.sentHistory());
        }
        this.sentHistory = config.sentHistory();
        this.networkLog = config.networkLog().filter(path -> !path.isBlank())
                .map(path -> new NetworkLog(Path.of(path)));
    }

    /**
     * A message the simulated network accepted, so tests and demos can see exactly what went out; for media,
     * {@code mediaSha256} and {@code mediaSize} describe the bytes the network received.
     */
    public record SentMessage(String deviceId, String messageId, String waId, String to, MessageContent content,
                              String quotedWaId, Instant at, String mediaSha256, long mediaSize) {

        /** The text or caption that went out. */
        public String text() {
            return content.media() != null && content.media().caption() != null ? content.media().caption()
                    : content.text();
        }
    }

    @Override
    public void start(DriverListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void connect(String deviceId, String phone) {
        sessions.put(deviceId, phone);
        report(deviceId);
        networkLog.ifPresent(log -> log.takeEarlierSends(deviceId).forEach(waId -> events.schedule(
                () -> emitReceipt(deviceId, waId, Receipt.delivered), deliveryDelay.toMillis(), TimeUnit.MILLISECONDS)));
    }

    @Override
    public void disconnect(String deviceId) {
        sessions.remove(deviceId);
        offered.remove(deviceId);
    }

    @Override
    public SendResult send(String deviceId, OutboundMessage message) {
        if (!isOnline(deviceId)) {
            return new SendResult.TemporaryFailure("device is offline");
        }
        pause(sendLatency);
        if (!message.toGroup() && notOnWhatsapp.matcher(message.to()).matches()) {
            return new SendResult.PermanentFailure("The number " + message.to() + " is not on WhatsApp");
        }
        if (transientFailure.matcher(message.to()).matches()) {
            return new SendResult.TemporaryFailure("simulated network error");
        }
        MediaBytes media = null;
        if (message.content().media() != null) {
            media = MediaBytes.read(message.content().media().url());
            if (media == null) {
                return new SendResult.PermanentFailure("the media is not a readable local file; engines send from "
                        + "Parley's file store");
            }
        }
        String waId = newId("SBX");
        SentMessage accepted = new SentMessage(deviceId, message.messageId(), waId, message.to(), message.content(),
                message.quotedWaId(), clock.instant(), media == null ? null : media.sha256(),
                media == null ? 0 : media.size());
        networkLog.ifPresent(log -> log.append(accepted));
        sent.computeIfAbsent(deviceId, id -> new SentHistory(sentHistory)).add(accepted);
        if (deliveryDelay.isZero() || deliveryDelay.isNegative()) {
            deliver(() -> emitReceipt(deviceId, waId, Receipt.delivered));
        } else {
            events.schedule(() -> emitReceipt(deviceId, waId, Receipt.delivered), deliveryDelay.toMillis(),
                    TimeUnit.MILLISECONDS);
        }
        return new SendResult.Sent(waId);
    }

    /** Answers from the sent history: certain only while it still holds everything the device sent since then. */
    @Override
    public PastSend lookUpSend(String deviceId, String messageId, Instant since) {
        if (networkLog.isPresent()) {
            // The durable log holds every send of every process: it answers for sends before a crash too.
            String logged = networkLog.get().waIdOf(messageId);
            return logged != null ? new PastSend.Sent(logged) : new PastSend.NotSent();
        }
        SentHistory history = sent.get(deviceId);
        String waId = history == null ? null : history.waIdOf(messageId);
        if (waId != null) {
            return new PastSend.Sent(waId);
        }
        boolean complete = !since.isBefore(memorySince) && (history == null || history.keepsAllSince(since));
        return complete ? new PastSend.NotSent() : new PastSend.Unknown();
    }

    @Override
    public LinkingCode pairingCode(String deviceId, String phone) {
        if (!sessions.containsKey(deviceId)) {
            throw new DriverRefusal("not_connected", "device " + deviceId + " has no session", true);
        }
        if (isLinked(deviceId)) {
            throw new DriverRefusal("already_linked", "device " + deviceId + " is linked", false);
        }
        StringBuilder value = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            value.append(PAIRING_ALPHABET.charAt(ThreadLocalRandom.current().nextInt(PAIRING_ALPHABET.length())));
        }
        LinkingCode code = new LinkingCode(LinkingCode.Kind.pairing, value.toString(), clock.instant().plus(PAIRING_LIFETIME));
        offered.put(deviceId, code);
        dispatch(l -> l.onLinking(deviceId, code));
        return code;
    }

    @Override
    public void logout(String deviceId) {
        logOut(deviceId);
    }

    @Override
    public List<NumberCheck> checkNumbers(String deviceId, List<String> phones) {
        requireOnline(deviceId);
        return phones.stream().map(phone -> notOnWhatsapp.matcher(phone).matches()
                ? new NumberCheck(phone, false, null)
                : new NumberCheck(phone, true, phone.substring(1) + "@s.whatsapp.net")).toList();
    }

    @Override
    public void updateProfile(String deviceId, ProfileUpdate update) {
        requireOnline(deviceId);
        actions.profile(deviceId, update);
    }

    @Override
    public void markRead(String deviceId, String chat, List<String> waIds) {
        requireOnline(deviceId);
        actions.read(deviceId, chat, waIds);
    }

    @Override
    public void showPresence(String deviceId, String chat, Presence presence) {
        requireOnline(deviceId);
        actions.presence(deviceId, chat, presence);
    }

    /** What the device did besides sending, oldest first: {@code name:…}, {@code read:<chat>:<waId>}, … */
    public List<String> actions(String deviceId) {
        return actions.of(deviceId);
    }

    private void requireOnline(String deviceId) {
        if (!isOnline(deviceId)) {
            throw new DriverRefusal("not_connected", "device " + deviceId + " is not online", true);
        }
    }

    /** Switches a device's reachability, as if its phone lost or regained its connection. */
    public void setOnline(String deviceId, boolean online) {
        reachable.put(deviceId, online);
        report(deviceId);
    }

    /** Whether the device has a session in this process. */
    public boolean hasSession(String deviceId) {
        return sessions.containsKey(deviceId);
    }

    /** Whether the device has a session, is linked and is reachable. */
    public boolean isOnline(String deviceId) {
        return sessions.containsKey(deviceId) && isLinked(deviceId) && reachable.getOrDefault(deviceId, true);
    }

    /** The linking code an unlinked device with a session offers now, or null. */
    public LinkingCode linkingCode(String deviceId) {
        return offered.get(deviceId);
    }

    /** The phone scans {@code code}: the device is linked and comes online; false if it is not the code offered. */
    public boolean scan(String deviceId, String code) {
        LinkingCode current = offered.get(deviceId);
        if (current == null || !current.value().equals(code)) {
            return false;
        }
        offered.remove(deviceId);
        linked.put(deviceId, true);
        report(deviceId);
        return true;
    }

    /** WhatsApp ends the device's link (e.g. removed from the phone): it reports logged_out and its session ends. */
    public void logOut(String deviceId) {
        end(deviceId, DeviceStatus.logged_out);
    }

    /** WhatsApp refuses the account (banned, or replaced by another client): it reports forbidden and its session ends. */
    public void forbid(String deviceId) {
        end(deviceId, DeviceStatus.forbidden);
    }

    private void end(String deviceId, DeviceStatus status) {
        linked.put(deviceId, false);
        offered.remove(deviceId);
        if (sessions.remove(deviceId) != null) {
            dispatch(l -> l.onStatus(deviceId, status));
        }
    }

    /** The last {@code sent-history} messages sent through a device, oldest first. */
    public List<SentMessage> sent(String deviceId) {
        SentHistory history = sent.get(deviceId);
        return history == null ? List.of() : history.snapshot();
    }

    /**
     * Delivers a message to a device as if {@code from} had written it, in {@code group} when given, else in
     * the one-to-one chat with {@code from}; answers WhatsApp's id for it.
     */
    public String injectIncoming(String deviceId, String from, String group, String text, String quotedWaId) {
        return injectIncoming(deviceId, from, group,
                new MessageContent(MessageContent.Kind.text, text, null, null, null), quotedWaId);
    }

    /** As {@link #injectIncoming(String, String, String, String, String)} with any content: media, location. */
    public String injectIncoming(String deviceId, String from, String group, MessageContent content,
                                 String quotedWaId) {
        if (listener == null || !sessions.containsKey(deviceId)) {
            throw new IllegalStateException("Device " + deviceId + " has no session in this process");
        }
        String waId = newId("SBXIN");
        IncomingMessage message = new IncomingMessage(waId, group != null ? group : from, from, content, quotedWaId,
                clock.instant());
        dispatch(l -> l.onIncoming(deviceId, message));
        return waId;
    }

    /** The WhatsApp id of a message this device sent, by our id, or null (also once it left the history). */
    public String waIdOf(String deviceId, String messageId) {
        SentHistory history = sent.get(deviceId);
        return history == null ? null : history.waIdOf(messageId);
    }

    /** Emits a receipt for a message this device sent. */
    public void receipt(String deviceId, String waId, Receipt receipt) {
        dispatch(l -> emitReceipt(deviceId, waId, receipt));
    }

    /** Acknowledges a sent message as read, as the recipient opening it would. */
    public void markRead(String deviceId, String waId) {
        receipt(deviceId, waId, Receipt.read);
    }

    @PreDestroy
    void shutdown() {
        events.shutdownNow();
        networkLog.ifPresent(NetworkLog::close);
    }

    private boolean isLinked(String deviceId) {
        return linked.getOrDefault(deviceId, autoOnline);
    }

    /** Reports a device's state as it is now, offering a fresh code when it is unlinked. */
    private void report(String deviceId) {
        if (!sessions.containsKey(deviceId)) {
            return;
        }
        if (!isLinked(deviceId)) {
            LinkingCode code = new LinkingCode(LinkingCode.Kind.qr, newId("SBXQR-"), clock.instant().plus(QR_LIFETIME));
            offered.put(deviceId, code);
            dispatch(l -> {
                l.onStatus(deviceId, DeviceStatus.linking);
                l.onLinking(deviceId, code);
            });
            return;
        }
        DeviceStatus now = isOnline(deviceId) ? DeviceStatus.online : DeviceStatus.offline;
        dispatch(l -> l.onStatus(deviceId, now));
    }

    private void dispatch(java.util.function.Consumer<DriverListener> event) {
        DriverListener l = listener;
        if (l == null) {
            return;
        }
        events.execute(() -> deliver(() -> event.accept(l)));
    }

    private void deliver(Runnable event) {
        try {
            event.run();
        } catch (RuntimeException e) {
            LOG.warnf(e, "A listener failed on a sandbox event");
        }
    }

    private void emitReceipt(String deviceId, String waId, Receipt receipt) {
        DriverListener l = listener;
        if (l != null) {
            l.onReceipt(deviceId, waId, receipt);
        }
    }

    private static String newId(String prefix) {
        return prefix + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).toUpperCase();
    }

    private static void pause(Duration duration) {
        if (duration.isZero() || duration.isNegative()) {
            return;
        }
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
