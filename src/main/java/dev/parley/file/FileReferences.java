package dev.parley.file;

/**
 * Tells the cleanup job whether a file is still needed by a message that has not finished (queued or
 * scheduled): such a file is kept past its expiry until the message is sent or ends. In production
 * {@link MessageFileReferences} answers from the messages that use the file.
 * Called from worker threads; may block.
 */
public interface FileReferences {

    boolean isReferenced(String accountId, String fileId);
}
