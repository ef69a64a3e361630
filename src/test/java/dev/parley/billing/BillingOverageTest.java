package dev.parley.billing;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.parley.billing.BillingFlows.advance;
import static dev.parley.billing.BillingFlows.buyDevice;
import static dev.parley.billing.BillingFlows.customerOf;
import static dev.parley.billing.BillingFlows.send;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * Acceptance 3 of issue 13 against the Stripe emulator: a basic device that sends its included amount and 25 more
 * shows 25 overage units in its usage, and the daily billing-proration job, run twice at once and again after,
 * puts exactly 25 overage units on the subscription's next invoice.
 */
@QuarkusTest
@TestProfile(BillingProfile.class)
class BillingOverageTest extends StripeWebhookRegistered {

    @Inject
    BillingProrationJob job;

    @Test
    void sending_the_included_amount_and_25_more_puts_25_overage_units_on_the_next_invoice_however_often_the_job_runs()
            throws Exception {
        Api.Tenant tenant = Api.newAccount();
        String device = buyDevice(tenant.token(), "basic");
        String customer = customerOf(tenant.accountId());
        int included = BillingProfile.BASIC_INCLUDED_MESSAGES;
        for (int i = 0; i < included + 25; i++) {
            send(tenant.token(), device).then().statusCode(201);
        }
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() ->
                usage(tenant.token(), device).then().body("used.messages", equalTo(included + 25)));
        usage(tenant.token(), device).then().statusCode(200).body("plan", equalTo("basic"))
                .body("included.messages", equalTo(included)).body("included.media", equalTo(2))
                .body("used.media", equalTo(0)).body("overage.messages", equalTo(25)).body("overage.media", equalTo(0))
                .body("overage.units", equalTo(25)).body("overage.amount", equalTo(25)).body("overage.currency", equalTo("eur"));

        // Two runs at once, then a rerun: one invoice item of 25 units (the day's idempotency key, Stripe's record).
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Callable<BillingProrationJob.Result> run = job::run;
            List<Future<BillingProrationJob.Result>> runs = pool.invokeAll(List.of(run, run));
            for (Future<BillingProrationJob.Result> r : runs) {
                assertThat(r.get().failed()).isZero();
            }
        } finally {
            pool.shutdown();
        }
        job.run();
        List<Map<String, Object>> items = overageItems(customer);
        assertThat(items).hasSize(1);
        assertThat(items.getFirst()).containsEntry("quantity", 25).containsEntry("amount", 25);

        // The next invoice (the period renews on 1 May) carries the 25 units with the month's price.
        advance(customer, BillingProfile.START.plus(Duration.ofDays(30)).plus(Duration.ofHours(1)));
        Response invoice = StripeEmulator.get("/v1/invoices?customer=" + customer + "&limit=1");
        assertThat((String) invoice.path("data[0].billing_reason")).isEqualTo("subscription_cycle");
        List<Map<String, Object>> lines = invoice.path("data[0].lines.data");
        assertThat(lines).filteredOn(l -> l.get("parent") instanceof Map<?, ?> p && "invoice_item_details".equals(p.get("type")))
                .singleElement().satisfies(l -> assertThat(l).containsEntry("quantity", 25).containsEntry("amount", 25));
        assertThat((Integer) invoice.path("data[0].total")).isEqualTo(1900 + 25);

        // Once invoiced, the units stay counted: a later run charges nothing more.
        assertThat(job.run().failed()).isZero();
        assertThat(overageItems(customer)).hasSize(1);
    }

    private static Response usage(String token, String device) {
        return given().header("Token", token).get("/v1/devices/" + device + "/usage");
    }

    /** The customer's overage invoice items, pending or invoiced. */
    private static List<Map<String, Object>> overageItems(String customer) {
        List<Map<String, Object>> all = StripeEmulator.get("/v1/invoiceitems?customer=" + customer + "&limit=100").path("data");
        return all.stream().filter(i -> i.get("metadata") instanceof Map<?, ?> m && "overage".equals(m.get("parley"))).toList();
    }
}
