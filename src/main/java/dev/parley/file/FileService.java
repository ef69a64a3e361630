package dev.parley.file;

import dev.parley.common.Blocking;
import dev.parley.common.Ids;
import dev.parley.common.QueryParams;
import dev.parley.error.ApiException;
import dev.parley.file.store.FileStore;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import org.hibernate.reactive.mutiny.Mutiny;
import org.jboss.logging.Logger;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Files of an account: staging uploads into the store while hashing them, committing them against the quota
 * with content stored once per account, listing, reading and deleting. Blocking; call from worker threads.
 *
 * <p>Every change to an account's files first locks its {@code file_quota} row, so uploads, deletes and the
 * cleanup job of one account run one at a time, and store copies and deletes of content objects happen while
 * that lock is held: a content object exists exactly while a blob row names it (see ADR 0007).
 */
@ApplicationScoped
public class FileService {

    private static final Logger LOG = Logger.getLogger(FileService.class);

    private final FileStore store;
    private final FilesConfig config;
    private final Clock clock;

    public FileService(FileStore store, FilesConfig config, Clock clock) {
        this.store = store;
        this.config = config;
        this.clock = clock;
    }

    /** What an upload says about its file besides the bytes. */
    public record UploadRequest(String name, String declaredType, Instant expiresAt, boolean neverExpires,
                                String reference) {
    }

    /** Bytes streamed into a temporary object, hashed and typed, awaiting {@link #commit}. */
    public record Staged(String tempKey, long size, String sha256, FileTypes.Detected type) {
    }

    // ------------------------------------------------------------------------------------------- uploads

    /**
     * Refuses an upload whose declared length is too large for any file, for its declared type, or for the
     * account's free space, before any byte is read. {@code length} is -1 when not declared.
     */
    public void checkDeclaredLength(String accountId, long length, String declaredType, String field) {
        if (length < 0) {
            return;
        }
        long largest = FileKind.largestLimit(config.limits());
        if (length > largest) {
            throw tooLarge("The body is " + length + " bytes; no file may exceed " + largest + " bytes", field);
        }
        FileKind declaredKind = FileTypes.kindOfDeclared(declaredType);
        if (declaredKind != null) {
            checkKindLimit(declaredKind, length, field);
        }
        FileUsage usage = usage(accountId);
        if (length > usage.freeBytes()) {
            throw quotaExceeded(usage, length);
        }
    }

    /**
     * Streams {@code body} into a temporary object, detecting the type from its first bytes and refusing it
     * (413) as soon as it passes its kind's limit. Nothing is left in the store when this fails.
     */
    public Staged stage(String accountId, InputStream body, String name, String declaredType, String field)
            throws IOException {
        LimitedInputStream limited = new LimitedInputStream(body, FileKind.largestLimit(config.limits()), field);
        byte[] prefix = limited.readNBytes(FileTypes.PREFIX_BYTES);
        if (prefix.length == 0) {
            throw ApiException.invalid(field, field + " is empty");
        }
        FileTypes.Detected type = FileTypes.detect(prefix, prefix.length, name, declaredType, field);
        long limit = type.kind().limit(config.limits());
        limited.limit(limit, type.kind() + " files may be at most " + limit + " bytes");
        FileUsage usage = usage(accountId);
        if (prefix.length > usage.freeBytes()) {
            throw quotaExceeded(usage, prefix.length);
        }
        MessageDigest sha = sha256();
        InputStream content = new DigestInputStream(new SequenceInputStream(new ByteArrayInputStream(prefix), limited), sha);
        String tempKey = "tmp/" + accountId + "/" + UUID.randomUUID();
        long size = store.put(tempKey, content, type.mimeType());
        return new Staged(tempKey, size, HexFormat.of().formatHex(sha.digest()), type);
    }

    /** Drops a staged upload that will not be committed. */
    public void discard(Staged staged) {
        deleteQuietly(staged.tempKey());
    }

