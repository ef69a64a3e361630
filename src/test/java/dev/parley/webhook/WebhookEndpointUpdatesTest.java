package dev.parley.webhook;

import dev.parley.common.Blocking;
import dev.parley.support.Api;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import org.hibernate.reactive.mutiny.Mutiny;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * An account's change to an endpoint (rename, pause, enable) and the dispatcher's writes to its delivery state
 * (lease, cursor, failures) touch different columns: a change that read the endpoint before the dispatcher
 * released its lease must not write the lease back when it commits, or the endpoint stalls until that lease
 * runs out (half a minute at least) and a cursor written back would deliver events twice.
 */
@QuarkusTest
class WebhookEndpointUpdatesTest {

    @Inject
    WebhookRepository endpoints;
    @Inject
    Mutiny.SessionFactory sessions;

    @Test
    void a_change_committed_after_the_dispatcher_released_its_lease_keeps_the_dispatchers_writes() {
        Api.Tenant tenant = Api.newAccount();
        String id = given().header("Token", tenant.token()).contentType(ContentType.JSON)
                .body(Map.of("url", "http://127.0.0.1:9/parley")).post("/v1/webhooks")
                .then().statusCode(201).extract().path("id");
        // Paused, so this process's own dispatcher leaves it alone; the lease below stands for another's.
        given().header("Token", tenant.token()).contentType(ContentType.JSON).body(Map.of("status", "disabled"))
                .patch("/v1/webhooks/" + id).then().statusCode(200);
        Blocking.onContext(() -> dispatcherWrites(id, "dispatcher-elsewhere", Instant.now().plusSeconds(60), null));

        Blocking.onContext(() -> Panache.withTransaction(() -> endpoints.findById(id)
                // Read with the lease held; the dispatcher releases it and moves the cursor before this commits.
                .call(endpoint -> dispatcherWrites(id, null, null, "cursor-after-delivery"))
                .invoke(endpoint -> endpoint.name = "Renamed")));

        WebhookEndpoint stored = Blocking.onContext(() -> Panache.withSession(() -> endpoints.findById(id)));
        assertThat(stored.name).isEqualTo("Renamed");
        assertThat(stored.leaseOwner).as("lease").isNull();
        assertThat(stored.leaseUntil).isNull();
        assertThat(stored.cursor).isEqualTo("cursor-after-delivery");
    }

    /** The dispatcher's write, in a transaction of its own; the cursor is left alone when null. */
    private Uni<Integer> dispatcherWrites(String id, String owner, Instant until, String cursor) {
        String set = "leaseOwner = :owner, leaseUntil = :until" + (cursor == null ? "" : ", cursor = :cursor");
        return sessions.withStatelessTransaction(session -> {
            var update = session.createMutationQuery("update WebhookEndpoint set " + set + " where id = :id")
                    .setParameter("owner", owner).setParameter("until", until).setParameter("id", id);
            if (cursor != null) {
                update.setParameter("cursor", cursor);
            }
            return update.executeUpdate();
        });
    }
}
