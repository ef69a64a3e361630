package dev.parley.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import dev.parley.common.Blocking;
import dev.parley.device.DeviceRepository;
import dev.parley.driver.sandbox.SandboxDriver;
import dev.parley.support.Api;
import dev.parley.support.GreenMailResource;
import dev.parley.support.WebhookReceiver;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole loop a chatbot runs on: a customer writes, the webhook receiver gets message:in:new, the bot
 * answers in thread with quote; and the owner alert of a device that stays unreachable.
 */
@QuarkusTest
@WithTestResource(GreenMailResource.class)
class ChatbotAndAlertsTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(20);
    private static final String CUSTOMER = "+34612345678";

    @Inject
    SandboxDriver sandbox;
    @Inject
    DeviceRepository devices;

    @GreenMailResource.InjectGreenMail
    GreenMail greenMail;

    @Test
    void a_sandbox_incoming_message_reaches_a_webhook_and_the_bot_replies_in_thread() throws Exception {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        try (WebhookReceiver bot = WebhookReceiver.start()) {
            given().header("Token", tenant.token()).contentType(ContentType.JSON)
                    .body(Map.of("name", "bot", "url", bot.url(), "events", List.of("message:in:new")))
                    .post("/v1/webhooks").then().statusCode(201);

            String waId = given().header("Operator-Key", Api.OPERATOR_KEY).contentType(ContentType.JSON)
                    .body(Map.of("from", CUSTOMER, "text", "What are your opening hours?"))
                    .post("/v1/operator/sandbox/devices/" + device + "/incoming").then().statusCode(200)
                    .extract().path("waId");

            JsonNode event = Api.await(() -> bot.accepted().stream().flatMap(r -> r.events().stream())
                    .findFirst().orElse(null), TIMEOUT, () -> "message:in:new at the bot");
            assertThat(event.get("type").asText()).isEqualTo("message:in:new");
            assertThat(event.get("data").get("text").asText()).isEqualTo("What are your opening hours?");
            String incomingId = event.get("data").get("id").asText();

            String reply = Api.send(tenant.token(), Map.of("phone", event.get("data").get("chat").asText(),
                    "message", "We open 9:00-18:00", "quote", incomingId));
            Api.awaitStatus(tenant.token(), reply, "delivered", TIMEOUT);
            SandboxDriver.SentMessage sent = sandbox.sent(device).getFirst();
            assertThat(sent.quotedWaId()).isEqualTo(waId);
            assertThat(sent.text()).isEqualTo("We open 9:00-18:00");
        }
    }

    @Test
    void a_device_that_stays_unreachable_emails_its_owner_once_per_outage() throws Exception {
        Api.Tenant tenant = Api.newAccount();
        String device = Api.newDevice(tenant.token(), "business");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        int before = greenMail.getReceivedMessages().length;

        setOnline(device, false);
        await().atMost(TIMEOUT).until(() -> alertsFor(device, before).size() == 1);
        // Once per outage: no second email while the device stays offline (over twice the 1 s alert delay).
        await().during(Duration.ofMillis(2500)).atMost(TIMEOUT).until(() -> alertsFor(device, before).size() == 1);

        setOnline(device, true);
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        // Back online ends the outage (its mark on the device row is cleared); only then can a new one alert.
        await().atMost(TIMEOUT).until(() -> outageAlertedAt(device) == null);
        setOnline(device, false);
        Api.await(() -> alertsFor(device, before).size() == 2 ? true : null, TIMEOUT, () -> "a second outage email");
        MimeMessage mail = alertsFor(device, before).getFirst();
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("owner@example.com");
        assertThat(mail.getSubject()).contains("unreachable");
    }

    private List<MimeMessage> alertsFor(String device, int skip) {
        return Arrays.stream(greenMail.getReceivedMessages()).skip(skip).filter(m -> {
            try {
                return String.valueOf(m.getContent()).contains(device);
            } catch (Exception e) {
                return false;
            }
        }).toList();
    }

    private Instant outageAlertedAt(String device) {
        return Blocking.onContext(() -> Panache.withSession(() -> devices.findById(device)))
                .outageAlertedAt;
    }

    private static void setOnline(String device, boolean online) {
        given().header("Operator-Key", Api.OPERATOR_KEY)
                .post("/v1/operator/sandbox/devices/" + device + (online ? "/online" : "/offline"))
                .then().statusCode(200);
    }
}
