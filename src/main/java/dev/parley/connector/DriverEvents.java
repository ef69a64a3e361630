package dev.parley.connector;

import dev.parley.device.DeviceStatus;
import dev.parley.driver.DriverListener;
import dev.parley.driver.IncomingMessage;
import dev.parley.driver.LinkingCode;
import dev.parley.driver.Receipt;
import org.jboss.logging.Logger;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;

/**
 * A connector's listener on its driver. The driver may call from any thread, an event loop included, so this
 * only updates in-memory state and wakes lanes; every write happens on the connector's background threads.
 */
final class DriverEvents implements DriverListener {

    private static final Logger LOG = Logger.getLogger(DriverEvents.class);

    private final DeviceSessions sessions;
    private final DeviceLanes lanes;
    private final DeviceEventRecorder recorder;
    private final ExecutorService background;
    /**
     * Each device's status and code writes, chained so they land in the order the driver reported them: a
     * "pending" then "linking" reported in one instant must not be stored as "pending" by a slower thread.
     */
    private final Map<String, CompletableFuture<Void>> inOrder = new ConcurrentHashMap<>();

    DriverEvents(DeviceSessions sessions, DeviceLanes lanes, DeviceEventRecorder recorder,
                 ExecutorService background) {
        this.sessions = sessions;
        this.lanes = lanes;
        this.recorder = recorder;
        this.background = background;
    }

    @Override
    public void onStatus(String deviceId, DeviceStatus status) {
        if (!sessions.statusChanged(deviceId, status)) {
            return;
        }
        LOG.infof("Device device=%s is %s", deviceId, status);
        // A device back online with a lane here has it release its held messages: the lane knows what it released.
        boolean releasedByLane = status == DeviceStatus.online && lanes.heldMayWait(deviceId);
        if (status != DeviceStatus.online) {
            lanes.wake(deviceId);
        }
        boolean asked = status == DeviceStatus.logged_out && sessions.takeLogoutAsked(deviceId);
        ordered(deviceId, () -> recorder.status(deviceId, status, asked, !releasedByLane));
    }

    @Override
    public void onLinking(String deviceId, LinkingCode code) {
        // The code is a one-time secret: only the fact that one is offered is logged.
        LOG.infof("Device device=%s offers a %s code to link it, valid until %s", deviceId, code.kind(),
                code.expiresAt());
        ordered(deviceId, () -> recorder.linking(deviceId, code));
    }

    private void ordered(String deviceId, Runnable write) {
        inOrder.compute(deviceId, (id, previous) -> (previous == null || previous.isDone()
                ? CompletableFuture.runAsync(write, background)
                : previous.thenRunAsync(write, background)).exceptionally(e -> null));
    }

    @Override
    public void onReceipt(String deviceId, String waId, Receipt receipt) {
        background.submit(() -> recorder.receipt(deviceId, waId, receipt));
    }

    @Override
    public void onIncoming(String deviceId, IncomingMessage message) {
        background.submit(() -> recorder.incoming(deviceId, message));
    }
}
