package dev.parley.file.store;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;

/**
 * The object storage behind files: S3 on AWS, s3rver locally. Blocking; call it from worker threads.
 * Keys are opaque strings chosen by the caller.
 */
public interface FileStore {

    /**
     * Writes everything {@code content} yields under {@code key}, streaming: objects larger than one part go
     * up as a multipart upload, so at most one part is held in memory. A failure (including one thrown by
     * {@code content}) leaves no object and no pending multipart upload behind.
     *
     * @return the number of bytes written
     */
    long put(String key, InputStream content, String contentType) throws IOException;

    /** The object's bytes from {@code range}, or the whole object when {@code range} is null. */
    InputStream get(String key, ByteRange range) throws MissingObjectException;

    /** Size and type of the object, or empty when there is none. */
    Optional<ObjectInfo> head(String key);

    /** Copies an object to another key in the same store. */
    void copy(String fromKey, String toKey) throws MissingObjectException;

    /** Deletes the object; deleting a missing object is not an error. */
    void delete(String key);

    /** Keys starting with {@code prefix}, for maintenance and tests. */
    List<String> list(String prefix);

    /** An inclusive byte range, as in an HTTP {@code Range} header. */
    record ByteRange(long first, long last) {
        public ByteRange {
            if (first < 0 || last < first) {
                throw new IllegalArgumentException("byte range " + first + "-" + last + " is not valid");
            }
        }

        public long length() {
            return last - first + 1;
        }
    }

    /** What the store knows about an object. */
    record ObjectInfo(String key, long size, String contentType) {
    }

    /** The object asked for does not exist. */
    final class MissingObjectException extends RuntimeException {
        public MissingObjectException(String key) {
            super("No object " + key);
        }
    }
}
