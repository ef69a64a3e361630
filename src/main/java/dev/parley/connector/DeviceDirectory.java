package dev.parley.connector;

import dev.parley.device.Device;
import dev.parley.device.DeviceRepository;
import dev.parley.device.DeviceResource;
import dev.parley.device.DeviceStatus;
import dev.parley.event.EventOutbox;
import dev.parley.event.EventTypes;
import dev.parley.plan.Plan;
import dev.parley.plan.PlanRepository;
import io.quarkus.hibernate.reactive.panache.Panache;
import dev.parley.common.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Blocking access to devices for the connector's own threads, which run outside Vert.x: each call hops
 * onto a Vert.x context for Hibernate Reactive and waits for the answer.
 */
@ApplicationScoped
public class DeviceDirectory {

    private final DeviceRepository devices;
    private final PlanRepository plans;
    private final EventOutbox outbox;
    private final Event<StatusChanged> statusChanged;

    public DeviceDirectory(DeviceRepository devices, PlanRepository plans, EventOutbox outbox,
                           Event<StatusChanged> statusChanged) {
        this.devices = devices;
        this.plans = plans;
        this.outbox = outbox;
        this.statusChanged = statusChanged;
    }

    /** Marks the device's current outage as alerted; false when it already was (another process did it). */
    public boolean markOutageAlerted(String deviceId) {
        Integer marked = await(() -> Panache.withTransaction(() -> devices.update(
                "outageAlertedAt = ?1 where id = ?2 and outageAlertedAt is null", Instant.now(), deviceId)));
        return marked != null && marked > 0;
    }

    /** Ends the device's outage: the next one alerts again. */
    public void clearOutage(String deviceId) {
        await(() -> Panache.withTransaction(() -> devices.update(
                "outageAlertedAt = null where id = ?1 and outageAlertedAt is not null", deviceId)));
    }

    /** Every plan by name. */
    public Map<String, Plan> plans() {
        return await(() -> Panache.withSession(() -> plans.listAll()))
                .stream().collect(Collectors.toMap(p -> p.name, p -> p));
    }

    public List<Device> devicesOfShards(Collection<Integer> shards) {
        return await(() -> Panache.withSession(() -> devices.listForShards(shards)));
    }

    public Device find(String deviceId) {
        return await(() -> Panache.withSession(() -> devices.findById(deviceId)));
    }

    /** A device's stored status changed; observed in process (outage alerts). */
    public record StatusChanged(String deviceId, DeviceStatus status) {
    }

    /**
     * Records a status change and, when it changed anything, raises {@code device:status:update}; answers whether
     * it changed anything.
     */
    public boolean recordStatus(String deviceId, DeviceStatus status, Instant at) {
        Integer changed = await(() -> Panache.withTransaction(() -> devices.updateStatus(deviceId, status, at)));
        if (changed == null || changed == 0) {
            return false;
        }
        statusChanged.fire(new StatusChanged(deviceId, status));
        Device device = find(deviceId);
        if (device != null) {
            Blocking.await(outbox.append(outbox.create(EventTypes.DEVICE_STATUS_UPDATE, device.accountId, device.id,
                    DeviceResource.DeviceView.of(device))));
        }
        return true;
    }

    private static <T> T await(Supplier<Uni<T>> work) {
        return Blocking.onContext(work);
    }
}
