package dev.parley.console;

import dev.parley.driver.baileys.BaileysLinkingTest;
import dev.parley.driver.baileys.FakeSocketEngine;
import dev.parley.support.GreenMailResource;
import dev.parley.support.QrCodes;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.TestProfile;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;

import java.net.URL;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's QR page with the real Baileys engine (the sidecar and Baileys code, only the socket scripted by
 * {@link FakeSocketEngine}): the page shows the QR code the engine produced and follows it when the engine
 * rotates it. Shares {@link BaileysLinkingTest}'s profile and resources, so it costs no extra application start.
 */
@QuarkusTest
@TestProfile(BaileysLinkingTest.BaileysEngine.class)
@WithTestResource(GreenMailResource.class)
class ConsoleBaileysLinkingTest {

    @TestHTTPResource("/")
    URL base;

    @Inject
    FakeSocketEngine engine;

    @Test
    void the_qr_page_shows_the_engines_qr_code_follows_its_rotation_and_the_link_brings_the_device_online() {
        try (ConsoleBrowser console = ConsoleBrowser.signedIn(base)) {
            WebDriver browser = console.driver();
            console.open("/console/devices");
            browser.findElement(By.id("name")).sendKeys("Baileys phone");
            browser.findElement(By.id("phone")).sendKeys("+447911123456");
            browser.findElement(By.id("add-device")).submit();
            String device = console.waitFor(b -> b.getCurrentUrl().matches(".*/console/devices/[0-9a-f-]+$")
                    ? b.getCurrentUrl().substring(b.getCurrentUrl().lastIndexOf('/') + 1) : null);
            String token = console.owner().token();

            // The fake socket's first session shows ref-one, ref-two, ref-three 3 s apart, then keeps ref-three
            // (FakeSocketEngine): the page follows those rotations, and one more the server makes afterwards.
            String first = console.waitFor(b -> shownEngineQr(b, token, device, null));
            assertThat(ref(first)).isIn("ref-one", "ref-two", "ref-three");
            console.screenshot("device-qr-baileys");
            String last = console.waitFor(b -> shownEngineQr(b, token, device, "ref-three"));
            engine.rotateQr(device, "ref-rotated");
            String rotated = console.waitFor(b -> shownEngineQr(b, token, device, "ref-rotated"));
            assertThat(rotated).isNotEqualTo(last);

            engine.link(device);
            console.waitFor(b -> b.findElement(By.id("device-status")).getText().equals("online"));
            console.waitFor(b -> b.findElements(By.id("qr")).isEmpty());
            console.screenshot("device-linked-baileys");
        }
    }

    /**
     * The text of the QR code the page shows, read from its pixels as a phone would, once it is the code the
     * engine offers now (the API's {@code /qr}) and, when {@code ref} is given, carries that reference; else null.
     */
    private static String shownEngineQr(WebDriver browser, String token, String device, String ref) {
        String shown;
        try {
            shown = QrCodes.decode(browser.findElement(By.id("qr")).getScreenshotAs(OutputType.BYTES));
        } catch (Exception e) {
            return null; // not shown yet, or being swapped for the next one
        }
        Response offered = given().header("Token", token).get("/v1/devices/" + device + "/qr");
        String engine = offered.statusCode() == 200 ? offered.path("qr") : null;
        return shown.equals(engine) && (ref == null || ref(shown).equals(ref)) ? shown : null;
    }

    /** The reference WhatsApp's server gave the code: Baileys puts it first after the link's fragment mark. */
    private static String ref(String qr) {
        return qr.substring(qr.indexOf('#') + 1, qr.indexOf(','));
    }
}
