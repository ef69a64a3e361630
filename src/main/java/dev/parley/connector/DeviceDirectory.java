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
import io.quarkus.vertx.VertxContextSupport;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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

    public DeviceDirectory(DeviceRepository devices, PlanRepository plans, EventOutbox outbox) {
        this.devices = devices;
        this.plans = plans;
        this.outbox = outbox;
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

    /** Records a status change and, when it changed anything, raises {@code device:status:update}. */
    public void recordStatus(String deviceId, DeviceStatus status, Instant at) {
        Integer changed = await(() -> Panache.withTransaction(() -> devices.updateStatus(deviceId, status, at)));
        if (changed == null || changed == 0) {
            return;
        }
        Device device = find(deviceId);
        if (device != null) {
            outbox.append(outbox.create(EventTypes.DEVICE_STATUS_UPDATE, device.accountId, device.id,
                    DeviceResource.DeviceView.of(device))).await().indefinitely();
        }
    }

    private static <T> T await(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> work) {
        try {
            return VertxContextSupport.subscribeAndAwait(work);
        } catch (Throwable t) {
            if (t instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(t);
        }
    }
}
