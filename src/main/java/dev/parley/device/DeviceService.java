package dev.parley.device;

import dev.parley.account.Access;
import dev.parley.account.AccountService;
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
    private final AccountService accounts;
    private final DeviceLimits limits;
    private final ParleyConfig config;
    private final Clock clock;
    private final DevicePurchases purchases;

    public DeviceService(DeviceRepository devices, PlanRepository plans, AccountService accounts, DeviceLimits limits,
                         ParleyConfig config, Clock clock, DevicePurchases purchases) {
        this.purchases = purchases;
        this.devices = devices;
        this.plans = plans;
        this.accounts = accounts;
        this.limits = limits;
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
        // The account row stays locked until commit, so concurrent creations cannot both pass the limit.
        return accounts.lock(accountId).flatMap(account -> devices.count("accountId", accountId).invoke(count -> {
            int max = account != null && account.maxDevices != null ? account.maxDevices : limits.maxPerAccount();
            if (count >= max) {
                throw new ApiException(409, "device-limit", "This account may hold at most " + max
                        + " devices (parley.devices.max-per-account, or the operator's setting for the account);"
                        + " delete one or ask the operator to raise the limit", null);
            }
        })).flatMap(ignored -> requirePlan(plan)).flatMap(p -> {
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
            device.planChangedAt = now;
            device.billingStatus = purchases.required() ? BillingStatus.pending_payment : null;
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
            if (planName == null || planName.trim().equals(device.plan)) {
                return Uni.createFrom().item(device);
            }
            if (device.billingStatus == BillingStatus.granted) {
                throw new ApiException(409, "billing-plan-change", "The device is granted by the operator: its plan is"
                        + " the operator's to change", "plan");
            }
            if (device.billingStatus != null) {
                throw new ApiException(409, "billing-plan-change", "The plan of a paid device changes through"
                        + " POST /v1/devices/" + device.id + "/plan-change (preview it with GET first)", "plan");
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

    /** One page of devices in creation order, after the device {@code after} (null for the first page). */
    public record Page(List<Device> devices, Device last, boolean more) {
    }

    /**
     * Up to {@code size} of the account's devices that come after {@code afterCreatedAt}/{@code afterId} in
     * creation order (both null for the first page).
     */
    @WithSession
    public Uni<Page> page(String accountId, Instant afterCreatedAt, String afterId, int size) {
        return devices.pageForAccount(accountId, afterCreatedAt, afterId, size + 1).map(found -> {
            boolean more = found.size() > size;
            List<Device> page = more ? found.subList(0, size) : found;
            return new Page(page, page.isEmpty() ? null : page.getLast(), more);
        });
    }

    /**
     * Refuses a device that may not send because of billing (unpaid or ended), naming billing; a suspended device's
     * messages are accepted and wait until it is paid.
     */
    public static void requireSendable(Device device, String field) {
        if (device.billingStatus != null && device.billingStatus.blocksSending()) {
            throw new ApiException(403, "billing", "Device " + device.id + " cannot send: its billing status is "
                    + device.billingStatus + (device.billingStatus == BillingStatus.pending_payment
                    ? " (pay through its checkoutUrl)" : " (see GET /v1/billing)"), field);
        }
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

    /** The account's devices a token sees: all of them, or those it is limited to. */
    @WithSession
    public Uni<List<Device>> list(Access access) {
        return devices.listForAccount(access.accountId())
                .map(all -> all.stream().filter(d -> access.sees(d.id)).toList());
    }

    /** A device the token sees, or 404: a device outside a token's limit is answered as a missing one. */
    @WithSession
    public Uni<Device> get(Access access, String id) {
        if (!access.sees(id)) {
            return Uni.createFrom().failure(ApiException.notFound("Device", "device"));
        }
        return get(access.accountId(), id);
    }

    /** The named device the token sees, or else the only one it sees, or else the first of those online. */
    @WithSession
    public Uni<Device> getOrDefault(Access access, String id, String forWhat) {
        if (id != null) {
            return get(access, id);
        }
        return list(access).map(all -> pickDefault(all, forWhat));
    }

    /** The only device, or else the first online one; {@code forWhat} ends the problem's detail ("to send it"). */
    public static Device pickDefault(List<Device> all, String forWhat) {
        if (all.isEmpty()) {
            throw ApiException.invalid("device", "This account has no device yet: create one with POST /v1/devices");
        }
        if (all.size() == 1) {
            return all.getFirst();
        }
        return all.stream().filter(d -> d.status == DeviceStatus.online).findFirst()
                .orElseThrow(() -> ApiException.invalid("device", "No device is online; name the device " + forWhat));
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
