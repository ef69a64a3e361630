package dev.parley.message;

import dev.parley.common.Priority;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.account.Access;
import dev.parley.account.TokenHasher;
import dev.parley.common.Ids;
import dev.parley.common.MessageContent;
import dev.parley.device.Device;
import dev.parley.device.DeviceService;
import dev.parley.error.ApiException;
import dev.parley.inbound.InboundStore;
import dev.parley.plan.Plan;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.QueueAddress;
import dev.parley.queue.QueuedMessage;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Accepts outbound messages (record first, then queue), removes them while they wait, and reads one
 * back for its account ({@link MessageListing} lists them). A 201 means the message will be attempted: a queue write that fails after the
 * record is stored leaves the record marked unconfirmed, and the repair job queues it.
 */
@ApplicationScoped
public class MessageService {

    private static final Logger LOG = Logger.getLogger(MessageService.class);
    /** Further tries of a failed queue write before it is left to the caller (or the repair job). */
    private static final int QUEUE_WRITE_RETRIES = 2;
    private static final Duration QUEUE_WRITE_BACKOFF = Duration.ofMillis(200);

    private final MessageStore store;
    private final OutboundQueue queue;
    /** How a problem about the default device ends ("…, name one to queue the message for it"). */
    static final String DEFAULT_DEVICE_FOR = "to queue the message for it";

    private final DeviceService devices;
    private final MessageRequestValidator validator;
    private final IdempotencyStore idempotency;
    private final InboundStore inbound;
    private final MessageMedia media;
    private final MessagesConfig settings;
    private final ObjectMapper json;
    private final Clock clock;

    public MessageService(MessageStore store, OutboundQueue queue, DeviceService devices,
                          MessageRequestValidator validator, IdempotencyStore idempotency, InboundStore inbound,
                          MessageMedia media, MessagesConfig settings, ObjectMapper json, Clock clock) {
        this.inbound = inbound;
        this.media = media;
        this.store = store;
        this.queue = queue;
        this.devices = devices;
        this.validator = validator;
        this.idempotency = idempotency;
        this.settings = settings;
        this.json = json;
        this.clock = clock;
    }

    /** Accepts one message; with an idempotency key, a repeat of the same request answers the first message. */
    public Uni<MessageRecord> send(Access access, SendMessageRequest request, String idempotencyKey) {
        String accountId = access.accountId();
        Instant now = clock.instant();
        MessageDraft draft = validator.validate(request, now, "");
        String key = idempotencyKey != null ? checkKey(idempotencyKey, "Idempotency-Key")
                : request.idempotencyKey() != null ? checkKey(request.idempotencyKey(), "idempotencyKey") : null;
        return resolveDevice(access, draft.device()).flatMap(device ->
                devices.plan(device.plan).flatMap(plan -> {
                    checkPlan(plan, draft, "");
                    return quotedWaId(accountId, device, draft);
                }).flatMap(quotedWaId -> {
                    String id = Ids.newId(now);
                    if (key == null) {
                        return accept(accountId, device, draft, id, now, quotedWaId);
                    }
                    String fingerprint = fingerprint(request);
                    Instant keyExpiry = now.plus(settings.idempotencyRetention());
                    return idempotency.claim(accountId, key, fingerprint, id, now, keyExpiry)
                            .flatMap(claim -> {
                                if (claim == null) {
                                    return acceptOnce(accountId, device, draft, id, now, quotedWaId);
                                }
                                if (!claim.fingerprint().equals(fingerprint)) {
                                    throw new ApiException(422, "idempotency-key-reused",
                                            "This Idempotency-Key was used for a different request", "Idempotency-Key");
                                }
                                // The first request may have died after claiming the key: finish its work then.
                                return store.get(claim.messageId()).flatMap(existing -> existing != null
                                        ? Uni.createFrom().item(existing)
                                        : acceptOnce(accountId, device, draft, claim.messageId(), now, quotedWaId));
                            });
                }));
    }

