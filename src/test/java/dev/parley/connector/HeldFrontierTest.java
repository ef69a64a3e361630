package dev.parley.connector;

import dev.parley.common.Priority;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The bookkeeping that keeps a lane's sends in order across holds and releases, without the lane around it. */
class HeldFrontierTest {

    private static final long NOW = 1_000_000_000L;
    private static final long LAPSE = Duration.ofSeconds(10).toNanos();

    private final HeldFrontier frontier = new HeldFrontier(Duration.ofSeconds(10));

    private static SendRank rank(Priority priority, long created, String id) {
        return new SendRank(priority, created, id);
    }

    private static HeldMessages.Release release(boolean drained, SendRank... queued) {
        return new HeldMessages.Release(List.of(queued), drained);
    }

    @Test
    void a_new_lane_knows_nothing_until_a_release_has_read_the_held_index() {
        assertThat(frontier.known()).isFalse();
        assertThat(frontier.wantsRelease()).isTrue();
        assertThat(frontier.mustHold(rank(Priority.low, 9, "z"))).as("nothing is held before it is known").isFalse();

        frontier.released(release(true), frontier.releasing());

        assertThat(frontier.known()).isTrue();
        assertThat(frontier.wantsRelease()).isFalse();
    }

    @Test
    void an_arrival_ranking_after_a_held_message_is_held_and_a_better_one_is_let_in() {
        frontier.released(release(true), frontier.releasing());
        frontier.holding(List.of(rank(Priority.normal, 5, "m")));

        assertThat(frontier.mustHold(rank(Priority.normal, 6, "a"))).isTrue();
        assertThat(frontier.mustHold(rank(Priority.normal, 5, "n"))).as("same time, later id").isTrue();
        assertThat(frontier.mustHold(rank(Priority.normal, 5, "a"))).isFalse();
        assertThat(frontier.mustHold(rank(Priority.high, 99, "z"))).as("a higher priority").isFalse();
        assertThat(frontier.wantsRelease()).isTrue();
    }

    @Test
    void a_release_that_did_not_drain_the_index_moves_the_bound_to_the_last_message_it_queued() {
        frontier.released(release(true), frontier.releasing());
        frontier.holding(List.of(rank(Priority.normal, 1, "a")));
        SendRank last = rank(Priority.normal, 3, "c");

        frontier.released(release(false, rank(Priority.normal, 1, "a"), rank(Priority.normal, 2, "b"), last),
                frontier.releasing());

        assertThat(frontier.mustHold(rank(Priority.normal, 3, "b"))).isFalse();
        assertThat(frontier.mustHold(rank(Priority.normal, 4, "a"))).isTrue();
    }

    @Test
    void a_hold_made_while_a_release_ran_keeps_the_bound_where_the_hold_put_it() {
        frontier.released(release(true), frontier.releasing());
        int token = frontier.releasing();
        frontier.holding(List.of(rank(Priority.normal, 2, "b")));

        frontier.released(release(true, rank(Priority.normal, 1, "a")), token);

        assertThat(frontier.mustHold(rank(Priority.normal, 3, "c"))).as("the message held meanwhile").isTrue();
        assertThat(frontier.wantsRelease()).isTrue();

        frontier.released(release(true, rank(Priority.normal, 2, "b")), frontier.releasing());
        assertThat(frontier.mustHold(rank(Priority.low, 3, "c"))).isFalse();
    }

    @Test
    void holds_during_a_first_release_still_make_the_held_index_known() {
        int token = frontier.releasing();
        frontier.holding(List.of(rank(Priority.normal, 9, "z")));

        frontier.released(release(false, rank(Priority.urgent, 1, "a")), token);

        assertThat(frontier.known()).isTrue();
        assertThat(frontier.mustHold(rank(Priority.urgent, 2, "b"))).as("after the last one queued").isTrue();
        assertThat(frontier.mustHold(rank(Priority.urgent, 1, "0"))).isFalse();
    }

    @Test
    void nothing_ranking_after_a_message_on_its_way_back_is_sent_until_it_arrives_or_lapses() {
        frontier.expect(rank(Priority.high, 1, "a"), NOW);
        frontier.released(release(false, rank(Priority.high, 1, "a")), frontier.releasing());
        frontier.expect(rank(Priority.normal, 1, "b"), NOW);

        assertThat(frontier.awaitsReturn(rank(Priority.normal, 0, "x"), NOW)).as("behind the released one").isTrue();
        assertThat(frontier.awaitsReturn(rank(Priority.urgent, 0, "x"), NOW)).isFalse();
        assertThat(frontier.arrived("a")).isTrue();
        assertThat(frontier.arrived("a")).as("only once").isFalse();
        assertThat(frontier.awaitsReturn(rank(Priority.normal, 2, "x"), NOW)).as("behind the lapsed one").isTrue();
        assertThat(frontier.awaitsReturn(rank(Priority.normal, 2, "x"), NOW + LAPSE + 1)).as("given up").isFalse();
        assertThat(frontier.inFlight(NOW + LAPSE + 1)).isZero();
    }

    @Test
    void a_release_that_failed_holds_back_what_ranks_after_its_floor_until_one_reads_the_index_again() {
        frontier.released(release(true), frontier.releasing());
        SendRank reheld = rank(Priority.normal, 2, "b");
        frontier.expect(rank(Priority.normal, 1, "a"), NOW);
        frontier.expect(reheld, NOW);
        frontier.expect(rank(Priority.normal, 3, "c"), NOW);

        // "b" could not be queued and went back into the index; "a" and "c" went out beside it.
        frontier.released(new HeldMessages.Release(List.of(rank(Priority.normal, 1, "a"), rank(Priority.normal, 3,
                "c")), false, true, reheld, List.of(reheld)), frontier.releasing());

        assertThat(frontier.mustHold(rank(Priority.normal, 3, "c"))).as("c waits for b").isTrue();
        assertThat(frontier.mustHold(rank(Priority.normal, 1, "a"))).isFalse();
        assertThat(frontier.wantsRelease()).isTrue();
        assertThat(frontier.inFlight(NOW)).as("b will not arrive; a and c will").isEqualTo(2);

        // The next release queues b and finds nothing else: c may go.
        int token = frontier.releasing();
        frontier.holding(List.of(rank(Priority.low, 9, "z"))); // a hold while it runs: the bound is that hold's
        frontier.released(release(true, reheld), token);
        assertThat(frontier.mustHold(rank(Priority.normal, 3, "c"))).isFalse();
        assertThat(frontier.mustHold(rank(Priority.low, 10, "z"))).isTrue();
    }

    @Test
    void a_release_that_failed_before_queuing_anything_holds_everything_back() {
        frontier.released(release(true), frontier.releasing());

        frontier.released(new HeldMessages.Release(List.of(), false, true, null, List.of()), frontier.releasing());

        assertThat(frontier.mustHold(rank(Priority.urgent, 0, "0"))).as("even the best").isTrue();
        frontier.released(release(true, rank(Priority.normal, 1, "a")), frontier.releasing());
        assertThat(frontier.mustHold(rank(Priority.urgent, 0, "0"))).isFalse();
    }
}
