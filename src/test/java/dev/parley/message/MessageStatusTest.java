package dev.parley.message;

import dev.parley.event.EventTypes;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class MessageStatusTest {

    @Test
    void status_only_moves_forward() {
        assertThat(MessageStatus.sent.predecessors()).containsExactly(MessageStatus.processing);
        assertThat(MessageStatus.delivered.predecessors()).containsExactly(MessageStatus.sent);
        assertThat(MessageStatus.queued.predecessors()).doesNotContain(MessageStatus.sent, MessageStatus.delivered);
        for (MessageStatus status : MessageStatus.values()) {
            if (status.isFinal()) {
                assertThat(MessageStatus.processing.predecessors()).doesNotContain(status);
                assertThat(MessageStatus.failed.predecessors()).doesNotContain(status);
            }
        }
    }

    @Test
    void only_a_re_claim_an_expiry_or_a_removal_may_cut_into_a_claim_and_only_once_it_lapsed() {
        assertThat(MessageStatus.processing.predecessors()).containsExactlyInAnyOrder(MessageStatus.queued,
                MessageStatus.processing);
        assertThat(MessageStatus.expired.predecessors()).contains(MessageStatus.processing);
        assertThat(MessageStatus.removed.predecessors()).contains(MessageStatus.processing);
        for (MessageStatus status : MessageStatus.values()) {
            assertThat(status.overridesClaim()).as(status.name())
                    .isEqualTo(status == MessageStatus.processing || status == MessageStatus.expired
                            || status == MessageStatus.removed);
        }
        assertThat(DynamoMessageUpdates.eventType(Set.of(MessageStatus.processing), MessageStatus.processing))
                .as("a re-claim is a retry").isEqualTo(EventTypes.MESSAGE_OUT_RETRY);
        assertThat(DynamoMessageUpdates.eventType(Set.of(MessageStatus.queued), MessageStatus.processing))
                .as("a first claim is internal").isNull();
    }
}
