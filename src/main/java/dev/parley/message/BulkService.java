package dev.parley.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.account.Access;
import dev.parley.account.TokenHasher;
import dev.parley.common.Ids;
import dev.parley.device.Device;
import dev.parley.device.DeviceService;
import dev.parley.error.ApiException;
import dev.parley.error.FailureTranslator;
import dev.parley.error.Problem;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.QueueAddress;
import dev.parley.queue.QueuedMessage;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.stream.Collectors;

/**
 * Accepts many messages in one request. Each item is validated on its own; accepted records are written
 * 25 at a time and their queue entries 10 at a time, with the same record-first guarantee as single sends.
 */
@ApplicationScoped
public class BulkService {

    private static final Logger LOG = Logger.getLogger(BulkService.class);
    private static final int DYNAMO_BATCH = 25;
    private static final int SQS_BATCH = 10;
    private static final int WRITE_ATTEMPTS = 3;
    /** Idempotency keys claimed at once for one request. */
    private static final int CLAIMS = 16;
    private static final String INSTANCE = "/v1/messages/bulk";

    private final MessageService messages;
    private final MessageRequestValidator validator;
    private final MessageStore store;
    private final OutboundQueue queue;
    private final DeviceService devices;
    private final MessagesConfig config;
    private final IdempotencyStore idempotency;
    private final Instance<FailureTranslator> translators;
    private final ObjectMapper json;
    private final Clock clock;

    public BulkService(MessageService messages, MessageRequestValidator validator, MessageStore store,
                       OutboundQueue queue, DeviceService devices, MessagesConfig config,
                       IdempotencyStore idempotency, Instance<FailureTranslator> translators, ObjectMapper json,
                       Clock clock) {
        this.idempotency = idempotency;
        this.translators = translators;
        this.messages = messages;
        this.validator = validator;
        this.store = store;
        this.queue = queue;
        this.devices = devices;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    /** One item's outcome: its id and status, or the problem that rejected it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ItemResult(int index, String id, MessageStatus status, Problem error) {
    }

    /** The answer to a bulk request, items in request order. */
    public record BulkResult(int accepted, int rejected, List<ItemResult> results) {
    }

    /**
     * Accepts the valid items of {@code body}. With {@code requestKey} (an {@code Idempotency-Key} header) a retry
     * of the same request answers the same messages and creates none; an item's own {@code idempotencyKey} does
     * the same for that item across requests. An item that cannot be stored fails alone, with its problem.
     */
    public Uni<BulkResult> send(Access access, JsonNode body, String requestKey) {
        String accountId = access.accountId();
        JsonNode items = body != null && body.isObject() ? body.get("messages") : body;
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ApiException.invalid("messages", "send a non-empty array of messages, or {\"messages\": [...]}");
        }
        int max = config.bulkMax();
        if (items.size() > max) {
            throw ApiException.invalid("messages", "a bulk request holds at most " + max + " messages");
        }
        String key = requestKey == null ? null : MessageService.checkKey(requestKey, "Idempotency-Key");
        Instant now = clock.instant();
        // PostgreSQL first: Panache needs the request's Vert.x context, which DynamoDB's callbacks do not keep.
        return devices.list(access).flatMap(accountDevices -> devices.plans().flatMap(plans ->
                claimRequest(accountId, key, body, now).flatMap(ignored -> {
                    Map<String, Device> byId = accountDevices.stream().collect(Collectors.toMap(d -> d.id, d -> d));
                    AtomicReferenceArray<ItemResult> results = new AtomicReferenceArray<>(items.size());
                    List<Item> valid = new ArrayList<>();
                    for (int i = 0; i < items.size(); i++) {
                        String prefix = "[" + i + "].";
                        try {
                            SendMessageRequest request = read(items.get(i), prefix);
                            MessageDraft draft = validator.validate(request, now, prefix);
                            if (draft.quote() != null) {
                                throw ApiException.invalid(prefix + "quote", "Replies with quote are sent one at a time");
                            }
                            Device device = draft.device() == null
                                    ? DeviceService.pickDefault(accountDevices, MessageService.DEFAULT_DEVICE_FOR)
                                    : byId.get(draft.device());
                            if (device == null) {
                                throw ApiException.notFound("Device", prefix + "device");
                            }
                            DeviceService.requireSendable(device, prefix + "device");
                            MessageService.checkPlan(plans.get(device.plan), draft, prefix);
                            String itemKey = request.idempotencyKey() != null
                                    ? MessageService.checkKey(request.idempotencyKey(), prefix + "idempotencyKey")
                                    : key != null ? "bulk:" + key + ":" + i : null;
                            valid.add(new Item(i, device, draft, messages.newRecord(accountId, device, draft,
                                    Ids.newId(now), now), itemKey == null ? null : messages.fingerprint(request), itemKey));
                        } catch (ApiException e) {
                            results.set(i, new ItemResult(i, null, null, Problem.of(e, INSTANCE)));
                        }
                    }
                    return attachMedia(accountId, valid, now, results).onItem().transformToMulti(ready ->
                                    Multi.createFrom().iterable(ready))
                            .onItem().transformToUni(item -> claimItem(accountId, item, now, results)).merge(CLAIMS)
                            .collect().asList()
                            .flatMap(writes -> write(writes, now, results))
                            .map(done -> answer(results));
                })));
    }

