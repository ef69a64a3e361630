package dev.parley.file;

/**
 * Tells the cleanup job whether a file is still needed by a message that has not finished (queued or
 * scheduled): such a file is kept past its expiry until the message is sent or ends. The message side
 * provides the real implementation; until then {@link NoFileReferences} says nothing refers to files.
 * Called from worker threads; may block.
 */
public interface FileReferences {

    boolean isReferenced(String accountId, String fileId);
}