    /**
     * WhatsApp's id of the incoming message a draft quotes: it must have reached the same device, in the
     * chat the reply goes to. Null when the draft quotes nothing.
     */
    private Uni<String> quotedWaId(String accountId, Device device, MessageDraft draft) {
        if (draft.quote() == null) {
            return Uni.createFrom().nullItem();
        }
        return inbound.get(draft.quote()).map(quoted -> {
            if (quoted == null || !quoted.account().equals(accountId) || !quoted.device().equals(device.id)) {
                throw ApiException.notFound("Incoming message to quote", "quote");
            }
            String to = draft.group() != null ? draft.group() : draft.phone();
            if (!quoted.chat().equals(to)) {
                throw ApiException.invalid("quote", "The quoted message belongs to chat " + quoted.chat()
                        + "; a reply must go to that chat");
            }
            return quoted.waId();
        });
    }

    /**
     * {@link #accept} under an idempotency key: a concurrent request with the same key may store the same
     * message id first, and then its record is the answer.
     */
    private Uni<MessageRecord> acceptOnce(String accountId, Device device, MessageDraft draft, String id, Instant now,
                                          String quotedWaId) {
        return accept(accountId, device, draft, id, now, quotedWaId)
                .onFailure(MessageStore::conditionFailed).recoverWithUni(() -> store.get(id));
    }

    /**
     * The record for a validated draft: its media bound to a stored file, then stored, then queued (or left for
     * the promotion job).
     */
    Uni<MessageRecord> accept(String accountId, Device device, MessageDraft draft, String id, Instant now,
                              String quotedWaId) {
        return withStoredMedia(accountId, id, draft, "")
                .flatMap(stored -> store(newRecord(accountId, device, stored, id, now, quotedWaId), now));
    }

    /** The draft with its media, if any, bound to a stored file of the account ({@link MessageMedia#attach}). */
    Uni<MessageDraft> withStoredMedia(String accountId, String id, MessageDraft draft, String prefix) {
        MessageContent content = draft.content();
        if (content.media() == null) {
            return Uni.createFrom().item(draft);
        }
        return media.attach(accountId, id, content.media(), prefix).map(attached -> new MessageDraft(draft.phone(),
                draft.group(), new MessageContent(content.kind(), content.text(), content.link(), attached,
                content.location()), draft.device(), draft.reference(), draft.quote(), draft.priority(),
                draft.deliverAt(), draft.expiresAt(), draft.retries()));
    }

    private Uni<MessageRecord> store(MessageRecord record, Instant now) {
        if (record.status() == MessageStatus.scheduled) {
            return store.insert(record).replaceWith(record);
        }
        return store.insert(record)
                .flatMap(ignored -> enqueue(record, now))
                .replaceWith(record);
    }

    MessageRecord newRecord(String accountId, Device device, MessageDraft draft, String id, Instant now) {
        return newRecord(accountId, device, draft, id, now, null);
    }

    MessageRecord newRecord(String accountId, Device device, MessageDraft draft, String id, Instant now,
                            String quotedWaId) {
        boolean later = draft.deliverAt() != null
                && draft.deliverAt().isAfter(now.plus(settings.scheduleLead()));
        return new MessageRecord(id, accountId, device.id, device.shard, draft.phone(), draft.group(),
                draft.content(), draft.reference(), draft.quote(), quotedWaId, draft.priority(),
                later ? MessageStatus.scheduled : MessageStatus.queued, draft.retries(), 0, null, null, now, now,
                draft.deliverAt(), draft.expiresAt(), null, null, null, null, null);
    }

    /**
     * Sends the queue entry of a queued record and confirms it; a failure is logged and left to the repair
     * job, since the record already promises the message will be attempted.
     */
    public Uni<Void> enqueue(MessageRecord record, Instant now) {
        return enqueue(record, now, false);
    }

    /** As above; {@code released} marks an entry queued by a release of held messages. */
    public Uni<Void> enqueue(MessageRecord record, Instant now, boolean released) {
        return queueEntry(record, now, released)
                .onFailure().recoverWithItem(failure -> {
                    LOG.warnf("Queue write for message=%s failed (%s); the repair job will queue it", record.id(),
                            failure.toString());
                    return null;
                });
    }

