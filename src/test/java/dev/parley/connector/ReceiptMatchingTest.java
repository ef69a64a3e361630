package dev.parley.connector;

import dev.parley.driver.Receipt;
import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.hamcrest.Matchers.equalTo;

/** Receipts are matched by device and WhatsApp id: one device's receipt never moves another's message. */
@QuarkusTest
class ReceiptMatchingTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    @Inject
    SandboxDriver sandbox;

    @Test
    void a_receipt_from_another_device_for_a_messages_whatsapp_id_is_ignored() {
        Api.Tenant tenant = Api.newAccount();
        String first = Api.newDevice(tenant.token(), "business");
        String second = Api.newDevice(tenant.token(), "business");
        Api.awaitDeviceStatus(tenant.token(), first, "online", TIMEOUT);
        Api.awaitDeviceStatus(tenant.token(), second, "online", TIMEOUT);
        String onFirst = Api.send(tenant.token(), Map.of("device", first, "phone", "+447911123001", "message", "a"));
        String onSecond = Api.send(tenant.token(), Map.of("device", second, "phone", "+447911123002", "message", "b"));
        Api.awaitStatus(tenant.token(), onFirst, "delivered", TIMEOUT);
        Api.awaitStatus(tenant.token(), onSecond, "delivered", TIMEOUT);

        // The second device reports "read" for the first device's WhatsApp id, then for its own message: the
        // foreign one, submitted first, has been handled by the time the second one shows.
        sandbox.receipt(second, sandbox.waIdOf(first, onFirst), Receipt.read);
        sandbox.receipt(second, sandbox.waIdOf(second, onSecond), Receipt.read);
        Api.awaitStatus(tenant.token(), onSecond, "read", TIMEOUT);

        Api.message(tenant.token(), onFirst).then().statusCode(200).body("status", equalTo("delivered"));
        sandbox.receipt(first, sandbox.waIdOf(first, onFirst), Receipt.read);
        Api.awaitStatus(tenant.token(), onFirst, "read", TIMEOUT);
    }
}