    /**
     * Records a staged upload as a file of the account: content already stored for the account is shared,
     * new content must fit the quota (413 stating used and free bytes). The temporary object is gone afterwards
     * whatever happens.
     */
    public FileView commit(String accountId, Staged staged, UploadRequest request) {
        Instant now = clock.instant();
        String name = name(request.name(), staged.type());
        Instant expiresAt = expiry(request, now);
        String reference = reference(request.reference());
        String contentKey = StoredFile.contentKey(accountId, staged.sha256());
        try {
            StoredFile file = db(() -> Panache.withTransaction(() -> lock(accountId)
                    .flatMap(quota -> session().flatMap(s -> s.createNativeQuery(
                                    "UPDATE file_blob SET refs = refs + 1 WHERE account_id = :a AND sha256 = :h")
                            .setParameter("a", accountId).setParameter("h", staged.sha256()).executeUpdate())
                            .flatMap(updated -> updated > 0 ? Uni.createFrom().voidItem()
                                    : storeNewContent(accountId, staged, quota, contentKey, now)))
                    .flatMap(ignored -> {
                        StoredFile f = new StoredFile();
                        f.id = Ids.newId(now);
                        f.accountId = accountId;
                        f.name = name;
                        f.size = staged.size();
                        f.mimeType = staged.type().mimeType();
                        f.sha256 = staged.sha256();
                        f.kind = staged.type().kind();
                        f.expiresAt = expiresAt;
                        f.reference = reference;
                        f.createdAt = now;
                        return Panache.getSession().flatMap(s -> s.persist(f)).replaceWith(f);
                    })));
            return FileView.of(file);
        } catch (RuntimeException e) {
            removeUnreferencedContent(accountId, staged.sha256());
            throw e;
        } finally {
            deleteQuietly(staged.tempKey());
        }
    }

    private Uni<Void> storeNewContent(String accountId, Staged staged, Quota quota, String contentKey, Instant now) {
        if (quota.used() + staged.size() > quota.limit()) {
            FileUsage usage = new FileUsage(quota.used(), quota.limit(), Math.max(0, quota.limit() - quota.used()), -1);
            return Uni.createFrom().failure(quotaExceeded(usage, staged.size()));
        }
        return offload(() -> {
            store.copy(staged.tempKey(), contentKey);
            return null;
        }).flatMap(ignored -> session().flatMap(s -> s.createNativeQuery(
                        "INSERT INTO file_blob (account_id, sha256, size, refs, created_at) VALUES (:a, :h, :s, 1, :t)")
                .setParameter("a", accountId).setParameter("h", staged.sha256()).setParameter("s", staged.size())
                .setParameter("t", now).executeUpdate()))
                .flatMap(ignored -> session().flatMap(s -> s.createNativeQuery(
                                "UPDATE file_quota SET used_bytes = used_bytes + :s WHERE account_id = :a")
                        .setParameter("s", staged.size()).setParameter("a", accountId).executeUpdate()))
                .replaceWithVoid();
    }

    /** After a failed commit: a content object no blob row names must not stay behind. */
    private void removeUnreferencedContent(String accountId, String sha256) {
        try {
            db(() -> Panache.withTransaction(() -> lock(accountId)
                    .flatMap(q -> blobRefs(accountId, sha256))
                    .flatMap(refs -> refs > 0 ? Uni.createFrom().voidItem()
                            : offload(() -> {
                                store.delete(StoredFile.contentKey(accountId, sha256));
                                return null;
                            }))));
        } catch (RuntimeException e) {
            LOG.warnf("Could not check content %s of account %s after a failed upload: %s", sha256, accountId,
                    e.getMessage());
        }
    }

    // ------------------------------------------------------------------------------------------- reading

    /** The account's file, or 404 naming {@code id}. */
    public FileView get(String accountId, String id) {
        return FileView.of(find(accountId, id));
    }

