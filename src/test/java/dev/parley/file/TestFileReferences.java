package dev.parley.file;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The production {@link MessageFileReferences}, plus the files a test names in {@link #REFERENCED}: those count
 * as still needed without a message behind them.
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class TestFileReferences implements FileReferences {

    public static final Set<String> REFERENCED = ConcurrentHashMap.newKeySet();

    private final MessageFileReferences messages;

    public TestFileReferences(MessageFileReferences messages) {
        this.messages = messages;
    }

    @Override
    public boolean isReferenced(String accountId, String fileId) {
        return REFERENCED.contains(fileId) || messages.isReferenced(accountId, fileId);
    }
}
