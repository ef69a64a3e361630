package dev.parley.connector;

import dev.parley.common.Priority;
import dev.parley.message.MessageStore;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.QueueAddress;
import dev.parley.queue.QueuedMessage;
import dev.parley.queue.ReceivedMessage;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which devices the held sweep reads and which new lanes read the held index before sending: a device leaves the
 * sweep only when a release read its index to the end after every hold for it had landed and settled, so a held
 * message is never left unseen (and never overtaken by a fresh one) because a release raced its hold.
 */
class HeldMarksTest {

    private static final Duration SETTLE = Duration.ofMillis(200);

    /** A store whose held index is empty and whose holds land when {@link #land} is completed. */
    private static final class Store extends MessageStore {
        final CompletableFuture<Boolean> land = new CompletableFuture<>();
        final CountDownLatch holding = new CountDownLatch(1);

        Store() {
            super(null, null, null);
        }

        @Override
        public Uni<List<String>> heldFor(String deviceId, int limit) {
            return Uni.createFrom().item(List.of());
        }

        @Override
        public Uni<Boolean> hold(String id, String deviceId, Priority priority) {
            holding.countDown();
            return Uni.createFrom().completionStage(land);
        }
    }

    private final Store store = new Store();
    private final HeldMessages held = held(SETTLE);

    @Test
    void a_device_never_marked_may_hold_messages_and_one_taken_on_leaves_the_sweep_once_a_release_finds_none() {
        assertThat(held.mayHaveHeld("d1")).as("unknown to this process: a previous owner may have held").isTrue();

        held.mayHold("d1");
        assertThat(held.mayHoldFor(List.of("d1"), 10)).containsExactly("d1");
        held.release("d1");

        assertThat(held.mayHaveHeld("d1")).isFalse();
        assertThat(held.mayHoldFor(List.of("d1"), 10)).isEmpty();
    }

    @Test
    void a_release_that_reads_the_index_while_a_hold_is_landing_leaves_the_device_in_the_sweep() throws Exception {
        Thread holder = Thread.ofVirtual().start(() -> held.hold(entry("d1")));
        assertThat(store.holding.await(5, TimeUnit.SECONDS)).isTrue();
        Thread.sleep(SETTLE.toMillis() * 2); // a slow write: the mark its start left has settled

        held.release("d1"); // reads an index that does not show the hold yet
        assertThat(held.mayHaveHeld("d1")).as("nothing held when it looked").isFalse();
        store.land.complete(true);
        holder.join();

        assertThat(held.mayHaveHeld("d1")).isTrue();
        assertThat(held.mayHoldFor(List.of("d1"), 10)).containsExactly("d1");
    }

    @Test
    void a_release_right_after_a_hold_landed_keeps_the_device_until_the_index_has_settled() throws Exception {
        store.land.complete(true);
        // A minute to settle, so that a stalled test thread cannot let it settle before the release looks.
        HeldMessages slowIndex = held(Duration.ofMinutes(1));
        slowIndex.hold(entry("d1"));
        slowIndex.release("d1");
        assertThat(slowIndex.mayHaveHeld("d1")).as("the index may not show the hold yet").isTrue();

        held.hold(entry("d1"));
        Thread.sleep(SETTLE.toMillis() * 2);
        held.mayHoldFor(List.of("d1"), 10); // a sweep choosing it keeps the time of its last hold
        held.release("d1");
        assertThat(held.mayHaveHeld("d1")).isFalse();
    }

    @Test
    void overflow_waiting_for_a_holding_slot_already_counts_as_held() {
        held.mayHold("d1");
        held.release("d1");
        assertThat(held.mayHaveHeld("d1")).isFalse();

        new OverflowHolder(held, 1).hold(entry("d1"), landed -> { });

        assertThat(held.mayHaveHeld("d1")).as("a lane started now reads the index first").isTrue();
        store.land.complete(true);
    }

    @Test
    void a_device_given_up_and_taken_on_again_may_hold_messages_again() {
        held.mayHold("d1");
        held.release("d1");
        assertThat(held.mayHaveHeld("d1")).isFalse();

        held.forget("d1"); // another connector may hold for it now

        assertThat(held.mayHaveHeld("d1")).isTrue();
    }

    private static ReceivedMessage entry(String deviceId) {
        return new ReceivedMessage(new QueueAddress(0, Priority.normal),
                new QueuedMessage("m-" + System.nanoTime(), "a1", deviceId, 1, false), "r", 1, System.nanoTime());
    }

    private HeldMessages held(Duration settle) {
        return new HeldMessages(store, null, stub(OutboundQueue.class), config(settle), Clock.systemUTC());
    }

    private static ConnectorConfig config(Duration settle) {
        return (ConnectorConfig) Proxy.newProxyInstance(ConnectorConfig.class.getClassLoader(),
                new Class<?>[] {ConnectorConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "heldIndexSettle" -> settle;
                    case "offlineRecheck" -> Duration.ofSeconds(10);
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    /** An implementation whose void calls do nothing (the queue's delete of a held entry). */
    private static <T> T stub(Class<T> type) {
        return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
                (proxy, method, args) -> {
                    if (method.getReturnType() == void.class) {
                        return null;
                    }
                    throw new UnsupportedOperationException(method.getName());
                }));
    }
}
