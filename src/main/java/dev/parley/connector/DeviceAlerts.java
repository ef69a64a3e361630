package dev.parley.connector;

import dev.parley.common.Blocking;
import dev.parley.device.Device;
import dev.parley.device.DeviceStatus;
import dev.parley.notify.OwnerNotifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Emails a device's owner when the device stays unreachable for {@code parley.connector.unreachable-after}
 * after it went offline (the driver has given up its reconnect attempts by then), once per outage: the
 * outage is marked on the device row, so a restarted or another connector does not email again, and the
 * mark is cleared when the device comes back online.
 */
@ApplicationScoped
public class DeviceAlerts {

    private static final Logger LOG = Logger.getLogger(DeviceAlerts.class);

    private final DeviceDirectory directory;
    private final OwnerNotifier notifier;
    private final Duration after;
    private final Map<String, ScheduledFuture<?>> pending = new ConcurrentHashMap<>();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofVirtual().name("device-alerts").factory());

    public DeviceAlerts(DeviceDirectory directory, OwnerNotifier notifier, ConnectorConfig config) {
        this.directory = directory;
        this.notifier = notifier;
        this.after = config.unreachableAfter();
    }

    /** Follows a device's status: an offline device is checked again later; an online one ends the outage. */
    void statusChanged(@Observes DeviceDirectory.StatusChanged change) {
        String deviceId = change.deviceId();
        DeviceStatus status = change.status();
        ScheduledFuture<?> previous = pending.remove(deviceId);
        if (previous != null) {
            previous.cancel(false);
        }
        if (status == DeviceStatus.offline) {
            pending.put(deviceId, timer.schedule(() -> check(deviceId), after.toMillis(), TimeUnit.MILLISECONDS));
        } else if (status == DeviceStatus.online) {
            directory.clearOutage(deviceId);
        }
    }

    private void check(String deviceId) {
        pending.remove(deviceId);
        try {
            Device device = directory.find(deviceId);
            boolean disabled = device != null && device.billingStatus != null && device.billingStatus.ended();
            if (device == null || disabled || device.status != DeviceStatus.offline || !directory.markOutageAlerted(deviceId)) {
                return;
            }
            // The notifier reads the account through Hibernate Reactive, which needs a Vert.x context.
            Blocking.onContext(() -> notifier.email(device.accountId,
                    "Parley: device \"" + device.name + "\" is unreachable",
                    "Your WhatsApp device \"" + device.name + "\" (" + device.phone + ", id " + device.id
                            + ") has been unreachable since " + device.statusAt + ".\n\n"
                            + "Its messages are kept and will be sent, in order, once it is back online. "
                            + "Check that the phone has power and a network connection, and that WhatsApp is open.\n"));
        } catch (RuntimeException e) {
            LOG.warnf(e, "Could not alert the owner of unreachable device=%s", deviceId);
        }
    }

    /** Emails the owner once that WhatsApp ended the device's link (logged_out) or refuses it (forbidden). */
    void linkLost(String deviceId, DeviceStatus status) {
        Device device = directory.find(deviceId);
        if (device == null) {
            return;
        }
        String what = status == DeviceStatus.forbidden
                ? "WhatsApp refused your WhatsApp device \"" + device.name + "\" (" + device.phone + ", id " + device.id
                        + "): the account was banned or blocked, or another client took its session over."
                : "WhatsApp logged out your WhatsApp device \"" + device.name + "\" (" + device.phone + ", id "
                        + device.id + "), for example because it was removed from the phone's linked devices.";
        Blocking.onContext(() -> notifier.email(device.accountId,
                "Parley: device \"" + device.name + "\" must be linked again",
                what + "\n\nParley will not reconnect it by itself. Its messages are kept until it is back online. "
                        + "Link it again with POST /v1/devices/" + device.id + "/link and the QR code or a pairing "
                        + "code (docs/linking-a-phone.md).\n"));
    }

    @PreDestroy
    void shutdown() {
        timer.shutdownNow();
    }
}