    /** An item that passed validation; {@code key} is its own or derived from the request's key. */
    private record Item(int index, Device device, MessageDraft draft, MessageRecord record, String fingerprint,
                        String key) {
    }

    /**
     * Binds the media items to stored files one after another (a URL is fetched once per item): each comes back
     * with its draft and record naming the file, or fails alone with its problem in {@code results}.
     */
    private Uni<List<Item>> attachMedia(String accountId, List<Item> valid, Instant now,
                                        AtomicReferenceArray<ItemResult> results) {
        return Multi.createFrom().iterable(valid)
                .onItem().transformToUniAndConcatenate(item -> item.draft().content().media() == null
                        ? Uni.createFrom().item(item)
                        : messages.withStoredMedia(accountId, item.record().id(), item.draft(), "[" + item.index() + "].")
                                .map(draft -> new Item(item.index(), item.device(), draft,
                                        messages.newRecord(accountId, item.device(), draft, item.record().id(), now),
                                        item.fingerprint(), item.key()))
                                .onFailure(ApiException.class).recoverWithItem(e -> {
                                    results.set(item.index(), new ItemResult(item.index(), null, null,
                                            Problem.of((ApiException) e, INSTANCE)));
                                    return null;
                                }))
                .filter(Objects::nonNull)
                .collect().asList();
    }

    /** A record to store for an item; {@code reused} when its id comes from an earlier claim of the item's key. */
    private record Write(int index, MessageRecord record, boolean reused) {
    }

    /** Claims the request's own key, so that the same key on a different request is a 422 as for a single send. */
    private Uni<Void> claimRequest(String accountId, String key, JsonNode body, Instant now) {
        if (key == null) {
            return Uni.createFrom().voidItem();
        }
        String fingerprint = TokenHasher.sha256(body.toString());
        return idempotency.claim(accountId, "bulk:" + key, fingerprint, "bulk", now,
                now.plus(config.idempotencyRetention())).invoke(claim -> {
                    if (claim != null && !claim.fingerprint().equals(fingerprint)) {
                        throw new ApiException(422, "idempotency-key-reused",
                                "This Idempotency-Key was used for a different request", "Idempotency-Key");
                    }
                }).replaceWithVoid();
    }

    /**
     * Claims an item's key: a fresh claim or no key writes the new record; a key already claimed answers its
     * message, or writes that message under the claimed id when the first request died before storing it.
     */
    private Uni<Write> claimItem(String accountId, Item item, Instant now, AtomicReferenceArray<ItemResult> results) {
        if (item.key() == null) {
            return Uni.createFrom().item(new Write(item.index(), item.record(), false));
        }
        return idempotency.claim(accountId, item.key(), item.fingerprint(), item.record().id(), now,
                        now.plus(config.idempotencyRetention()))
                .flatMap(claim -> {
                    if (claim == null) {
                        return Uni.createFrom().item(new Write(item.index(), item.record(), false));
                    }
                    if (!claim.fingerprint().equals(item.fingerprint())) {
                        results.set(item.index(), failed(item.index(), new ApiException(422, "idempotency-key-reused",
                                "This idempotency key was used for a different message", field(item))));
                        return Uni.createFrom().<Write>nullItem();
                    }
                    return store.get(claim.messageId()).map(existing -> {
                        if (existing != null) {
                            results.set(item.index(), accepted(item.index(), existing));
                            return null;
                        }
                        return new Write(item.index(), messages.newRecord(accountId, item.device(), item.draft(),
                                claim.messageId(), now), true);
                    });
                })
                .onFailure().recoverWithItem(failure -> {
                    results.set(item.index(), failed(item.index(), failure));
                    return null;
                });
    }

