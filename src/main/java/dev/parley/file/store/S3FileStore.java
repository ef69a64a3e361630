package dev.parley.file.store;

import dev.parley.aws.AwsConfig;
import dev.parley.file.FilesConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link FileStore} on S3 through the Quarkus Amazon S3 extension's synchronous client (url-connection
 * transport). Small objects are one PutObject; larger ones a multipart upload with one reused part buffer.
 */
@ApplicationScoped
@Startup
public class S3FileStore implements FileStore {

    private static final Logger LOG = Logger.getLogger(S3FileStore.class);
    private static final int MIN_PART_BYTES = 5 * 1024 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final int partSize;

    public S3FileStore(S3Client s3, FilesConfig files, AwsConfig aws) {
        this.s3 = s3;
        this.bucket = files.bucket();
        this.partSize = Math.max(MIN_PART_BYTES, files.partSizeBytes());
        if (aws.provision()) {
            createBucketIfMissing();
        }
    }

    private void createBucketIfMissing() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
        } catch (NoSuchBucketException e) {
            s3.createBucket(b -> b.bucket(bucket));
            LOG.infof("Created bucket %s", bucket);
        } catch (S3Exception e) {
            if (e.statusCode() != 404) {
                throw e;
            }
            s3.createBucket(b -> b.bucket(bucket));
            LOG.infof("Created bucket %s", bucket);
        }
    }

    @Override
    public long put(String key, InputStream content, String contentType) throws IOException {
        byte[] part = new byte[partSize];
        int first = content.readNBytes(part, 0, partSize);
        if (first < partSize) {
            s3.putObject(b -> b.bucket(bucket).key(key).contentType(contentType),
                    RequestBody.fromInputStream(new ByteArrayInputStream(part, 0, first), first));
            return first;
        }
        String uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(key).contentType(contentType)).uploadId();
        try {
            List<CompletedPart> parts = new ArrayList<>();
            long total = 0;
            int length = first;
            while (length > 0) {
                int number = parts.size() + 1;
                int size = length;
                String etag = s3.uploadPart(b -> b.bucket(bucket).key(key).uploadId(uploadId).partNumber(number)
                                .contentLength((long) size),
                        RequestBody.fromInputStream(new ByteArrayInputStream(part, 0, size), size)).eTag();
                parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
                total += size;
                length = content.readNBytes(part, 0, partSize);
            }
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId)
                    .multipartUpload(m -> m.parts(parts)));
            return total;
        } catch (IOException | RuntimeException e) {
            abort(key, uploadId);
            throw e;
        }
    }

    private void abort(String key, String uploadId) {
        try {
            s3.abortMultipartUpload(b -> b.bucket(bucket).key(key).uploadId(uploadId));
        } catch (RuntimeException e) {
            // The bucket's lifecycle rule removes incomplete multipart uploads that an abort could not.
            LOG.warnf("Could not abort multipart upload of %s: %s", key, e.getMessage());
        }
    }

    @Override
    public InputStream get(String key, ByteRange range) {
        try {
            ResponseInputStream<GetObjectResponse> body = s3.getObject(b -> {
                b.bucket(bucket).key(key);
                if (range != null) {
                    b.range("bytes=" + range.first() + "-" + range.last());
                }
            });
            return body;
        } catch (NoSuchKeyException e) {
            throw new MissingObjectException(key);
        }
    }

    @Override
    public Optional<ObjectInfo> head(String key) {
        try {
            HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
            return Optional.of(new ObjectInfo(key, head.contentLength(), head.contentType()));
        } catch (NoSuchKeyException e) {
            return Optional.empty();
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw e;
        }
    }

    @Override
    public void copy(String fromKey, String toKey) {
        try {
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(fromKey).destinationBucket(bucket).destinationKey(toKey));
        } catch (NoSuchKeyException e) {
            throw new MissingObjectException(fromKey);
        }
    }

    @Override
    public void delete(String key) {
        s3.deleteObject(b -> b.bucket(bucket).key(key));
    }

    @Override
    public List<String> list(String prefix) {
        List<String> keys = new ArrayList<>();
        String token = null;
        do {
            String continuation = token;
            ListObjectsV2Response page = s3.listObjectsV2(b -> b.bucket(bucket).prefix(prefix)
                    .continuationToken(continuation));
            page.contents().stream().map(S3Object::key).forEach(keys::add);
            token = Boolean.TRUE.equals(page.isTruncated()) ? page.nextContinuationToken() : null;
        } while (token != null);
        return keys;
    }
}
