package dev.parley.queue;

import dev.parley.common.Priority;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link OutboundQueue} must do: delayed entries, visibility and its extension, acknowledgement,
 * retry-after, receive counts, batch limits and entries it cannot read. Each implementation's test implements
 * this interface; every test gets queues of its own.
 */
public interface OutboundQueueContract {

    /** Generous for a loaded build machine; never what a test is about. */
    Duration WAIT = Duration.ofSeconds(15);
    Duration POLL = Duration.ofSeconds(1);
    QueueAddress ADDRESS = new QueueAddress(0, Priority.normal);

    /** A queue with fresh, empty, provisioned queues for one shard. */
    OutboundQueue newQueue();

    /** Receives after which the queues of {@link #newQueue()} move an entry to their dead-letter queue. */
    int maxReceives();

    /** Puts a body on the queue that is not a {@link QueuedMessage}, as another writer might. */
    void enqueueUnreadable(OutboundQueue queue, QueueAddress address, String body);

    static QueuedMessage message() {
        return new QueuedMessage(UUID.randomUUID().toString(), "acc", "dev", System.currentTimeMillis());
    }

    /** Receives until an entry shows up, with a short visibility so tests of its return stay short. */
    static ReceivedMessage receiveOne(OutboundQueue queue, Duration visibility) {
        List<ReceivedMessage> got = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            got.addAll(queue.receive(ADDRESS, 1, POLL, visibility));
            return !got.isEmpty();
        });
        return got.getFirst();
    }

    /** Holds while nothing is handed out for {@code quiet}. */
    static void nothingFor(OutboundQueue queue, Duration quiet) {
        await().during(quiet).atMost(quiet.plus(WAIT))
                .until(() -> queue.receive(ADDRESS, OutboundQueue.MAX_BATCH, Duration.ZERO, Duration.ofSeconds(30))
                        .isEmpty());
    }

    @Test
    default void an_entry_is_received_with_its_body_and_a_receive_count_of_one() {
        OutboundQueue queue = newQueue();
        QueuedMessage message = message();
        queue.enqueue(ADDRESS, message, Duration.ZERO).await().atMost(WAIT);

        ReceivedMessage received = receiveOne(queue, Duration.ofSeconds(30));

        assertThat(received.message()).isEqualTo(message);
        assertThat(received.queue()).isEqualTo(ADDRESS);
        assertThat(received.receiveCount()).isEqualTo(1);
        assertThat(received.receipt()).isNotBlank();
    }

    @Test
    default void an_empty_queue_answers_nothing_after_the_wait() {
        assertThat(newQueue().receive(ADDRESS, 10, Duration.ofSeconds(1), Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    default void an_entry_with_a_delay_stays_invisible_until_the_delay_has_passed() {
        OutboundQueue queue = newQueue();
        queue.enqueue(ADDRESS, message(), Duration.ofSeconds(3)).await().atMost(WAIT);

        nothingFor(queue, Duration.ofSeconds(1));

        assertThat(receiveOne(queue, Duration.ofSeconds(30)).receiveCount()).isEqualTo(1);
    }

    @Test
    default void a_received_entry_is_hidden_for_its_visibility_then_handed_out_again_with_a_higher_count() {
        OutboundQueue queue = newQueue();
        queue.enqueue(ADDRESS, message(), Duration.ZERO).await().atMost(WAIT);
        ReceivedMessage first = receiveOne(queue, Duration.ofSeconds(2));

        nothingFor(queue, Duration.ofMillis(800));

        ReceivedMessage again = receiveOne(queue, Duration.ofSeconds(30));
        assertThat(again.message()).isEqualTo(first.message());
        assertThat(again.receiveCount()).isEqualTo(2);
    }

    @Test
    default void extending_the_visibility_keeps_an_entry_hidden_longer() {
        OutboundQueue queue = newQueue();
        queue.enqueue(ADDRESS, message(), Duration.ZERO).await().atMost(WAIT);
        ReceivedMessage received = receiveOne(queue, Duration.ofSeconds(1));

        queue.extendVisibility(received, Duration.ofSeconds(30));

        nothingFor(queue, Duration.ofSeconds(3));
    }

    @Test
    default void extending_many_at_once_keeps_them_hidden_and_names_those_whose_receipt_went_stale() {
        OutboundQueue queue = newQueue();
        List<OutboundQueue.Pending> batch = new ArrayList<>();
        for (int i = 0; i < OutboundQueue.MAX_BATCH; i++) {
            batch.add(new OutboundQueue.Pending(message(), Duration.ZERO));
        }
        queue.enqueueBatch(ADDRESS, batch).await().atMost(WAIT);
        List<ReceivedMessage> received = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            received.addAll(queue.receive(ADDRESS, OutboundQueue.MAX_BATCH, POLL, Duration.ofSeconds(2)));
            return received.size() >= 10;
        });
        // Lapsed and handed out again, the first one's receipt is stale; the other nine are renewed together.
        ReceivedMessage stale = received.getFirst();
        queue.retryAfter(stale, Duration.ZERO);
        ReceivedMessage again = receiveOne(queue, Duration.ofSeconds(30));
        assertThat(again.message()).isEqualTo(stale.message());

        List<ReceivedMessage> lost = queue.extendVisibility(received, Duration.ofSeconds(30));

        assertThat(lost).containsExactly(stale);
        nothingFor(queue, Duration.ofSeconds(3));
    }

    @Test
    default void a_deleted_entry_never_comes_back() {
        OutboundQueue queue = newQueue();
        queue.enqueue(ADDRESS, message(), Duration.ZERO).await().atMost(WAIT);
        ReceivedMessage received = receiveOne(queue, Duration.ofSeconds(1));

        queue.delete(received);

        nothingFor(queue, Duration.ofSeconds(3));
    }

    @Test
    default void entries_of_several_queues_deleted_together_never_come_back() {
        OutboundQueue queue = newQueue();
        QueueAddress urgent = new QueueAddress(0, Priority.urgent);
        List<OutboundQueue.Pending> batch = new ArrayList<>();
        for (int i = 0; i < OutboundQueue.MAX_BATCH; i++) {
            batch.add(new OutboundQueue.Pending(message(), Duration.ZERO));
        }
        queue.enqueueBatch(ADDRESS, batch).await().atMost(WAIT);
        queue.enqueueBatch(ADDRESS, batch.subList(0, 2).stream()
                .map(p -> new OutboundQueue.Pending(message(), Duration.ZERO)).toList()).await().atMost(WAIT);
        queue.enqueue(urgent, message(), Duration.ZERO).await().atMost(WAIT);
        List<ReceivedMessage> received = new ArrayList<>();
        await().atMost(WAIT).until(() -> {
            received.addAll(queue.receive(ADDRESS, OutboundQueue.MAX_BATCH, POLL, Duration.ofSeconds(30)));
            received.addAll(queue.receive(urgent, 1, Duration.ZERO, Duration.ofSeconds(30)));
            return received.size() >= 13;
        });

        // Twelve of one queue take two calls; the urgent one a third. Visible again at once, unless deleted.
        assertThat(queue.delete(received)).isEmpty();
        received.forEach(entry -> {
            try {
                queue.retryAfter(entry, Duration.ZERO);
            } catch (RuntimeException gone) {
                // a deleted entry's receipt may be refused
            }
        });

        nothingFor(queue, Duration.ofSeconds(3));
        assertThat(queue.receive(urgent, 1, Duration.ZERO, Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    default void retry_after_zero_hands_an_entry_out_at_once_and_retry_after_a_delay_hides_it_that_long() {
        OutboundQueue queue = newQueue();
        QueuedMessage message = message();
        queue.enqueue(ADDRESS, message, Duration.ZERO).await().atMost(WAIT);
        ReceivedMessage first = receiveOne(queue, Duration.ofSeconds(30));

        queue.retryAfter(first, Duration.ZERO);
        ReceivedMessage second = receiveOne(queue, Duration.ofSeconds(30));
        assertThat(second.message()).isEqualTo(message);
        assertThat(second.receiveCount()).isEqualTo(2);

        queue.retryAfter(second, Duration.ofSeconds(3));
        nothingFor(queue, Duration.ofSeconds(1));
        assertThat(receiveOne(queue, Duration.ofSeconds(30)).receiveCount()).isEqualTo(3);
    }

    @Test
    default void a_batch_of_ten_is_accepted_and_entries_are_received_at_most_ten_at_a_time() {
        OutboundQueue queue = newQueue();
        Set<String> sent = new HashSet<>();
        for (int batch = 0; batch < 2; batch++) {
            List<OutboundQueue.Pending> entries = new ArrayList<>();
            for (int i = 0; i < OutboundQueue.MAX_BATCH; i++) {
                QueuedMessage m = message();
                sent.add(m.messageId());
                entries.add(new OutboundQueue.Pending(m, Duration.ZERO));
            }
            assertThat(queue.enqueueBatch(ADDRESS, entries).await().atMost(WAIT)).isEmpty();
        }

        Set<String> received = new HashSet<>();
        await().atMost(WAIT).until(() -> {
            List<ReceivedMessage> got = queue.receive(ADDRESS, 50, POLL, Duration.ofSeconds(30));
            assertThat(got.size()).isLessThanOrEqualTo(OutboundQueue.MAX_BATCH);
            got.forEach(r -> received.add(r.message().messageId()));
            return received.size() == sent.size();
        });
        assertThat(received).isEqualTo(sent);
    }

    @Test
    default void a_batch_of_more_than_ten_is_refused() {
        List<OutboundQueue.Pending> entries = new ArrayList<>();
        for (int i = 0; i <= OutboundQueue.MAX_BATCH; i++) {
            entries.add(new OutboundQueue.Pending(message(), Duration.ZERO));
        }
        assertThatThrownBy(() -> newQueue().enqueueBatch(ADDRESS, entries).await().atMost(WAIT))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    default void an_unreadable_entry_is_received_without_a_message_and_can_be_deleted() {
        OutboundQueue queue = newQueue();
        enqueueUnreadable(queue, ADDRESS, "{not json");

        ReceivedMessage received = receiveOne(queue, Duration.ofSeconds(1));
        assertThat(received.message()).isNull();
        queue.delete(received);

        nothingFor(queue, Duration.ofSeconds(2));
    }

    @Test
    default void an_entry_received_too_often_moves_to_the_dead_letters_and_a_redrive_brings_it_back_afresh() {
        OutboundQueue queue = newQueue();
        QueuedMessage message = message();
        queue.enqueue(ADDRESS, message, Duration.ZERO).await().atMost(WAIT);
        for (int receive = 1; receive <= maxReceives(); receive++) {
            ReceivedMessage entry = receiveOne(queue, Duration.ofSeconds(30));
            assertThat(entry.receiveCount()).isEqualTo(receive);
            queue.retryAfter(entry, Duration.ZERO);
        }
        nothingFor(queue, Duration.ofSeconds(1));

        assertThat(queue.redriveDeadLetters(ADDRESS, OutboundQueue.MAX_BATCH)).containsExactly(message.messageId());

        ReceivedMessage back = receiveOne(queue, Duration.ofSeconds(30));
        assertThat(back.message()).isEqualTo(message);
        assertThat(back.receiveCount()).isEqualTo(1);
        assertThat(queue.redriveDeadLetters(ADDRESS, OutboundQueue.MAX_BATCH)).isEmpty();
    }
}
