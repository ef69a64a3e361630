package dev.parley.message;

import org.junit.jupiter.api.Test;

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
}
