package dev.parley.billing;

import dev.parley.console.ConsoleAccounts;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;


import static dev.parley.billing.BillingFlows.buyDevice;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The console's billing page (issue 14) over HTTP with billing on: a paid device with its plan and next amount, the
 * invoices, VAT details changed with the tax they decide, and a plan change previewed with its prorated amount and
 * then made; a downgrade too soon shows the date it becomes possible, and a bad country is named next to its field.
 */
@QuarkusTest
@TestProfile(BillingProfile.class)
class BillingConsoleTest extends StripeWebhookRegistered {

    @Test
    void the_billing_page_shows_devices_invoices_and_tax_and_changes_a_plan_after_a_preview() {
        ConsoleAccounts.Owner owner = ConsoleAccounts.newOwner();
        String device = buyDevice(owner.token(), "basic");
        String session = ConsoleAccounts.signIn(owner);

        String page = page(session, "/console/billing");
        assertThat(page).contains("href=\"/console/billing\"").contains("id=\"billing-" + device + "\"")
                .contains("<td class=\"plan\">basic</td>").contains("id=\"invoice-in_");
        String csrf = ConsoleAccounts.csrfOf(page);

        // Tax details: a bad country is named next to its field; Spain without a VAT number pays Spanish VAT.
        post(session, "/console/billing/customer", csrf, "country", "XX").then().statusCode(303)
                .header("Location", containsString("field=country"));
        assertThat(page(session, "/console/billing?error=bad&field=country")).contains("id=\"country-error\"");
        post(session, "/console/billing/customer", csrf, "country", "ES").then().statusCode(303)
                .header("Location", containsString("/console/billing"));
        assertThat(page(session, "/console/billing")).contains("21 % VAT of ES");

        // An upgrade: previewed with what it charges now, then made.
        String preview = page(session, "/console/billing/devices/" + device + "/plan-change?plan=professional");
        assertThat(preview).contains("id=\"amount-due\"").contains("id=\"confirm-change\"").contains("an upgrade");
        post(session, "/console/billing/devices/" + device + "/plan-change", csrf, "plan", "professional")
                .then().statusCode(303).header("Location", containsString("changed="));
        given().header("Token", owner.token()).get("/v1/devices/" + device).then().statusCode(200)
                .body("plan", equalTo("professional"));
        assertThat(page(session, "/console/billing")).contains("<td class=\"plan\">professional</td>");

        // Straight back down: too soon, and the page says from when.
        assertThat(page(session, "/console/billing/devices/" + device + "/plan-change?plan=basic"))
                .contains("id=\"not-yet\"").doesNotContain("id=\"confirm-change\"");
        post(session, "/console/billing/devices/" + device + "/plan-change", csrf, "plan", "basic")
                .then().statusCode(303).header("Location", containsString("field=plan"));

        // Every form needs the session's token.
        given().cookie(ConsoleAccounts.COOKIE, session).contentType(ContentType.URLENC).formParam("country", "ES")
                .post("/console/billing/customer").then().statusCode(403);
    }

    private static String page(String session, String path) {
        return given().cookie(ConsoleAccounts.COOKIE, session).get(path).then().statusCode(200).extract().asString();
    }

    private static Response post(String session, String path, String csrf, String name, String value) {
        return given().redirects().follow(false).cookie(ConsoleAccounts.COOKIE, session).contentType(ContentType.URLENC)
                .formParam("csrf", csrf).formParam(name, value).post(path);
    }
}
