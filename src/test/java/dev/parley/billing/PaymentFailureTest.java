package dev.parley.billing;

import com.icegreen.greenmail.util.GreenMail;
import dev.parley.common.Blocking;
import dev.parley.message.MessageStore;
import dev.parley.support.Api;
import dev.parley.support.GreenMailResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import jakarta.inject.Inject;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.parley.billing.BillingFlows.advance;
import static dev.parley.billing.BillingFlows.assertBilling;
import static dev.parley.billing.BillingFlows.awaitBilling;
import static dev.parley.billing.BillingFlows.awaitSent;
import static dev.parley.billing.BillingFlows.buyDevice;
import static dev.parley.billing.BillingFlows.customerOf;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Acceptance 7 of issue 13 on the emulator's test clock: a failed renewal emails the owner (GreenMail), the device
 * keeps sending through the 3-day grace period, is then suspended (messages accepted and held, none lost), and
 * once the invoice is paid it resumes and sends them.
 */
@QuarkusTest
@TestProfile(BillingProfile.class)
class PaymentFailureTest extends StripeWebhookRegistered {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final String TO = "+447911123457";

    @GreenMailResource.InjectGreenMail
    GreenMail greenMail;

    @Inject
    MessageStore store;

    @Test
    void a_failed_payment_emails_the_owner_then_after_the_grace_period_holds_messages_until_paid() throws MessagingException {
        Api.Tenant tenant = Api.newAccount();
        String device = buyDevice(tenant.token(), "basic");
        Api.awaitDeviceStatus(tenant.token(), device, "online", TIMEOUT);
        String customer = customerOf(tenant.accountId());
        StripeEmulator.post("/v1/customers/" + customer,
                Map.of("invoice_settings[default_payment_method]", "pm_card_chargeCustomerFail"));

        // The renewal on 1 May fails: past due, and the owner hears of it once.
        advance(customer, BillingProfile.START.plus(Duration.ofDays(30)).plus(Duration.ofHours(1)));
        awaitBilling(tenant.token(), device, "past_due");
        MimeMessage mail = Api.await(() -> mailAbout(device, "failed"), TIMEOUT, () -> "the payment failure email");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("owner@example.com");

        // Two days into the grace period it still sends.
        advance(customer, BillingProfile.START.plus(Duration.ofDays(32)));
        awaitSent(tenant.token(), Api.send(tenant.token(), Map.of("phone", TO, "message", "in grace", "device", device)));
        assertBilling(tenant.token(), device, "past_due");

        // Past the 3 days: suspended. Messages are still accepted, and held.
        advance(customer, BillingProfile.START.plus(Duration.ofDays(33)).plus(Duration.ofHours(2)));
        awaitBilling(tenant.token(), device, "suspended");
        // The connector learns of the suspension at its next device refresh: until a message of it is held, one
        // sent meanwhile may still go out (nothing is lost either way).
        String firstHeld = Api.await(() -> {
            String probe = Api.send(tenant.token(), Map.of("phone", TO, "message", "held 1", "device", device));
            Api.await(() -> isHeld(device, probe) || !"queued".equals(Api.message(tenant.token(), probe).path("status"))
                    ? true : null, TIMEOUT, () -> "message " + probe + " held or sent");
            return isHeld(device, probe) ? probe : null;
        }, TIMEOUT, () -> "a message held for the suspended device");
        List<String> held = List.of(firstHeld,
                Api.send(tenant.token(), Map.of("phone", TO, "message", "held 2", "device", device)),
                Api.send(tenant.token(), Map.of("phone", TO, "message", "held 3", "device", device)));
        Api.await(() -> Blocking.await(store.heldFor(device, 100)).containsAll(held) ? true : null, TIMEOUT,
                () -> "messages " + held + " held for the suspended device");
        for (String id : held) {
            Api.message(tenant.token(), id).then().body("status", org.hamcrest.Matchers.equalTo("queued"));
        }
        assertThat(Api.await(() -> mailAbout(device, "suspended"), TIMEOUT, () -> "the suspension email")).isNotNull();
        assertThat(mailsAbout(device, "failed")).as("one failure email").hasSize(1);

        // Paid: active again, and every held message goes out.
        String invoice = StripeEmulator.get("/v1/invoices?customer=" + customer + "&status=open&limit=1").path("data[0].id");
        StripeEmulator.post("/v1/invoices/" + invoice + "/pay", Map.of("payment_method", "pm_card_visa"));
        awaitBilling(tenant.token(), device, "active");
        held.forEach(id -> awaitSent(tenant.token(), id));
    }

    private boolean isHeld(String device, String message) {
        return Blocking.await(store.heldFor(device, 100)).contains(message);
    }

    private MimeMessage mailAbout(String device, String subjectWord) {
        List<MimeMessage> found = mailsAbout(device, subjectWord);
        return found.isEmpty() ? null : found.getFirst();
    }

    private List<MimeMessage> mailsAbout(String device, String subjectWord) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> {
            try {
                return m.getSubject().contains(subjectWord) && m.getContent().toString().contains(device);
            } catch (MessagingException | IOException e) {
                return false;
            }
        }).toList();
    }
}
