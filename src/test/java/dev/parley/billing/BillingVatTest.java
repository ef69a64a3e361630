package dev.parley.billing;

import dev.parley.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static dev.parley.billing.BillingFlows.advance;
import static dev.parley.billing.BillingFlows.buyDevice;
import static dev.parley.billing.BillingFlows.customerOf;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;

/**
 * Acceptance 4 of issue 13 against the Stripe emulator: a Spanish customer without a VAT number pays 21 %, one with a
 * verified Spanish VAT number is reverse-charged (0 %), a US customer pays none, and a change of country applies from
 * the next invoice; the customer API refuses bad details naming the field.
 */
@QuarkusTest
@TestProfile(BillingProfile.class)
class BillingVatTest extends StripeWebhookRegistered {

    @Test
    void a_spanish_customer_without_a_vat_number_pays_21_percent_and_a_new_country_applies_from_the_next_invoice() {
        Api.Tenant tenant = Api.newAccount();
        putCustomer(tenant.token(), Map.of("country", "es", "address",
                Map.of("line1", "Calle Mayor 1", "city", "Madrid", "postalCode", "28013")))
                .then().statusCode(200).body("country", equalTo("ES")).body("taxExempt", equalTo("none"))
                .body("vatRate", equalTo(21));
        String device = buyDevice(tenant.token(), "basic");
        String customer = customerOf(tenant.accountId());
        assertThat((String) StripeEmulator.get("/v1/customers/" + customer).path("address.city")).isEqualTo("Madrid");

        billingInvoices(tenant.token()).then().statusCode(200).body("size()", equalTo(1))
                .body("[0].total", equalTo(1900 + 399)).body("[0].tax", equalTo(399)).body("[0].status", equalTo("paid"))
                .body("[0].pdfUrl", notNullValue()).body("[0].hostedUrl", notNullValue());
        given().header("Token", tenant.token()).get("/v1/billing").then().statusCode(200)
                .body("customer.id", equalTo(customer)).body("customer.country", equalTo("ES"))
                .body("devices[0].id", equalTo(device)).body("devices[0].plan", equalTo("basic"))
                .body("devices[0].billingStatus", equalTo("active"))
                .body("devices[0].periodEnd", equalTo("2026-05-01T00:00:00Z"))
                .body("devices[0].nextAmount", equalTo(1900 + 399));

        // Moving to Germany: the paid invoice stays as it was, the next one carries Germany's 19 %.
        putCustomer(tenant.token(), Map.of("country", "DE")).then().statusCode(200).body("vatRate", equalTo(19));
        billingInvoices(tenant.token()).then().body("size()", equalTo(1)).body("[0].tax", equalTo(399));
        given().header("Token", tenant.token()).get("/v1/billing").then().body("devices[0].nextAmount", equalTo(1900 + 361));
        advance(customer, BillingProfile.START.plus(Duration.ofDays(30)).plus(Duration.ofHours(1)));
        billingInvoices(tenant.token()).then().body("size()", equalTo(2))
                .body("[0].total", equalTo(1900 + 361)).body("[0].tax", equalTo(361));
    }

    @Test
    void a_verified_spanish_vat_number_is_reverse_charged_at_0_percent() {
        Api.Tenant tenant = Api.newAccount();
        putCustomer(tenant.token(), Map.of("country", "ES", "vatNumber", "es b12345678"))
                .then().statusCode(200).body("vatNumber", equalTo("ESB12345678")).body("vatVerified", equalTo(true))
                .body("taxExempt", equalTo("reverse")).body("vatRate", nullValue());
        buyDevice(tenant.token(), "basic");
        String customer = customerOf(tenant.accountId());
        assertThat((String) StripeEmulator.get("/v1/customers/" + customer).path("tax_exempt")).isEqualTo("reverse");
        billingInvoices(tenant.token()).then().body("[0].total", equalTo(1900)).body("[0].tax", equalTo(0));
    }

    @Test
    void a_us_customer_pays_no_vat() {
        Api.Tenant tenant = Api.newAccount();
        putCustomer(tenant.token(), Map.of("country", "US")).then().statusCode(200).body("taxExempt", equalTo("exempt"));
        buyDevice(tenant.token(), "basic");
        String customer = customerOf(tenant.accountId());
        assertThat((String) StripeEmulator.get("/v1/customers/" + customer).path("tax_exempt")).isEqualTo("exempt");
        billingInvoices(tenant.token()).then().body("[0].total", equalTo(1900)).body("[0].tax", equalTo(0));
    }

    @Test
    void bad_customer_details_are_refused_naming_the_field() {
        Api.Tenant tenant = Api.newAccount();
        refused(tenant.token(), Map.of(), "country");
        refused(tenant.token(), Map.of("country", "XX"), "country");
        refused(tenant.token(), Map.of("country", "US", "vatNumber", "US123456789"), "vatNumber");
        refused(tenant.token(), Map.of("country", "ES", "vatNumber", "FR12345678901"), "vatNumber");
        refused(tenant.token(), Map.of("country", "ES", "address", Map.of("line1", "x".repeat(201))), "address.line1");
    }

    private static void refused(String token, Map<String, ?> body, String field) {
        putCustomer(token, body).then().statusCode(400).contentType("application/problem+json").body("field", equalTo(field));
    }

    private static Response putCustomer(String token, Map<String, ?> body) {
        return given().header("Token", token).contentType(ContentType.JSON).body(body).put("/v1/billing/customer");
    }

    private static Response billingInvoices(String token) {
        return given().header("Token", token).get("/v1/billing/invoices");
    }
}
