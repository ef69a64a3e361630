package dev.parley.file;

import dev.parley.event.EventOutbox;
import dev.parley.file.store.FileStore;
import dev.parley.jobs.lambda.FileCleanupHandler;
import dev.parley.support.Api;
import dev.parley.support.TestClock;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The file-cleanup job: exactly the expired, unreferenced files go, once, even with two runs at once. */
@QuarkusTest
class FileCleanupTest {

    @Inject
    FileCleanupJob job;

    @Inject
    FileCleanupHandler handler;

    @Inject
    FileStore store;

    @Inject
    EventOutbox outbox;

    /** The application's clock, which other tests of this profile may have moved ahead of the wall clock. */
    @Inject
    TestClock clock;

    private static String upload(String token, String name, byte[] bytes, String expiresAt) {
        var spec = given().header("Token", token).multiPart("file", name, bytes);
        if (expiresAt != null) {
            spec.multiPart("expiresAt", expiresAt);
        }
        return spec.post("/v1/files").then().statusCode(201).extract().path("id");
    }

    @Test
    void expiredUnreferencedFilesGoOnceAndReferencedOrLiveOnesStay() throws Exception {
        Api.Tenant t = Api.newAccount();
        // Far enough ahead for five uploads on a loaded machine; the clock is then moved past it.
        Instant expiry = clock.instant().plus(2, ChronoUnit.MINUTES);
        String soon = expiry.toString();
        String expired = upload(t.token(), "old.txt", FileSamples.txt(), soon);
        String sharedExpired = upload(t.token(), "old.pdf", FileSamples.pdf(), soon);
        String sharedLive = upload(t.token(), "keep.pdf", FileSamples.pdf(), null);
        String referenced = upload(t.token(), "queued.png", FileSamples.image("png"), soon);
        String never = upload(t.token(), "forever.zip", FileSamples.zip(), "never");
        TestFileReferences.REFERENCED.add(referenced);
        clock.advance(java.time.Duration.ofMinutes(2).plusSeconds(1));

        CompletableFuture<Integer> first = CompletableFuture.supplyAsync(job::run);
        CompletableFuture<Integer> second = CompletableFuture.supplyAsync(job::run);
        int removedHere = first.get() + second.get();
        assertThat(removedHere).isGreaterThanOrEqualTo(2);

        for (String gone : List.of(expired, sharedExpired)) {
            given().header("Token", t.token()).get("/v1/files/" + gone).then().statusCode(404);
        }
        for (String kept : List.of(sharedLive, referenced, never)) {
            given().header("Token", t.token()).get("/v1/files/" + kept).then().statusCode(200);
        }
        // old.txt's content is gone; the pdf content stays for keep.pdf; png and zip stay.
        assertThat(store.list("files/" + t.accountId() + "/")).hasSize(3);
        var events = outbox.after(t.accountId(), null, clock.instant().plusSeconds(5), 200).await().indefinitely()
                .stream().filter(e -> FileCleanupJob.FILE_EXPIRED.equals(e.type())).toList();
        assertThat(events).extracting(e -> e.data().get("id").asText())
                .containsExactlyInAnyOrder(expired, sharedExpired);

        TestFileReferences.REFERENCED.remove(referenced);
        assertThat(handler.handleRequest(java.util.Map.of(), null).processed()).isGreaterThanOrEqualTo(1);
        given().header("Token", t.token()).get("/v1/files/" + referenced).then().statusCode(404);
        assertThat(job.run()).isZero();
    }
}
