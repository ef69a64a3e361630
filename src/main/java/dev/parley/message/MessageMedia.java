package dev.parley.message;

import dev.parley.common.MessageContent;
import io.smallrye.mutiny.Uni;

import java.io.InputStream;

/**
 * A message's media as a stored file of its account. The file feature implements it (it sits above messages);
 * messages call it when accepting a media message and the connector when sending one (ADR 0011).
 */
public interface MessageMedia {

    /**
     * At accept: the media bound to a stored file of the account, its type and filename filled in from the
     * file. {@code media.file} must name a live file of the account (else 404 naming {@code <prefix>media.file});
     * {@code media.url} is fetched once under the webhooks' SSRF rules and stored with a short expiry (a refusal
     * names {@code <prefix>media.url}). Records that message {@code messageId} uses the file, so the cleanup job
     * keeps it until the message ends.
     */
    Uni<MessageContent.Media> attach(String accountId, String messageId, MessageContent.Media media, String prefix);

    /**
     * At send: the file's bytes, or null when the file was deleted or expired. Blocking; the caller closes the
     * stream. A store failure is an exception (a temporary failure of the send).
     */
    InputStream open(String accountId, String fileId);

    /**
     * At receipt: stores media a device received as a file of the account and answers its id, or null when the
     * file store refuses it (an unknown type, over a size limit or the quota; logged). Blocking; a store failure
     * is an exception, so the caller retries.
     */
    String storeIncoming(String accountId, byte[] bytes, String filename, String reference);
}
