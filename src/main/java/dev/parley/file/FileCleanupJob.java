package dev.parley.file;

import dev.parley.common.Blocking;
import dev.parley.event.EventOutbox;
import dev.parley.event.EventTypes;
import io.quarkus.hibernate.reactive.panache.Panache;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Instant;
import java.util.List;

/**
 * The {@code file-cleanup} job: deletes expired files (objects and metadata) page by page and emits
 * {@code file:expired} for each, keeping files a {@link FileReferences} says are still needed. Idempotent and
 * safe to run twice at once: each file is removed under its account's lock and only if it is still there and
 * still expired, so a second run skips what the first removed. Blocking; runs on the scheduler's or Lambda's
 * thread.
 */
@ApplicationScoped
public class FileCleanupJob {

    /** The event emitted for each file the job removes. */
    public static final String FILE_EXPIRED = EventTypes.FILE_EXPIRED;

    private static final Logger LOG = Logger.getLogger(FileCleanupJob.class);

    private final FileService files;
    private final FileReferences references;
    private final EventOutbox outbox;
    private final FilesConfig config;
    private final Clock clock;

    public FileCleanupJob(FileService files, FileReferences references, EventOutbox outbox, FilesConfig config,
                          Clock clock) {
        this.files = files;
        this.references = references;
        this.outbox = outbox;
        this.config = config;
        this.clock = clock;
    }

    /** Removes every expired, unreferenced file; answers how many it removed. */
    public int run() {
        Instant now = clock.instant();
        int removed = 0;
        Instant afterExpiry = Instant.EPOCH;
        String afterId = "";
        while (true) {
            Instant fromExpiry = afterExpiry;
            String fromId = afterId;
            List<StoredFile> page = FileService.db(() -> Panache.withSession(() -> Panache.getSession().flatMap(s -> s
                    .createSelectionQuery("from StoredFile where expiresAt < :now and (expiresAt > :e or "
                            + "(expiresAt = :e and id > :i)) order by expiresAt, id", StoredFile.class)
                    .setParameter("now", now).setParameter("e", fromExpiry).setParameter("i", fromId)
                    .setMaxResults(config.cleanup().pageSize()).getResultList())));
            for (StoredFile file : page) {
                if (references.isReferenced(file.accountId, file.id)) {
                    continue;
                }
                Boolean gone = FileService.db(() -> Panache.withTransaction(() -> files.lock(file.accountId)
                        .flatMap(q -> files.remove(file.accountId, file.id, now))));
                if (Boolean.TRUE.equals(gone)) {
                    removed++;
                    Blocking.await(outbox.append(outbox.create(FILE_EXPIRED, file.accountId, null, FileView.of(file))));
                }
            }
            if (page.size() < config.cleanup().pageSize()) {
                break;
            }
            afterExpiry = page.getLast().expiresAt;
            afterId = page.getLast().id;
        }
        if (removed > 0) {
            LOG.infof("Removed %d expired file(s)", removed);
        }
        return removed;
    }
}