    /**
     * Sends the queue entry of a queued record, trying again briefly (a busy host's client may time out acquiring a
     * connection), then confirms it. Fails only when the entry could not be written: a caller that can keep the
     * record elsewhere (a release puts it back among the held) must not leave it to the repair job, whose late
     * copy would go out after younger messages. A failed confirmation is only logged: the entry is on its way, and
     * the repair job's copy of a confirmed-late record is dropped as a duplicate.
     */
    public Uni<Void> queueEntry(MessageRecord record, Instant now, boolean released) {
        Duration delay = record.deliverAt() == null || !record.deliverAt().isAfter(now)
                ? Duration.ZERO : Duration.between(now, record.deliverAt());
        QueueAddress address = new QueueAddress(record.shard(), record.priority());
        QueuedMessage entry = new QueuedMessage(record.id(), record.accountId(), record.deviceId(),
                record.createdAt().toEpochMilli(), released);
        return queue.enqueue(address, entry, delay)
                .onFailure().retry().withBackOff(QUEUE_WRITE_BACKOFF).atMost(QUEUE_WRITE_RETRIES)
                .flatMap(ignored -> store.confirmQueued(record.id())
                        .onFailure().recoverWithItem(failure -> {
                            LOG.debugf("Confirming the queue write of message=%s failed (%s)", record.id(),
                                    failure.toString());
                            return null;
                        }))
                .invoke(() -> LOG.debugf("Queued message=%s device=%s account=%s", record.id(), record.deviceId(),
                        record.accountId()))
                .replaceWithVoid();
    }

    /** Removes a message that is still waiting; one already being sent or finished is a 409. */
    /** Removes a waiting message of a device the token sees. */
    public Uni<MessageRecord> remove(Access access, String id) {
        return get(access, id).flatMap(record -> store.remove(id, clock.instant())
                .flatMap(removed -> store.get(id).invoke(after -> {
                    if (!removed && after.status() != MessageStatus.removed) {
                        throw ApiException.conflict(after.status() == MessageStatus.processing
                                ? "The message is being sent and can no longer be removed"
                                : "The message is already " + after.status() + " and can no longer be removed", "id");
                    }
                })));
    }

    /** A message of a device the token sees, or 404. */
    public Uni<MessageRecord> get(Access access, String id) {
        String accountId = access.accountId();
        if (!Ids.isId(id)) {
            throw ApiException.notFound("Message", "id");
        }
        return store.get(id).invoke(record -> {
            if (record == null || !record.accountId().equals(accountId) || !access.sees(record.deviceId())) {
                throw ApiException.notFound("Message", "id");
            }
        });
    }

    /** Rejects a draft that uses a feature the device's plan lacks, with a 403 naming the feature's field. */
    static void checkPlan(Plan plan, MessageDraft draft, String prefix) {
        if (draft.priority() != Priority.normal && !plan.priorities) {
            throw ApiException.forbidden("The " + plan.name + " plan does not include message priorities", prefix + "priority");
        }
        if (draft.deliverAt() != null && !plan.scheduling) {
            throw ApiException.forbidden("The " + plan.name + " plan does not include scheduled delivery", prefix + "deliverAt");
        }
        if (draft.group() != null && !plan.groups) {
            throw ApiException.forbidden("The " + plan.name + " plan does not include group messages", prefix + "group");
        }
    }

    Uni<Device> resolveDevice(Access access, String deviceId) {
        return devices.getOrDefault(access, deviceId, DEFAULT_DEVICE_FOR)
                .invoke(d -> DeviceService.requireSendable(d, "device"));
    }

    /** A trimmed idempotency key of 1 to 200 characters, or a 400 naming where it came from. */
    static String checkKey(String key, String field) {
        String trimmed = key.trim();
        if (trimmed.isEmpty() || trimmed.length() > 200) {
            throw ApiException.invalid(field, field + " must be 1 to 200 characters");
        }
        return trimmed;
    }

    /** What an idempotency key remembers of a request: its content, whatever key it came with. */
    String fingerprint(SendMessageRequest request) {
        try {
            com.fasterxml.jackson.databind.node.ObjectNode tree = json.valueToTree(request);
            tree.remove("idempotencyKey");
            return TokenHasher.sha256(json.writeValueAsString(tree));
        } catch (Exception e) {
            throw new IllegalStateException("A request always serializes", e);
        }
    }

}