    /** The account's file row, or 404 naming {@code id}. */
    public StoredFile find(String accountId, String id) {
        StoredFile file = Ids.isId(id) ? db(() -> Panache.withSession(() ->
                Panache.getSession().flatMap(s -> s.find(StoredFile.class, id)))) : null;
        if (file == null || !file.accountId.equals(accountId)) {
            throw ApiException.notFound("File " + id, "id");
        }
        return file;
    }

    /** Listing filters; every one optional. */
    public record ListQuery(String kind, String name, String reference, String size, String cursor) {
    }

    /** Newest first, {@code size} per page. */
    public FilePage list(String accountId, ListQuery query) {
        int size = QueryParams.size(query.size(), 50, config.maxPageSize());
        StringBuilder where = new StringBuilder("accountId = :account");
        Map<String, Object> params = new HashMap<>();
        params.put("account", accountId);
        if (query.kind() != null && !query.kind().isBlank()) {
            String kind = query.kind().trim();
            if (kind.contains("/")) {
                where.append(" and mimeType = :mime");
                params.put("mime", kind.toLowerCase());
            } else {
                try {
                    params.put("kind", FileKind.valueOf(kind));
                } catch (IllegalArgumentException e) {
                    throw ApiException.invalid("type", "type must be a kind (image, audio, video, gif, document, "
                            + "archive) or a MIME type");
                }
                where.append(" and kind = :kind");
            }
        }
        if (query.name() != null && !query.name().isBlank()) {
            where.append(" and lower(name) like :name");
            params.put("name", "%" + query.name().trim().toLowerCase().replace("%", "\\%").replace("_", "\\_") + "%");
        }
        if (query.reference() != null && !query.reference().isBlank()) {
            where.append(" and reference = :reference");
            params.put("reference", query.reference().trim());
        }
        if (query.cursor() != null && !query.cursor().isBlank()) {
            if (!Ids.isId(query.cursor().trim())) {
                throw ApiException.invalid("cursor", "cursor must be the next value of a previous page");
            }
            where.append(" and id < :cursor");
            params.put("cursor", query.cursor().trim());
        }
        String hql = "from StoredFile where " + where + " order by id desc";
        List<StoredFile> rows = db(() -> Panache.withSession(() -> Panache.getSession().flatMap(s -> {
            Mutiny.SelectionQuery<StoredFile> q = s.createSelectionQuery(hql, StoredFile.class).setMaxResults(size + 1);
            params.forEach(q::setParameter);
            return q.getResultList();
        })));
        List<FileView> page = new ArrayList<>();
        for (int i = 0; i < Math.min(size, rows.size()); i++) {
            page.add(FileView.of(rows.get(i)));
        }
        return new FilePage(page, rows.size() > size ? page.getLast().id() : null);
    }

    /** The file's bytes, or a range of them; 404 naming {@code id} when its content is gone. */
    public InputStream open(StoredFile file, FileStore.ByteRange range) {
        try {
            return store.get(file.contentKey(), range);
        } catch (FileStore.MissingObjectException e) {
            throw new ApiException(404, "file-content-missing", "The content of file " + file.id + " is gone", "id");
        }
    }

    /** Stored bytes, quota and free space of the account. */
    public FileUsage usage(String accountId) {
        Object[] row = db(() -> Panache.withSession(() -> session().flatMap(s -> s.createNativeQuery(
                        "SELECT COALESCE((SELECT used_bytes FROM file_quota WHERE account_id = :a), 0),"
                                + " (SELECT quota_bytes FROM file_quota WHERE account_id = :a),"
                                + " (SELECT count(*) FROM file WHERE account_id = :a)", Object[].class)
                .setParameter("a", accountId).getSingleResult())));
        long used = ((Number) row[0]).longValue();
        long quota = row[1] == null ? config.quotaBytes() : ((Number) row[1]).longValue();
        return new FileUsage(used, quota, Math.max(0, quota - used), ((Number) row[2]).longValue());
    }

