package dev.parley.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.aws.AwsConfig;
import dev.parley.common.Blocking;
import dev.parley.common.Priority;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.ChangeMessageVisibilityBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.DeleteMessageBatchRequestEntry;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/** {@link OutboundQueue} on SQS standard queues (ElasticMQ locally). */
@ApplicationScoped
public class SqsOutboundQueue implements OutboundQueue {

    private static final Logger LOG = Logger.getLogger(SqsOutboundQueue.class);
    /** SQS's ceiling for a visibility timeout. */
    static final Duration MAX_VISIBILITY = Duration.ofHours(12);

    private final SqsAsyncClient sqs;
    private final ObjectMapper json;
    private final String prefix;
    private final int maxReceiveCount;
    private final Map<QueueAddress, String> urls = new ConcurrentHashMap<>();
    private final Map<QueueAddress, String> deadLetterUrls = new ConcurrentHashMap<>();

    @Inject
    public SqsOutboundQueue(SqsAsyncClient sqs, ObjectMapper json, AwsConfig config) {
        this(sqs, json, config.queuePrefix(), config.maxReceiveCount());
    }

    /** Queues named {prefix}-{shard}-{priority}, each with a dead-letter queue after {@code maxReceiveCount}. */
    SqsOutboundQueue(SqsAsyncClient sqs, ObjectMapper json, String prefix, int maxReceiveCount) {
        this.sqs = sqs;
        this.json = json;
        this.prefix = prefix;
        this.maxReceiveCount = maxReceiveCount;
    }

    @Override
    public void provision(int shards) {
        for (int shard = 0; shard < shards; shard++) {
            for (Priority priority : Priority.values()) {
                QueueAddress address = new QueueAddress(shard, priority);
                String deadLetters = create(address.deadLetterName(prefix), Map.of());
                deadLetterUrls.put(address, deadLetters);
                String deadLettersArn = Blocking.await(sqs.getQueueAttributes(b -> b.queueUrl(deadLetters)
                        .attributeNames(QueueAttributeName.QUEUE_ARN))).attributes().get(QueueAttributeName.QUEUE_ARN);
                String url = create(address.name(prefix), Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60"));
                // Set apart from creation: creating an existing queue with other attributes fails, and a queue kept
                // from an older data directory, or a changed max-receive-count, must get the policy too.
                String redrive = "{\"deadLetterTargetArn\":\"" + deadLettersArn + "\",\"maxReceiveCount\":\""
                        + maxReceiveCount + "\"}";
                Blocking.await(sqs.setQueueAttributes(b -> b.queueUrl(url)
                        .attributes(Map.of(QueueAttributeName.REDRIVE_POLICY, redrive))));
                urls.put(address, url);
                LOG.debugf("Queue %s ready at %s, dead letters after %d receives", address.name(prefix), url,
                        maxReceiveCount);
            }
        }
    }

    private String create(String name, Map<QueueAttributeName, String> attributes) {
        return Blocking.await(sqs.createQueue(CreateQueueRequest.builder().queueName(name).attributes(attributes)
                .build())).queueUrl();
    }

    @Override
    public Uni<Void> enqueue(QueueAddress queue, QueuedMessage message, Duration delay) {
        String body = write(message);
        int delaySeconds = delaySeconds(delay);
        return url(queue).flatMap(url -> Uni.createFrom().completionStage(() -> sqs.sendMessage(b -> b
                .queueUrl(url)
                .messageBody(body)
                .delaySeconds(delaySeconds)))).replaceWithVoid();
    }

    @Override
    public Uni<List<String>> enqueueBatch(QueueAddress queue, List<Pending> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        if (entries.size() > MAX_BATCH) {
            return Uni.createFrom().failure(new IllegalArgumentException(
                    "SQS takes at most " + MAX_BATCH + " entries per batch, got " + entries.size()));
        }
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < entries.size(); i++) {
            Pending p = entries.get(i);
            batch.add(SendMessageBatchRequestEntry.builder()
                    .id(Integer.toString(i))
                    .messageBody(write(p.message()))
                    .delaySeconds(delaySeconds(p.delay()))
                    .build());
        }
        return url(queue).flatMap(url -> Uni.createFrom().completionStage(() -> sqs.sendMessageBatch(b -> b
                        .queueUrl(url).entries(batch))))
                .map(response -> response.failed().stream()
                        .map(f -> entries.get(Integer.parseInt(f.id())).message().messageId())
                        .toList());
    }

