package dev.parley.file;

import dev.parley.common.MessageContent;
import dev.parley.error.ApiException;
import dev.parley.message.MessageMedia;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;

/**
 * Media messages' files: binds a message to a stored file of its account when it is accepted (fetching a
 * {@code media.url} once, ADR 0011), records that the message uses it ({@code file_message}, read by
 * {@link MessageFileReferences}), and opens the bytes when the connector sends it.
 */
@ApplicationScoped
public class MessageFiles implements MessageMedia {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(MessageFiles.class);

    private final FileService files;
    private final UrlFetcher fetcher;
    private final FilesConfig config;
    private final Clock clock;

    public MessageFiles(FileService files, UrlFetcher fetcher, FilesConfig config, Clock clock) {
        this.files = files;
        this.fetcher = fetcher;
        this.config = config;
        this.clock = clock;
    }

    @Override
    public Uni<MessageContent.Media> attach(String accountId, String messageId, MessageContent.Media media,
                                            String prefix) {
        // Fetching and the database calls block: off the event loop, back on the caller's context afterwards.
        return FileService.offload(() -> attachNow(accountId, messageId, media, prefix));
    }

    private MessageContent.Media attachNow(String accountId, String messageId, MessageContent.Media media,
                                           String prefix) {
        Instant now = clock.instant();
        FileView file;
        if (media.file() != null) {
            file = liveFile(accountId, media.file(), now, prefix + "media.file");
        } else {
            try {
                file = fetcher.fetch(accountId, media.url(), new FileService.UploadRequest(media.filename(), null,
                        now.plus(config.mediaUrlExpiry()), false, null));
            } catch (ApiException e) {
                throw renamed(e, prefix + "media.url");
            }
        }
        FileService.db(() -> Panache.withTransaction(() -> Panache.getSession().flatMap(s -> s.createNativeQuery(
                        "INSERT INTO file_message (file_id, message_id, created_at) VALUES (:f, :m, :t)"
                                + " ON CONFLICT DO NOTHING")
                .setParameter("f", file.id()).setParameter("m", messageId).setParameter("t", now).executeUpdate())));
        MessageContent.MediaType type = media.type() != null ? media.type()
                : MessageContent.MediaType.valueOf(file.kind().name());
        String filename = media.filename() != null ? media.filename() : file.name();
        return new MessageContent.Media(media.url(), type, media.caption(), filename, file.id());
    }

    private FileView liveFile(String accountId, String id, Instant now, String field) {
        StoredFile file;
        try {
            file = files.find(accountId, id);
        } catch (ApiException e) {
            throw renamed(e, field);
        }
        if (file.expiresAt != null && !file.expiresAt.isAfter(now)) {
            throw new ApiException(404, "not-found", "File " + id + " expired at " + file.expiresAt, field);
        }
        return FileView.of(file);
    }

    @Override
    public InputStream open(String accountId, String fileId) {
        StoredFile file;
        try {
            file = files.find(accountId, fileId);
        } catch (ApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
        try {
            return files.open(file, null);
        } catch (ApiException e) {
            if (e.status() == 404) {
                return null;
            }
            throw e;
        }
    }

    @Override
    public String storeIncoming(String accountId, byte[] bytes, String filename, String reference) {
        try {
            FileService.Staged staged = files.stage(accountId, new java.io.ByteArrayInputStream(bytes), filename, null,
                    "media");
            return files.commit(accountId, staged, new FileService.UploadRequest(filename, null, null, false,
                    reference)).id();
        } catch (ApiException e) {
            if (e.status() >= 500) {
                throw e;
            }
            LOG.warnf("Incoming media of account=%s (%s, %d bytes) not stored: %s", accountId, reference, bytes.length,
                    e.getMessage());
            return null;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The same problem, naming the message's field instead of the files API's. */
    private static ApiException renamed(ApiException e, String field) {
        return new ApiException(e.status(), e.type(), e.getMessage(), field, e.retryAfterSeconds());
    }
}
