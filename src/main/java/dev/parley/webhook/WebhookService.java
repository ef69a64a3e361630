package dev.parley.webhook;

import dev.parley.account.AccountRepository;
import dev.parley.common.Ids;
import dev.parley.device.DeviceRepository;
import dev.parley.error.ApiException;
import dev.parley.event.EventOutbox;
import dev.parley.event.EventTypes;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;

import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Creates, changes, lists, enables and deletes an account's webhook endpoints, and reads their delivery
 * logs. Another account's endpoint is indistinguishable from a missing one (404).
 */
@ApplicationScoped
public class WebhookService {

    static final int MAX_BATCH_SIZE = 50;
    static final int MAX_NAME_LENGTH = 100;
    /** Prefix of every signing secret, so a leaked one is recognisable. */
    static final String SECRET_PREFIX = "whsec_";

    private final WebhookRepository endpoints;
    private final WebhookDeliveryRepository deliveries;
    private final AccountRepository accounts;
    private final DeviceRepository devices;
    private final WebhookTargets targets;
    private final WebhookDispatcher dispatcher;
    private final Vertx vertx;
    private final WebhooksConfig config;
    private final Clock clock;

    public WebhookService(WebhookRepository endpoints, WebhookDeliveryRepository deliveries, AccountRepository accounts,
                          DeviceRepository devices, WebhookTargets targets, WebhookDispatcher dispatcher, Vertx vertx,
                          WebhooksConfig config, Clock clock) {
        this.endpoints = endpoints;
        this.deliveries = deliveries;
        this.accounts = accounts;
        this.devices = devices;
        this.targets = targets;
        this.dispatcher = dispatcher;
        this.vertx = vertx;
        this.config = config;
        this.clock = clock;
    }

    /** What a request asks an endpoint to be; null fields of an update stay as they are. */
    public record Settings(String name, String url, List<String> events, String device, Integer batchSize,
                           WebhookStatus status) {
    }

    /**
     * A new active endpoint receiving events from now on, with a fresh signing secret (the caller shows it
     * once). 409 when the account already has the most endpoints allowed.
     */
    public Uni<WebhookEndpoint> create(String accountId, Settings request) {
        URI url = targets.parse(request.url());
        String name = request.name() == null ? WebhookTargets.host(url) : name(request.name());
        Set<String> types = request.events() == null ? new LinkedHashSet<>(EventTypes.ALL) : types(request.events());
        int batchSize = request.batchSize() == null ? MAX_BATCH_SIZE : batchSize(request.batchSize());
        String device = blankToNull(request.device());
        if (request.status() != null) {
            throw ApiException.invalid("status", "a new webhook is active; disable it afterwards if needed");
        }
        return checkAddresses(url).flatMap(ok -> Panache.withTransaction(() ->
                // The account row lock serializes concurrent creations, so the limit holds.
                accounts.findById(accountId, LockModeType.PESSIMISTIC_WRITE)
                        .flatMap(account -> endpoints.countForAccount(accountId))
                        .flatMap(count -> {
                            if (count >= config.maxPerAccount()) {
                                throw ApiException.conflict("An account may have at most " + config.maxPerAccount()
                                        + " webhooks; delete one first", null);
                            }
                            return requireDevice(accountId, device);
                        })
                        .flatMap(ignored -> {
                            Instant now = clock.instant();
                            WebhookEndpoint endpoint = new WebhookEndpoint();
                            endpoint.id = Ids.newId(now);
                            endpoint.accountId = accountId;
                            endpoint.name = name;
                            endpoint.url = url.toString();
                            endpoint.eventTypes(types);
                            endpoint.deviceId = device;
                            endpoint.secret = SECRET_PREFIX + Ids.secret(32);
                            endpoint.batchSize = batchSize;
                            endpoint.status = WebhookStatus.active;
                            // Events from this moment on: the empty id sorts before every id of the same millisecond.
                            endpoint.cursor = EventOutbox.key(now, "");
                            endpoint.consecutiveFailures = 0;
                            endpoint.nextAttemptAt = now;
                            endpoint.createdAt = now;
                            endpoint.updatedAt = now;
                            return endpoints.persist(endpoint);
                        })));
    }

