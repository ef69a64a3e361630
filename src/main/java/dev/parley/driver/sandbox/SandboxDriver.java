package dev.parley.driver.sandbox;

import dev.parley.config.ParleyConfig;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.DriverListener;
import dev.parley.driver.IncomingMessage;
import dev.parley.driver.OutboundMessage;
import dev.parley.driver.Receipt;
import dev.parley.driver.SendResult;
import dev.parley.driver.WhatsAppDriver;
import dev.parley.common.MessageContent;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * A simulated WhatsApp network, the default driver for make run, tests and benchmarks. Its rules, all
 * configurable under {@code parley.driver.sandbox}: numbers matching {@code not-on-whatsapp} fail
 * permanently, numbers matching {@code transient-failure} fail transiently, every other send succeeds
 * after {@code send-latency} and is acknowledged as delivered after {@code delivery-delay}. Devices come
 * online when their session starts unless an operator switched them offline.
 */
@ApplicationScoped
public class SandboxDriver implements WhatsAppDriver {

    private static final Logger LOG = Logger.getLogger(SandboxDriver.class);

    private final Pattern notOnWhatsapp;
    private final Pattern transientFailure;
    private final Duration sendLatency;
    private final Duration deliveryDelay;
    private final boolean autoOnline;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /** Operator overrides of a device's reachability, kept even while it has no session. */
    private final Map<String, Boolean> reachable = new ConcurrentHashMap<>();
    private final Map<String, List<SentMessage>> sent = new ConcurrentHashMap<>();
    private final ScheduledExecutorService receipts = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("sandbox-receipts").daemon().factory());
    private final Clock clock;
    private volatile DriverListener listener;

    public SandboxDriver(ParleyConfig config, Clock clock) {
        this.clock = clock;
        ParleyConfig.Sandbox sandbox = config.driver().sandbox();
        this.notOnWhatsapp = Pattern.compile(sandbox.notOnWhatsapp());
        this.transientFailure = Pattern.compile(sandbox.transientFailure());
        this.sendLatency = sandbox.sendLatency();
        this.deliveryDelay = sandbox.deliveryDelay();
        this.autoOnline = sandbox.autoOnline();
    }

    /** A message the simulated network accepted, so tests and demos can see exactly what went out. */
    public record SentMessage(String deviceId, String messageId, String waId, String to, MessageContent content,
                              String quotedWaId, Instant at) {

        /** The text or caption that went out. */
        public String text() {
            return content.media() != null && content.media().caption() != null ? content.media().caption()
                    : content.text();
        }
    }

    private record Session(String deviceId, String phone) {
    }

    @Override
    public void start(DriverListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    @Override
    public void connect(String deviceId, String phone) {
        sessions.put(deviceId, new Session(deviceId, phone));
        notifyStatus(deviceId);
    }

    @Override
    public void disconnect(String deviceId) {
        sessions.remove(deviceId);
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
        String waId = "SBX" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).toUpperCase();
        sent.computeIfAbsent(deviceId, id -> new CopyOnWriteArrayList<>())
                .add(new SentMessage(deviceId, message.messageId(), waId, message.to(), message.content(),
                        message.quotedWaId(), clock.instant()));
        receipts.schedule(() -> emitReceipt(deviceId, waId, Receipt.delivered),
                deliveryDelay.toMillis(), TimeUnit.MILLISECONDS);
        return new SendResult.Sent(waId);
    }

    /** Switches a device's reachability, as if its phone lost or regained its connection. */
    public void setOnline(String deviceId, boolean online) {
        reachable.put(deviceId, online);
        notifyStatus(deviceId);
    }

    /** Whether the device has a session in this process. */
    public boolean hasSession(String deviceId) {
        return sessions.containsKey(deviceId);
    }

    /** Whether the device has a session and is reachable. */
    public boolean isOnline(String deviceId) {
        return sessions.containsKey(deviceId) && reachable.getOrDefault(deviceId, autoOnline);
    }

    /** Everything sent through a device, oldest first. */
    public List<SentMessage> sent(String deviceId) {
        return new ArrayList<>(sent.getOrDefault(deviceId, List.of()));
    }

    /**
     * Delivers a message to a device as if {@code from} had written it, in {@code group} when given, else in
     * the one-to-one chat with {@code from}; answers WhatsApp's id for it.
     */
    public String injectIncoming(String deviceId, String from, String group, String text, String quotedWaId) {
        String waId = "SBXIN" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).toUpperCase();
        DriverListener l = listener;
        if (l == null || !sessions.containsKey(deviceId)) {
            throw new IllegalStateException("Device " + deviceId + " has no session in this process");
        }
        l.onIncoming(deviceId, new IncomingMessage(waId, group != null ? group : from, from, text, quotedWaId,
                clock.instant()));
        return waId;
    }

    /** The WhatsApp id of a message this device sent, by our id, or null. */
    public String waIdOf(String deviceId, String messageId) {
        return sent(deviceId).stream().filter(m -> m.messageId().equals(messageId)).map(SentMessage::waId)
                .findFirst().orElse(null);
    }

    /** Emits a receipt for a message this device sent. */
    public void receipt(String deviceId, String waId, Receipt receipt) {
        emitReceipt(deviceId, waId, receipt);
    }

    /** Acknowledges a sent message as read, as the recipient opening it would. */
    public void markRead(String deviceId, String waId) {
        emitReceipt(deviceId, waId, Receipt.read);
    }

    @PreDestroy
    void shutdown() {
        receipts.shutdownNow();
    }

    private void notifyStatus(String deviceId) {
        DriverListener l = listener;
        if (l != null && sessions.containsKey(deviceId)) {
            l.onStatus(deviceId, isOnline(deviceId) ? DeviceStatus.online : DeviceStatus.offline);
        }
    }

    private void emitReceipt(String deviceId, String waId, Receipt receipt) {
        DriverListener l = listener;
        if (l == null) {
            return;
        }
        try {
            l.onReceipt(deviceId, waId, receipt);
        } catch (RuntimeException e) {
            LOG.warnf(e, "Receipt %s for device=%s was not recorded", receipt, deviceId);
        }
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
