package dev.parley.message;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.common.Ids;
import dev.parley.device.Device;
import dev.parley.device.DeviceService;
import dev.parley.error.ApiException;
import dev.parley.error.Problem;
import dev.parley.plan.Plan;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.QueueAddress;
import dev.parley.queue.QueuedMessage;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    private final MessageService messages;
    private final MessageRequestValidator validator;
    private final MessageStore store;
    private final OutboundQueue queue;
    private final DeviceService devices;
    private final MessagesConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public BulkService(MessageService messages, MessageRequestValidator validator, MessageStore store,
                       OutboundQueue queue, DeviceService devices, MessagesConfig config, ObjectMapper json,
                       Clock clock) {
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

    public Uni<BulkResult> send(String accountId, JsonNode body) {
        JsonNode items = body != null && body.isObject() ? body.get("messages") : body;
        if (items == null || !items.isArray() || items.isEmpty()) {
            throw ApiException.invalid("messages", "send a non-empty array of messages, or {\"messages\": [...]}");
        }
        int max = config.bulkMax();
        if (items.size() > max) {
            throw ApiException.invalid("messages", "a bulk request holds at most " + max + " messages");
        }
        Instant now = clock.instant();
        return devices.list(accountId).flatMap(accountDevices -> devices.plans().flatMap(plans -> {
            Map<String, Device> byId = accountDevices.stream().collect(Collectors.toMap(d -> d.id, d -> d));
            ItemResult[] results = new ItemResult[items.size()];
            List<MessageRecord> accepted = new ArrayList<>();
            List<PendingMedia> withMedia = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                String prefix = "[" + i + "].";
                try {
                    SendMessageRequest request = read(items.get(i), prefix);
                    MessageDraft draft = validator.validate(request, now, prefix);
                    if (draft.quote() != null) {
                        throw ApiException.invalid(prefix + "quote", "Replies with quote are sent one at a time");
                    }
                    Device device = draft.device() == null ? MessageService.pickDefault(accountDevices)
                            : byId.get(draft.device());
                    if (device == null) {
                        throw ApiException.notFound("Device", prefix + "device");
                    }
                    MessageService.checkPlan(plans.get(device.plan), draft, prefix);
                    if (draft.content().media() != null) {
                        withMedia.add(new PendingMedia(i, device, draft, Ids.newId(now)));
                        continue;
                    }
                    MessageRecord record = messages.newRecord(accountId, device, draft, Ids.newId(now), now);
                    accepted.add(record);
                    results[i] = new ItemResult(i, record.id(), record.status(), null);
                } catch (ApiException e) {
                    results[i] = new ItemResult(i, null, null, Problem.of(e, "/v1/messages/bulk"));
                }
            }
            return attachMedia(accountId, withMedia, accepted, results, now)
                    .flatMap(ignored -> write(accepted, now)).map(failedIds -> {
                int ok = 0;
                for (int i = 0; i < results.length; i++) {
                    ItemResult r = results[i];
                    if (r.id() != null && failedIds.contains(r.id())) {
                        results[i] = new ItemResult(i, null, null, Problem.of(503, "unavailable",
                                "The message could not be stored; send it again", null, "/v1/messages/bulk"));
                    } else if (r.id() != null) {
                        ok++;
                    }
                }
                return new BulkResult(ok, results.length - ok, List.of(results));
            });
        }));
    }

    /** A valid item with media, waiting for its file. */
    private record PendingMedia(int index, Device device, MessageDraft draft, String id) {
    }

    /**
     * Binds the media items to stored files one after another (a URL is fetched once per item), adding each to
     * {@code accepted}, or its problem to {@code results}.
     */
    private Uni<Void> attachMedia(String accountId, List<PendingMedia> pending, List<MessageRecord> accepted,
                                  ItemResult[] results, Instant now) {
        return Multi.createFrom().iterable(pending)
                .onItem().transformToUniAndConcatenate(p -> messages.withStoredMedia(accountId, p.id(), p.draft(),
                                "[" + p.index() + "].")
                        .map(draft -> {
                            MessageRecord record = messages.newRecord(accountId, p.device(), draft, p.id(), now);
                            accepted.add(record);
                            results[p.index()] = new ItemResult(p.index(), record.id(), record.status(), null);
                            return record;
                        })
                        .onFailure(ApiException.class).recoverWithItem(e -> {
                            results[p.index()] = new ItemResult(p.index(), null, null,
                                    Problem.of((ApiException) e, "/v1/messages/bulk"));
                            return null;
                        }))
                .collect().last().replaceWithVoid();
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

    /** Stores and queues the records; answers the ids that could not be stored at all. */
    private Uni<Set<String>> write(List<MessageRecord> records, Instant now) {
        if (records.isEmpty()) {
            return Uni.createFrom().item(Set.of());
        }
        List<List<MessageRecord>> chunks = chunk(records, DYNAMO_BATCH);
        return Multi.createFrom().iterable(chunks)
                .onItem().transformToUniAndConcatenate(chunk -> storeChunk(chunk, WRITE_ATTEMPTS))
                .collect().asList()
                .map(lists -> lists.stream().flatMap(List::stream).collect(Collectors.toSet()))
                .flatMap(unstored -> enqueueAll(records.stream()
                        .filter(r -> r.status() == MessageStatus.queued && !unstored.contains(r.id()))
                        .toList(), now).replaceWith(unstored));
    }

    private Uni<List<String>> storeChunk(List<MessageRecord> chunk, int attemptsLeft) {
        return store.insertBatch(chunk).flatMap(unprocessed -> {
            if (unprocessed.isEmpty() || attemptsLeft <= 1) {
                return Uni.createFrom().item(unprocessed);
            }
            Set<String> retry = new HashSet<>(unprocessed);
            return storeChunk(chunk.stream().filter(r -> retry.contains(r.id())).toList(), attemptsLeft - 1);
        });
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
