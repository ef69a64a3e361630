package dev.parley.file;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.SequenceInputStream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** A 50 MB upload through the API streams: throughput printed, server heap growth bounded (same JVM). */
@QuarkusTest
class FileUploadBenchmarkTest {

    @Test
    void a50MbUploadStreamsWithBoundedHeap() throws Exception {
        Api.Tenant t = Api.newAccount();
        long size = 50L * 1024 * 1024;
        // A gzip header makes it an archive (100 MB limit); the rest is generated on the fly.
        byte[] header = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
        var body = new SequenceInputStream(new ByteArrayInputStream(header), new GeneratedBytes(size - header.length, 7));
        long before = FileStoreContract.usedHeapAfterGc();
        long start = System.nanoTime();
        given().header("Token", t.token()).queryParam("filename", "big.gz").contentType("application/octet-stream")
                .body(body).post("/v1/files").then().statusCode(201);
        double seconds = (System.nanoTime() - start) / 1e9;
        long growth = FileStoreContract.usedHeapAfterGc() - before;
        System.out.printf("API upload of %d bytes: %.2f s, %.1f MB/s, heap growth after GC %d KB%n", size, seconds,
                size / 1048576.0 / seconds, growth / 1024);
        assertThat(growth).isLessThan(20L * 1024 * 1024);
    }
}