    /** Sets the account's own quota (null: back to the default). */
    public FileUsage setQuota(String accountId, Long quotaBytes) {
        if (quotaBytes != null && quotaBytes < 0) {
            throw ApiException.invalid("quotaBytes", "quotaBytes must be at least 0");
        }
        db(() -> Panache.withTransaction(() -> lock(accountId).flatMap(q -> session().flatMap(s ->
                s.createNativeQuery("UPDATE file_quota SET quota_bytes = :q WHERE account_id = :a")
                        .setParameter("q", quotaBytes).setParameter("a", accountId).executeUpdate()))));
        return usage(accountId);
    }

    // ------------------------------------------------------------------------------------------- deleting

    /** Deletes the account's file; its content goes when no other file of the account shares it. */
    public FileView delete(String accountId, String id) {
        StoredFile file = find(accountId, id);
        Boolean deleted = db(() -> Panache.withTransaction(() -> lock(accountId)
                .flatMap(q -> remove(accountId, id, null))));
        if (!Boolean.TRUE.equals(deleted)) {
            throw ApiException.notFound("File " + id, "id");
        }
        return FileView.of(file);
    }

    /**
     * Removes one file row, holding the account lock already; {@code expiredBefore} non-null removes it only
     * when it expired before then. Answers whether a row was removed.
     */
    public Uni<Boolean> remove(String accountId, String id, Instant expiredBefore) {
        String condition = expiredBefore == null ? "" : " AND expires_at < :t";
        return session().flatMap(s -> {
            var q = s.createNativeQuery("DELETE FROM file WHERE id = :id AND account_id = :a" + condition
                    + " RETURNING sha256, size", Object[].class).setParameter("id", id).setParameter("a", accountId);
            if (expiredBefore != null) {
                q.setParameter("t", expiredBefore);
            }
            return q.getResultList();
        }).flatMap(rows -> {
            if (rows.isEmpty()) {
                return Uni.createFrom().item(false);
            }
            String sha = ((String) rows.getFirst()[0]).trim();
            return session().flatMap(s -> s.createNativeQuery(
                            "UPDATE file_blob SET refs = refs - 1 WHERE account_id = :a AND sha256 = :h AND refs > 1")
                    .setParameter("a", accountId).setParameter("h", sha).executeUpdate())
                    .flatMap(shared -> shared > 0 ? Uni.createFrom().item(true) : dropBlob(accountId, sha));
        });
    }

    private Uni<Boolean> dropBlob(String accountId, String sha) {
        return session().flatMap(s -> s.createNativeQuery(
                        "DELETE FROM file_blob WHERE account_id = :a AND sha256 = :h RETURNING size", Object.class)
                .setParameter("a", accountId).setParameter("h", sha).getResultList())
                .flatMap(sizes -> {
                    long size = sizes.isEmpty() ? 0 : ((Number) sizes.getFirst()).longValue();
                    return session().flatMap(s -> s.createNativeQuery(
                                    "UPDATE file_quota SET used_bytes = GREATEST(0, used_bytes - :s) WHERE account_id = :a")
                            .setParameter("s", size).setParameter("a", accountId).executeUpdate());
                })
                .flatMap(ignored -> offload(() -> {
                    store.delete(StoredFile.contentKey(accountId, sha));
                    return true;
                }));
    }

    // ------------------------------------------------------------------------------------------- helpers

    /** The account's quota row, created on first use and locked until the transaction ends. */
    public Uni<Quota> lock(String accountId) {
        return session().flatMap(s -> s.createNativeQuery(
                        "INSERT INTO file_quota (account_id) VALUES (:a) ON CONFLICT DO NOTHING")
                .setParameter("a", accountId).executeUpdate())
                .flatMap(ignored -> session().flatMap(s -> s.createNativeQuery(
                                "SELECT used_bytes, quota_bytes FROM file_quota WHERE account_id = :a FOR UPDATE",
                                Object[].class)
                        .setParameter("a", accountId).getSingleResult()))
                .map(row -> new Quota(((Number) row[0]).longValue(),
                        row[1] == null ? config.quotaBytes() : ((Number) row[1]).longValue()));
    }

