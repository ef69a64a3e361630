package dev.parley.queue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.aws.AwsConfig;
import dev.parley.common.Priority;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.model.CreateQueueRequest;
import software.amazon.awssdk.services.sqs.model.GetQueueUrlRequest;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;
import software.amazon.awssdk.services.sqs.model.ReceiveMessageRequest;
import software.amazon.awssdk.services.sqs.model.SendMessageBatchRequestEntry;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link OutboundQueue} on SQS standard queues (ElasticMQ locally). */
@ApplicationScoped
public class SqsOutboundQueue implements OutboundQueue {

    private static final Logger LOG = Logger.getLogger(SqsOutboundQueue.class);
    /** SQS's ceiling for a per-message delay. */
    static final Duration MAX_DELAY = Duration.ofMinutes(15);
    /** SQS's ceiling for a visibility timeout. */
    static final Duration MAX_VISIBILITY = Duration.ofHours(12);

    private final SqsAsyncClient sqs;
    private final ObjectMapper json;
    private final String prefix;
    private final Map<QueueAddress, String> urls = new ConcurrentHashMap<>();

    public SqsOutboundQueue(SqsAsyncClient sqs, ObjectMapper json, AwsConfig config) {
        this.sqs = sqs;
        this.json = json;
        this.prefix = config.queuePrefix();
    }

    @Override
    public void provision(int shards) {
        for (int shard = 0; shard < shards; shard++) {
            for (Priority priority : Priority.values()) {
                QueueAddress address = new QueueAddress(shard, priority);
                String url = sqs.createQueue(CreateQueueRequest.builder()
                        .queueName(address.name(prefix))
                        .attributes(Map.of(QueueAttributeName.VISIBILITY_TIMEOUT, "60"))
                        .build()).join().queueUrl();
                urls.put(address, url);
                LOG.debugf("Queue %s ready at %s", address.name(prefix), url);
            }
        }
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
        if (entries.size() > 10) {
            throw new IllegalArgumentException("SQS takes at most 10 entries per batch, got " + entries.size());
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
        String url = url(queue).await().indefinitely();
        List<Message> messages = sqs.receiveMessage(ReceiveMessageRequest.builder()
                .queueUrl(url)
                .maxNumberOfMessages(Math.min(max, 10))
                .waitTimeSeconds((int) wait.toSeconds())
                .visibilityTimeout((int) Math.min(visibility.toSeconds(), MAX_VISIBILITY.toSeconds()))
                .messageSystemAttributeNames(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT)
                .build()).join().messages();
        List<ReceivedMessage> received = new ArrayList<>(messages.size());
        for (Message m : messages) {
            String count = m.attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT);
            received.add(new ReceivedMessage(queue, read(m.body()), m.receiptHandle(),
                    count == null ? 1 : Integer.parseInt(count)));
        }
        return received;
    }

    @Override
    public void delete(ReceivedMessage message) {
        String url = url(message.queue()).await().indefinitely();
        sqs.deleteMessage(b -> b.queueUrl(url).receiptHandle(message.receipt())).join();
    }

    @Override
    public void retryAfter(ReceivedMessage message, Duration delay) {
        String url = url(message.queue()).await().indefinitely();
        int seconds = (int) Math.max(0, Math.min(delay.toSeconds(), MAX_VISIBILITY.toSeconds()));
        sqs.changeMessageVisibility(b -> b.queueUrl(url).receiptHandle(message.receipt()).visibilityTimeout(seconds))
                .join();
    }

    private static int delaySeconds(Duration delay) {
        // Round up, so a message is never visible before its due second.
        long seconds = (delay.toMillis() + 999) / 1000;
        return (int) Math.max(0, Math.min(seconds, MAX_DELAY.toSeconds()));
    }

    private Uni<String> url(QueueAddress queue) {
        String known = urls.get(queue);
        if (known != null) {
            return Uni.createFrom().item(known);
        }
        return Uni.createFrom().completionStage(() -> sqs.getQueueUrl(GetQueueUrlRequest.builder()
                        .queueName(queue.name(prefix)).build()))
                .map(r -> {
                    urls.put(queue, r.queueUrl());
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
