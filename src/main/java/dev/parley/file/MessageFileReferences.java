package dev.parley.file;

import dev.parley.common.Blocking;
import dev.parley.message.MessageRecord;
import dev.parley.message.MessageStore;
import io.quarkus.hibernate.reactive.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The {@link FileReferences} of production: a file is referenced while a message recorded in
 * {@code file_message} (by {@link MessageFiles}) has not ended (scheduled, queued or being sent). Rows of
 * ended messages are pruned as they are met. Blocking; called by the cleanup job.
 */
@ApplicationScoped
public class MessageFileReferences implements FileReferences {

    /**
     * A row is written before its message's record, so a row without a record is a message being accepted
     * for this long; after it, the accept failed and the row is stale.
     */
    static final Duration ACCEPT_WINDOW = Duration.ofMinutes(10);

    private final MessageStore messages;
    private final Clock clock;

    public MessageFileReferences(MessageStore messages, Clock clock) {
        this.messages = messages;
        this.clock = clock;
    }

    @Override
    public boolean isReferenced(String accountId, String fileId) {
        List<Object[]> rows = FileService.db(() -> Panache.withSession(() -> Panache.getSession().flatMap(s -> s
                .createNativeQuery("SELECT message_id, created_at FROM file_message WHERE file_id = :f", Object[].class)
                .setParameter("f", fileId).getResultList())));
        Instant now = clock.instant();
        for (Object[] row : rows) {
            String messageId = (String) row[0];
            MessageRecord message = Blocking.await(messages.get(messageId));
            boolean accepting = message == null && instant(row[1]).isAfter(now.minus(ACCEPT_WINDOW));
            if (accepting || (message != null && message.accountId().equals(accountId) && !message.status().isFinal())) {
                return true;
            }
            FileService.db(() -> Panache.withTransaction(() -> Panache.getSession().flatMap(s -> s.createNativeQuery(
                            "DELETE FROM file_message WHERE file_id = :f AND message_id = :m")
                    .setParameter("f", fileId).setParameter("m", messageId).executeUpdate())));
        }
        return false;
    }

    private static Instant instant(Object value) {
        return switch (value) {
            case Instant i -> i;
            case java.time.OffsetDateTime o -> o.toInstant();
            case java.sql.Timestamp t -> t.toInstant();
            default -> Instant.parse(value.toString());
        };
    }
}
