package dev.parley.message;

import dev.parley.common.MessageContent;

import dev.parley.common.Priority;

import java.time.Instant;

/**
 * A send request that passed validation of its own fields; the device, its plan and the account's
 * limits are checked next, by {@link MessageService}.
 */
public record MessageDraft(
        String phone,
        String group,
        MessageContent content,
        String device,
        String reference,
        String quote,
        Priority priority,
        Instant deliverAt,
        Instant expiresAt,
        int retries) {
}
