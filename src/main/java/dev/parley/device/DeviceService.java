package dev.parley.device;

import dev.parley.common.Ids;
import dev.parley.common.Names;
import dev.parley.common.PhoneNumber;
import dev.parley.config.ParleyConfig;
import dev.parley.error.ApiException;
import dev.parley.plan.Plan;
import dev.parley.plan.PlanRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** Creates, changes, lists and deletes an account's devices; assigns each new device to a shard. */
@ApplicationScoped
public class DeviceService {

    static final String DEFAULT_PLAN = "basic";

    private final DeviceRepository devices;
    private final PlanRepository plans;
    private final ParleyConfig config;
    private final Clock clock;

    public DeviceService(DeviceRepository devices, PlanRepository plans, ParleyConfig config, Clock clock) {
        this.devices = devices;
        this.plans = plans;
        this.config = config;
        this.clock = clock;
    }

    /** The shard a device id belongs to: stable across processes because String.hashCode is specified. */
    public static int shardOf(String deviceId, int shards) {
        return Math.floorMod(deviceId.hashCode(), shards);
    }

    @WithTransaction
    public Uni<Device> create(String accountId, String name, String phone, String planName) {
        String cleanName = Names.check(name, "name", 100);
        PhoneNumber number = PhoneNumber.of(phone, "phone");
        String plan = planName == null || planName.isBlank() ? DEFAULT_PLAN : planName.trim();
        return requirePlan(plan).flatMap(p -> {
            Instant now = clock.instant();
            Device device = new Device();
            device.id = Ids.newId(now);
            device.accountId = accountId;
            device.name = cleanName;
            device.phone = number.e164();
            device.plan = p.name;
            device.shard = shardOf(device.id, config.shards());
            device.status = DeviceStatus.pending;
            device.statusAt = now;
            device.createdAt = now;
            return devices.persist(device);
        });
    }

    @WithTransaction
    public Uni<Device> update(String accountId, String id, String name, String planName) {
        String cleanName = name == null ? null : Names.check(name, "name", 100);
        return get(accountId, id).flatMap(device -> {
            if (cleanName != null) {
                device.name = cleanName;
            }
            if (planName == null) {
                return Uni.createFrom().item(device);
            }
            return requirePlan(planName.trim()).map(p -> {
                device.plan = p.name;
                return device;
            });
        });
    }

    @WithSession
    public Uni<List<Device>> list(String accountId) {
        return devices.listForAccount(accountId);
    }

    /** The caller's device, or 404: another account's device is indistinguishable from a missing one. */
    @WithSession
    public Uni<Device> get(String accountId, String id) {
        return devices.findForAccount(accountId, id).invoke(device -> {
            if (device == null) {
                throw ApiException.notFound("Device", "device");
            }
        });
    }

    @WithTransaction
    public Uni<Void> delete(String accountId, String id) {
        return get(accountId, id).flatMap(devices::delete);
    }

    @WithSession
    public Uni<Plan> plan(String name) {
        return plans.findById(name);
    }

    /** Every plan by name; a handful of rows. */
    @WithSession
    public Uni<java.util.Map<String, Plan>> plans() {
        return plans.listAll().map(all -> all.stream()
                .collect(java.util.stream.Collectors.toMap(p -> p.name, p -> p)));
    }

    private Uni<Plan> requirePlan(String name) {
        return plans.findById(name).invoke(p -> {
            if (p == null) {
                throw ApiException.invalid("plan", "Unknown plan '" + name + "'; plans are basic, professional, business, enterprise");
            }
        });
    }
}