    /** Changes the fields given; {@code device: ""} removes the device filter, {@code status} pauses or enables. */
    public Uni<WebhookEndpoint> update(String accountId, String id, Settings request) {
        URI url = request.url() == null ? null : targets.parse(request.url());
        String name = request.name() == null ? null : name(request.name());
        Set<String> types = request.events() == null ? null : types(request.events());
        Integer batchSize = request.batchSize() == null ? null : batchSize(request.batchSize());
        return checkAddresses(url).flatMap(ok -> Panache.withTransaction(() -> get(accountId, id)
                .call(endpoint -> request.device() == null || request.device().isBlank()
                        ? Uni.createFrom().nullItem() : requireDevice(accountId, request.device().trim()))
                .map(endpoint -> {
                    Instant now = clock.instant();
                    if (name != null) {
                        endpoint.name = name;
                    }
                    if (url != null) {
                        endpoint.url = url.toString();
                    }
                    if (types != null) {
                        endpoint.eventTypes(types);
                    }
                    if (request.device() != null) {
                        endpoint.deviceId = blankToNull(request.device());
                    }
                    if (batchSize != null) {
                        endpoint.batchSize = batchSize;
                    }
                    if (request.status() == WebhookStatus.active && endpoint.status != WebhookStatus.active) {
                        activate(endpoint, now);
                    } else if (request.status() == WebhookStatus.disabled && endpoint.status != WebhookStatus.disabled) {
                        endpoint.status = WebhookStatus.disabled;
                        endpoint.disabledAt = now;
                    }
                    endpoint.updatedAt = now;
                    return endpoint;
                })))
                .invoke(endpoint -> {
                    if (endpoint.status == WebhookStatus.active) {
                        dispatcher.wake();
                    }
                });
    }

    /** Re-activates an endpoint, clearing its failure count; the events that waited are delivered next. */
    public Uni<WebhookEndpoint> enable(String accountId, String id) {
        return Panache.withTransaction(() -> get(accountId, id).map(endpoint -> {
            Instant now = clock.instant();
            activate(endpoint, now);
            endpoint.updatedAt = now;
            return endpoint;
        })).invoke(dispatcher::wake);
    }

    /**
     * Gives the endpoint a fresh signing secret, which the caller shows once; the old one signs nothing from now
     * on (a request already under way may still carry its signature).
     */
    public Uni<WebhookEndpoint> rotateSecret(String accountId, String id) {
        return Panache.withTransaction(() -> get(accountId, id).map(endpoint -> {
            endpoint.secret = SECRET_PREFIX + Ids.secret(32);
            endpoint.updatedAt = clock.instant();
            return endpoint;
        }));
    }

    @WithSession
    public Uni<List<WebhookEndpoint>> list(String accountId) {
        return endpoints.listForAccount(accountId);
    }

    /** The caller's endpoint, or 404. */
    @WithSession
    public Uni<WebhookEndpoint> get(String accountId, String id) {
        return endpoints.findForAccount(accountId, id).invoke(endpoint -> {
            if (endpoint == null) {
                throw ApiException.notFound("Webhook", "id");
            }
        });
    }

    /** Deletes an endpoint with its delivery log; events already sent cannot be recalled. */
    @WithTransaction
    public Uni<Void> delete(String accountId, String id) {
        return get(accountId, id).flatMap(endpoints::delete);
    }

    /** The endpoint's most recent delivery requests, newest first. */
    @WithSession
    public Uni<List<WebhookDelivery>> logs(String accountId, String id) {
        return get(accountId, id).flatMap(endpoint -> deliveries.latest(endpoint.id, config.logsKept()));
    }

    private static void activate(WebhookEndpoint endpoint, Instant now) {
        endpoint.status = WebhookStatus.active;
        endpoint.consecutiveFailures = 0;
        endpoint.disabledAt = null;
        endpoint.nextAttemptAt = now;
    }

    /** Resolves the URL's host off the event loop and refuses non-public targets (unless allowed). */
    private Uni<Void> checkAddresses(URI url) {
        if (url == null) {
            return Uni.createFrom().voidItem();
        }
        return vertx.executeBlocking(Uni.createFrom().item(() -> {
            targets.check(url);
            return null;
        }));
    }

    private Uni<Void> requireDevice(String accountId, String device) {
        if (device == null) {
            return Uni.createFrom().voidItem();
        }
        return devices.findForAccount(accountId, device).invoke(found -> {
            if (found == null) {
                throw ApiException.notFound("Device", "device");
            }
        }).replaceWithVoid();
    }

    private static String name(String name) {
        return dev.parley.common.Names.check(name, "name", MAX_NAME_LENGTH);
    }

    private static Set<String> types(List<String> events) {
        if (events.isEmpty()) {
            throw ApiException.invalid("events", "events must name at least one event type; leave it out for all");
        }
        Set<String> types = new LinkedHashSet<>();
        for (String type : events) {
            if (type == null || !EventTypes.ALL.contains(type.trim())) {
                throw ApiException.invalid("events", "Unknown event type '" + type + "'; known: " + EventTypes.ALL);
            }
            types.add(type.trim());
        }
        return types;
    }

    private static int batchSize(int batchSize) {
        if (batchSize < 1 || batchSize > MAX_BATCH_SIZE) {
            throw ApiException.invalid("batchSize", "batchSize must be between 1 and " + MAX_BATCH_SIZE);
        }
        return batchSize;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