    private static String field(Item item) {
        return item.key().startsWith("bulk:") ? "Idempotency-Key" : "[" + item.index() + "].idempotencyKey";
    }

    /** Stores the records (fresh ones in batches, reused ids one by one and conditionally), then queues them. */
    private Uni<Void> write(List<Write> writes, Instant now, AtomicReferenceArray<ItemResult> results) {
        List<Write> fresh = writes.stream().filter(w -> w != null && !w.reused()).toList();
        List<Write> reused = writes.stream().filter(w -> w != null && w.reused()).toList();
        Uni<List<Write>> stored = Multi.createFrom().iterable(chunk(fresh, DYNAMO_BATCH))
                .onItem().transformToUniAndConcatenate(chunk -> storeChunk(chunk, WRITE_ATTEMPTS, results))
                .collect().asList()
                .flatMap(lists -> Multi.createFrom().iterable(reused)
                        .onItem().transformToUniAndConcatenate(w -> storeOne(w, results))
                        .collect().asList()
                        .map(more -> {
                            List<Write> all = new ArrayList<>();
                            lists.forEach(all::addAll);
                            more.stream().filter(Objects::nonNull).forEach(all::add);
                            return all;
                        }));
        return stored.flatMap(done -> {
            done.forEach(w -> results.set(w.index(), accepted(w.index(), w.record())));
            return enqueueAll(done.stream().map(Write::record)
                    .filter(r -> r.status() == MessageStatus.queued).toList(), now);
        });
    }

    /** Writes a chunk in one call; a chunk the store refuses is written item by item, so only bad items fail. */
    private Uni<List<Write>> storeChunk(List<Write> chunk, int attemptsLeft, AtomicReferenceArray<ItemResult> results) {
        return store.insertBatch(chunk.stream().map(Write::record).toList())
                .onFailure().recoverWithUni(failure -> Multi.createFrom().iterable(chunk)
                        .onItem().transformToUniAndConcatenate(w -> storeOne(w, results)).collect().asList()
                        .map(list -> chunk.stream().map(Write::record).map(MessageRecord::id)
                                .filter(id -> list.stream().noneMatch(w -> w != null && w.record().id().equals(id)))
                                .toList()))
                .flatMap(unprocessed -> {
                    Set<String> left = new HashSet<>(unprocessed);
                    List<Write> done = chunk.stream().filter(w -> !left.contains(w.record().id())
                            && results.get(w.index()) == null).toList();
                    List<Write> retry = chunk.stream().filter(w -> left.contains(w.record().id())
                            && results.get(w.index()) == null).toList();
                    if (retry.isEmpty()) {
                        return Uni.createFrom().item(done);
                    }
                    if (attemptsLeft <= 1) {
                        retry.forEach(w -> results.set(w.index(), new ItemResult(w.index(), null, null,
                                Problem.of(503, "unavailable", "The message could not be stored; send it again",
                                        "[" + w.index() + "]", INSTANCE))));
                        return Uni.createFrom().item(done);
                    }
                    return storeChunk(retry, attemptsLeft - 1, results).map(more -> {
                        List<Write> all = new ArrayList<>(done);
                        all.addAll(more);
                        return all;
                    });
                });
    }

    /**
     * Writes one record unless it exists: an existing record (a concurrent request with the same key stored it)
     * is the answer as it stands. Answers null when the write is settled without queueing.
     */
    private Uni<Write> storeOne(Write write, AtomicReferenceArray<ItemResult> results) {
        return store.insert(write.record()).map(ignored -> write)
                .onFailure(MessageStore::conditionFailed).recoverWithUni(() -> store.get(write.record().id())
                        .map(existing -> {
                            results.set(write.index(), accepted(write.index(), existing));
                            return (Write) null;
                        }))
                .onFailure().recoverWithItem(failure -> {
                    results.set(write.index(), failed(write.index(), failure));
                    return null;
                });
    }