    /** Used and allowed bytes of an account. */
    public record Quota(long used, long limit) {
    }

    private Uni<Integer> blobRefs(String accountId, String sha) {
        return session().flatMap(s -> s.createNativeQuery(
                        "SELECT refs FROM file_blob WHERE account_id = :a AND sha256 = :h", Object.class)
                .setParameter("a", accountId).setParameter("h", sha).getResultList())
                .map(rows -> rows.isEmpty() ? 0 : ((Number) rows.getFirst()).intValue());
    }

    private static final ExecutorService DB_CALLERS = Executors.newVirtualThreadPerTaskExecutor();

    /**
     * Runs database work from a blocking caller. {@link Blocking#onContext} needs a thread Vert.x knows nothing
     * about; REST worker threads are Vert.x's own, so from them the work hops to a virtual thread.
     */
    public static <T> T db(Supplier<Uni<T>> work) {
        if (Thread.currentThread().isVirtual()) {
            return Blocking.onContext(work);
        }
        try {
            return DB_CALLERS.submit(() -> Blocking.onContext(work)).get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting for the database", e);
        }
    }

    private static Uni<Mutiny.Session> session() {
        return Panache.getSession();
    }

    /** Runs blocking store work off the event loop and continues on the caller's Vert.x context (its session). */
    static <T> Uni<T> offload(Supplier<T> work) {
        return Uni.createFrom().deferred(() -> {
            Context context = Vertx.currentContext();
            Uni<T> run = Uni.createFrom().item(work).runSubscriptionOn(Infrastructure.getDefaultWorkerPool());
            return context == null ? run : run.emitOn(task -> context.runOnContext(v -> task.run()));
        });
    }

    private void deleteQuietly(String key) {
        try {
            store.delete(key);
        } catch (RuntimeException e) {
            // The bucket's lifecycle rule expires tmp/ objects a day later.
            LOG.warnf("Could not delete temporary object %s: %s", key, e.getMessage());
        }
    }

    private void checkKindLimit(FileKind kind, long length, String field) {
        long limit = kind.limit(config.limits());
        if (length > limit) {
            throw tooLarge(kind + " files may be at most " + limit + " bytes; this one is " + length, field);
        }
    }

    static ApiException tooLarge(String detail, String field) {
        return new ApiException(413, "file-too-large", detail, field);
    }

    private static ApiException quotaExceeded(FileUsage usage, long size) {
        return new ApiException(413, "file-quota-exceeded", "The account stores " + usage.usedBytes()
                + " bytes of its " + usage.quotaBytes() + "-byte quota and has " + usage.freeBytes()
                + " bytes free; this file needs " + size, "file");
    }

    private String name(String requested, FileTypes.Detected type) {
        String name = requested == null ? "" : requested.strip();
        int slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
        name = name.substring(slash + 1).replaceAll("[\\p{Cntrl}\"]", "_");
        if (name.isEmpty()) {
            name = "file";
        }
        if (name.length() > 255) {
            throw ApiException.invalid("filename", "filename must be at most 255 characters");
        }
        return name;
    }

    private Instant expiry(UploadRequest request, Instant now) {
        if (request.neverExpires()) {
            return null;
        }
        if (request.expiresAt() == null) {
            return now.plus(config.defaultExpiry());
        }
        if (!request.expiresAt().isAfter(now)) {
            throw ApiException.invalid("expiresAt", "expiresAt must be in the future");
        }
        if (request.expiresAt().isAfter(now.plus(config.maxExpiry()))) {
            throw ApiException.invalid("expiresAt", "expiresAt must be within " + config.maxExpiry().toDays()
                    + " days; send expiresAt=never to keep a file until deleted");
        }
        return request.expiresAt();
    }

    private static String reference(String reference) {
        if (reference == null || reference.isBlank()) {
            return null;
        }
        if (reference.length() > 200) {
            throw ApiException.invalid("reference", "reference must be at most 200 characters");
        }
        return reference.strip();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("Every JVM has SHA-256", e);
        }
    }
}
