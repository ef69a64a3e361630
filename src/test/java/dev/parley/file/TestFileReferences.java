package dev.parley.file;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** Stands in for the message side in tests: the files named in {@link #REFERENCED} are still needed. */
@Alternative
@Priority(1)
@ApplicationScoped
public class TestFileReferences implements FileReferences {

    public static final Set<String> REFERENCED = ConcurrentHashMap.newKeySet();

    @Override
    public boolean isReferenced(String accountId, String fileId) {
        return REFERENCED.contains(fileId);
    }
}