    private ItemResult failed(int index, Throwable failure) {
        ApiException api = failure instanceof ApiException e ? e : translate(failure);
        String field = api.field() != null ? api.field() : "[" + index + "]";
        return new ItemResult(index, null, null, Problem.of(api.status(), api.type(),
                api.status() == 503 ? "The message could not be stored; send it again" : api.getMessage(), field,
                INSTANCE));
    }

    private ApiException translate(Throwable failure) {
        for (FailureTranslator translator : translators) {
            Optional<ApiException> known = translator.translate(failure);
            if (known.isPresent()) {
                return known.get();
            }
        }
        LOG.errorf(failure, "Storing a bulk message failed unexpectedly");
        return new ApiException(500, "internal", "An unexpected error occurred; it has been logged", null);
    }

    private static ItemResult accepted(int index, MessageRecord record) {
        return new ItemResult(index, record.id(), record.status(), null);
    }

    private static BulkResult answer(AtomicReferenceArray<ItemResult> results) {
        List<ItemResult> list = new ArrayList<>();
        int ok = 0;
        for (int i = 0; i < results.length(); i++) {
            list.add(results.get(i));
            ok += results.get(i).id() != null ? 1 : 0;
        }
        return new BulkResult(ok, list.size() - ok, list);
    }

    private SendMessageRequest read(JsonNode node, String prefix) {
        try {
            return json.treeToValue(node, SendMessageRequest.class);
        } catch (JsonMappingException e) {
            String field = e.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            throw ApiException.invalid(prefix + field, "Field '" + field + "' is unknown or has the wrong type");
        } catch (JsonProcessingException e) {
            throw ApiException.invalid(prefix.substring(0, prefix.length() - 1), "not a message object");
        }
    }

    private Uni<Void> enqueueAll(List<MessageRecord> queued, Instant now) {
        Map<QueueAddress, List<MessageRecord>> byQueue = new LinkedHashMap<>();
        for (MessageRecord r : queued) {
            byQueue.computeIfAbsent(new QueueAddress(r.shard(), r.priority()), a -> new ArrayList<>()).add(r);
        }
        List<Uni<Void>> sends = new ArrayList<>();
        byQueue.forEach((address, list) -> {
            for (List<MessageRecord> chunk : chunk(list, SQS_BATCH)) {
                List<OutboundQueue.Pending> entries = chunk.stream().map(r -> new OutboundQueue.Pending(
                        new QueuedMessage(r.id(), r.accountId(), r.deviceId(), r.createdAt().toEpochMilli()),
                        r.deliverAt() == null || !r.deliverAt().isAfter(now) ? Duration.ZERO
                                : Duration.between(now, r.deliverAt()))).toList();
                sends.add(queue.enqueueBatch(address, entries)
                        // A busy host's client may time out acquiring a connection: try again before the
                        // repair job has to, since its late copies would go out after younger messages.
                        .onFailure().retry().withBackOff(Duration.ofMillis(200)).atMost(2)
                        .onFailure().recoverWithItem(failure -> {
                            LOG.warnf("Bulk queue write failed (%s); the repair job will queue %d message(s)",
                                    failure.toString(), chunk.size());
                            return chunk.stream().map(MessageRecord::id).toList();
                        })
                        .flatMap(failed -> confirm(chunk.stream().map(MessageRecord::id)
                                .filter(id -> !failed.contains(id)).toList())));
            }
        });
        return sends.isEmpty() ? Uni.createFrom().voidItem()
                : Uni.join().all(sends).andCollectFailures().replaceWithVoid();
    }

    private Uni<Void> confirm(List<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        return Uni.join().all(ids.stream().map(store::confirmQueued).toList())
                .andCollectFailures().replaceWithVoid()
                .onFailure().recoverWithItem(failure -> {
                    // Unconfirmed records are queued again by the repair job: a duplicate entry is harmless.
                    LOG.warnf("Confirming %d bulk queue write(s) failed: %s", ids.size(), failure.toString());
                    return null;
                });
    }

    private static <T> List<List<T>> chunk(List<T> list, int size) {
        List<List<T>> chunks = new ArrayList<>();
        for (int i = 0; i < list.size(); i += size) {
            chunks.add(list.subList(i, Math.min(list.size(), i + size)));
        }
        return chunks;
    }
}
