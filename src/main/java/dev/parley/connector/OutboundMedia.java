package dev.parley.connector;

import dev.parley.common.Blocking;
import dev.parley.common.MessageContent;
import dev.parley.device.DevicePurchases;
import dev.parley.driver.OutboundMessage;
import dev.parley.driver.SendResult;
import dev.parley.inbound.InboundStore;
import dev.parley.message.MessageMedia;
import dev.parley.message.MessageRecord;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.function.Function;

/**
 * Hands a claimed message to the driver, a media message with its stored file copied to a temporary local file
 * (engines send from storage, never from a URL; the Baileys sidecar reads a path). A file deleted or expired
 * before sending fails the message permanently; a store failure is a temporary failure. Sent media messages
 * count as {@code media} in the device's usage; with billing on every sent message counts as {@code sent} too (its
 * overage is charged), in the same write.
 */
@ApplicationScoped
public class OutboundMedia {

    /** The failure reason of a media message whose file is gone. */
    public static final String FILE_GONE = "file deleted or expired before sending";

    private static final Logger LOG = Logger.getLogger(OutboundMedia.class);

    private final MessageMedia media;
    private final InboundStore usage;
    private final Clock clock;
    /** Billing on: sends are counted for overage (off, the default, keeps one store write per send fewer). */
    private final boolean countSends;

    public OutboundMedia(MessageMedia media, InboundStore usage, Clock clock, DevicePurchases purchases) {
        this.media = media;
        this.usage = usage;
        this.clock = clock;
        this.countSends = purchases.required();
    }

    /** Sends {@code record} through {@code driver}, with its media file in place when it has one. */
    public SendResult send(MessageRecord record, Function<OutboundMessage, SendResult> driver) {
        MessageContent content = record.content();
        MessageContent.Media m = content.media();
        if (m == null || m.file() == null) {
            SendResult result = driver.apply(message(record, content));
            if (countSends && result instanceof SendResult.Sent) {
                count(record, false);
            }
            return result;
        }
        Path local;
        try (InputStream bytes = media.open(record.accountId(), m.file())) {
            if (bytes == null) {
                return new SendResult.PermanentFailure(FILE_GONE);
            }
            local = Files.createTempFile("parley-media-", ".bin");
            Files.copy(bytes, local, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("Could not read file=%s of message=%s: %s", m.file(), record.id(), e.toString());
            return new SendResult.TemporaryFailure("the file store is unavailable");
        }
        try {
            SendResult result = driver.apply(message(record, new MessageContent(content.kind(), content.text(),
                    content.link(), m.at(local.toUri().toString()), content.location())));
            if (result instanceof SendResult.Sent) {
                count(record, true);
            }
            return result;
        } finally {
            try {
                Files.deleteIfExists(local);
            } catch (IOException e) {
                LOG.warnf("Could not delete the local copy %s of message=%s: %s", local, record.id(), e.toString());
            }
        }
    }

    /**
     * The bytes of a stored file of the account for a device command (a profile picture), at most {@code maxBytes};
     * null when the file is gone or is larger. Blocking; a store failure is an exception.
     */
    byte[] read(String accountId, String fileId, int maxBytes) {
        try (InputStream bytes = media.open(accountId, fileId)) {
            if (bytes == null) {
                return null;
            }
            byte[] read = bytes.readNBytes(maxBytes + 1);
            return read.length > maxBytes ? null : read;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void count(MessageRecord record, boolean isMedia) {
        try {
            Blocking.await(countSends ? usage.countSent(record.deviceId(), clock.instant(), isMedia)
                    : usage.countMedia(record.deviceId(), clock.instant()));
        } catch (RuntimeException e) {
            // Usage is a report, not a gate: the send stands.
            LOG.warnf("Could not count message=%s device=%s: %s", record.id(), record.deviceId(), e.toString());
        }
    }

    private static OutboundMessage message(MessageRecord record, MessageContent content) {
        return new OutboundMessage(record.id(), record.recipient(), content, record.quotedWaId());
    }
}
