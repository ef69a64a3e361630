package dev.parley.connector;

import dev.parley.support.Api;
import dev.parley.support.ApiRoleOnly;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@TestProfile(ApiRoleOnly.class)
class ConnectorRoleOffTest {

    @Inject
    Connector connector;

    @AfterEach
    void stopConnector() {
        connector.stop();
    }

    @Test
    void a_message_accepted_while_the_connector_is_off_is_delivered_once_it_starts() {
        assertThat(connector.isRunning()).isFalse();
        Api.Tenant tenant = Api.newAccount();
        Api.newDevice(tenant.token(), "business");
        String id = Api.send(tenant.token(), Map.of("phone", "+447911123001", "message", "waiting"));

        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> "queued".equals(Api.message(tenant.token(), id).then().extract().path("status")));

        connector.start();
        Api.awaitStatus(tenant.token(), id, "delivered", Duration.ofSeconds(20));
    }
}