    @Override
    public List<ReceivedMessage> receive(QueueAddress queue, int max, Duration wait, Duration visibility) {
        String url = Blocking.await(url(queue));
        // The long poll itself may take the whole wait: allow for it on top of a round trip.
        List<Message> messages = Blocking.await(sqs.receiveMessage(ReceiveMessageRequest.builder()
                .queueUrl(url)
                .maxNumberOfMessages(Math.max(1, Math.min(max, MAX_BATCH)))
                .waitTimeSeconds((int) wait.toSeconds())
                .visibilityTimeout((int) Math.min(visibility.toSeconds(), MAX_VISIBILITY.toSeconds()))
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
                .build()), wait.plus(Blocking.DEFAULT_TIMEOUT)).messages();
        List<ReceivedMessage> received = new ArrayList<>(messages.size());
        long now = System.nanoTime();
        for (Message m : messages) {
            String count = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
            received.add(new ReceivedMessage(queue, read(m.body()), m.receiptHandle(),
                    count == null ? 1 : Integer.parseInt(count), now));
        }
        return received;
    }

    @Override
    public void delete(ReceivedMessage message) {
        String url = Blocking.await(url(message.queue()));
        Blocking.await(sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receipt())));
    }

    @Override
    public void retryAfter(ReceivedMessage message, Duration delay) {
        String url = Blocking.await(url(message.queue()));
        int seconds = (int) Math.max(0, Math.min(delay.toSeconds(), MAX_VISIBILITY.toSeconds()));
        Blocking.await(sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(message.receipt())
                .visibilityTimeout(seconds)));
    }

    /**
     * Ten entries per ChangeMessageVisibilityBatch call, all calls side by side: a full lane renews hundreds of
     * entries at once, and one call each took longer than the visibility it was renewing on a busy host.
     */
    @Override
    public List<ReceivedMessage> extendVisibility(List<ReceivedMessage> messages, Duration visibility) {
        int seconds = (int) Math.max(0, Math.min(visibility.toSeconds(), MAX_VISIBILITY.toSeconds()));
        return inBatches(messages, (url, chunk) -> {
            List<ChangeMessageVisibilityBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(ChangeMessageVisibilityBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receipt()).visibilityTimeout(seconds).build());
            }
            return sqs.changeMessageVisibilityBatch(b -> b.queueUrl(url).entries(entries))
                    .thenApply(response -> response.failed().stream().map(f -> Integer.parseInt(f.id())).toList());
        });
    }

    /** Ten entries per DeleteMessageBatch call, all calls side by side, as {@link #extendVisibility(List, Duration)}. */
    @Override
    public List<ReceivedMessage> delete(List<ReceivedMessage> messages) {
        return inBatches(messages, (url, chunk) -> {
            List<DeleteMessageBatchRequestEntry> entries = new ArrayList<>();
            for (int i = 0; i < chunk.size(); i++) {
                entries.add(DeleteMessageBatchRequestEntry.builder().id(Integer.toString(i))
                        .receiptHandle(chunk.get(i).receipt()).build());
            }
            return sqs.deleteMessageBatch(b -> b.queueUrl(url).entries(entries))
                    .thenApply(response -> response.failed().stream().map(f -> Integer.parseInt(f.id())).toList());
        });
    }

    /** One batch call on up to ten entries of one queue, answering the positions in the chunk that failed. */
    private interface BatchCall {
        CompletableFuture<List<Integer>> call(String queueUrl, List<ReceivedMessage> chunk);
    }

    /**
     * Runs {@code call} on the entries ten at a time per queue, all calls side by side, and answers the entries a
     * call failed (a failed call fails its whole chunk; the others stand).
     */
    private List<ReceivedMessage> inBatches(List<ReceivedMessage> messages, BatchCall call) {
        Map<QueueAddress, List<ReceivedMessage>> byQueue = new LinkedHashMap<>();
        messages.forEach(m -> byQueue.computeIfAbsent(m.queue(), q -> new ArrayList<>()).add(m));
        List<ReceivedMessage> failed = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<?>> calls = new ArrayList<>();
        for (var queue : byQueue.entrySet()) {
            String url = Blocking.await(url(queue.getKey()));
            List<ReceivedMessage> all = queue.getValue();
            for (int from = 0; from < all.size(); from += MAX_BATCH) {
                List<ReceivedMessage> chunk = all.subList(from, Math.min(all.size(), from + MAX_BATCH));
                calls.add(call.call(url, chunk).whenComplete((positions, error) -> {
                    if (error != null) {
                        failed.addAll(chunk);
                    } else {
                        positions.forEach(i -> failed.add(chunk.get(i)));
                    }
                }));
            }
        }
        try {
            Blocking.await(CompletableFuture.allOf(calls.toArray(CompletableFuture[]::new)));
        } catch (RuntimeException e) {
            // Counted per chunk above: a failed call fails its chunk, the others stand.
        }
        return List.copyOf(failed);
    }

    @Override
    public List<String> redriveDeadLetters(QueueAddress queue, int max) {
        String from = Blocking.await(deadLetterUrl(queue));
        String to = Blocking.await(url(queue));
        List<Message> messages = Blocking.await(sqs.receiveMessage(ReceiveMessageRequest.builder()
                .queueUrl(from)
                .maxNumberOfMessages(Math.max(1, Math.min(max, MAX_BATCH)))
                .waitTimeSeconds(0)
                .visibilityTimeout(30)
                .build())).messages();
        if (messages.isEmpty()) {
            return List.of();
        }
        List<SendMessageBatchRequestEntry> batch = new ArrayList<>();
        for (int i = 0; i < messages.size(); i++) {
            batch.add(SendMessageBatchRequestEntry.builder().id(Integer.toString(i))
                    .messageBody(messages.get(i).body()).build());
        }
        var sent = Blocking.await(sqs.sendMessageBatch(b -> b.queueUrl(to).entries(batch)));
        List<DeleteMessageBatchRequestEntry> moved = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        sent.successful().forEach(ok -> {
            Message m = messages.get(Integer.parseInt(ok.id()));
            moved.add(DeleteMessageBatchRequestEntry.builder().id(ok.id()).receiptHandle(m.receiptHandle()).build());
            QueuedMessage body = read(m.body());
            ids.add(body == null ? null : body.messageId());
        });
        // Entries not sent stay in the dead-letter queue and are moved by a later run.
        if (!moved.isEmpty()) {
            Blocking.await(sqs.deleteMessageBatch(b -> b.queueUrl(from).entries(moved)));
        }
        return ids;
    }

    private static int delaySeconds(Duration delay) {
        // Round up, so a message is never visible before its due second.
        long seconds = (delay.toMillis() + 999) / 1000;
        return (int) Math.max(0, Math.min(seconds, MAX_DELAY.toSeconds()));
    }

    private Uni<String> url(QueueAddress queue) {
        return lookUp(urls, queue, queue.name(prefix));
    }

    private Uni<String> deadLetterUrl(QueueAddress queue) {
        return lookUp(deadLetterUrls, queue, queue.deadLetterName(prefix));
    }

    private Uni<String> lookUp(Map<QueueAddress, String> known, QueueAddress queue, String name) {
        String url = known.get(queue);
        if (url != null) {
            return Uni.createFrom().item(url);
        }
        return Uni.createFrom().completionStage(() -> sqs.getQueueUrl(GetQueueUrlRequest.builder()
                        .queueName(name).build()))
                .map(r -> {
                    known.put(queue, r.queueUrl());
                    return r.queueUrl();
                });
    }

    private String write(QueuedMessage message) {
        try {
            return json.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A queue entry always serializes", e);
        }
    }

    /** The entry's body, or null when it is not ours to read; the consumer drops such entries. */
    private QueuedMessage read(String body) {
        try {
            return json.readValue(body, QueuedMessage.class);
        } catch (JsonProcessingException e) {
            LOG.warnf("Unreadable queue entry of %d characters: %s", body.length(), e.getOriginalMessage());
            return null;
        }
    }
}
