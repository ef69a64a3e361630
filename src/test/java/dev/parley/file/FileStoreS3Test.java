package dev.parley.file;

import dev.parley.file.store.FileStore;
import dev.parley.file.store.S3FileStore;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;

/** The {@link FileStore} contract against S3 (s3rver locally, via QUARKUS_S3_ENDPOINT_OVERRIDE). */
@QuarkusTest
class FileStoreS3Test implements FileStoreContract {

    @Inject
    S3FileStore store;

    @Override
    public FileStore store() {
        return store;
    }
}
