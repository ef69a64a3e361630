package dev.parley.file;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.context.ApplicationScoped;

/** The {@link FileReferences} in force until messages can refer to files: none are referenced. */
@ApplicationScoped
@DefaultBean
public class NoFileReferences implements FileReferences {

    @Override
    public boolean isReferenced(String accountId, String fileId) {
        return false;
    }
}
