package dev.parley.console;

import com.sun.net.httpserver.HttpServer;
import dev.parley.support.Api;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;

import java.net.InetSocketAddress;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/** The console in headless Chromium (Debian's chromium and chromium-driver), as an account owner uses it. */
@QuarkusTest
class ConsoleBrowserTest {

    private static final Duration TIMEOUT = ConsoleBrowser.TIMEOUT;
    private static ConsoleBrowser console;
    private static WebDriver browser;
    private static ConsoleAccounts.Owner owner;

    @TestHTTPResource("/")
    URL base;

    @BeforeEach
    void signedIn() {
        if (console == null) {
            console = ConsoleBrowser.signedIn(base);
            browser = console.driver();
            owner = console.owner();
        }
    }

    @AfterAll
    static void quit() {
        if (console != null) {
            console.close();
            console = null;
        }
    }

    @Test
    void add_a_device_and_link_it_by_the_qr_code_then_send_a_message_that_turns_delivered_without_reload()
            throws Exception {
        console.open("/console/devices");
        browser.findElement(By.id("name")).sendKeys("Shop phone");
        browser.findElement(By.id("phone")).sendKeys("+447911123456");
        browser.findElement(By.id("add-device")).submit();
        waitFor(b -> b.findElement(By.id("device-status")).getText().equals("online"));
        String device = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);

        browser.findElement(By.id("logout")).click();
        waitFor(b -> b.findElement(By.id("device-status")).getText().equals("logged_out"));
        browser.findElement(By.id("link")).click();
        waitFor(b -> !b.findElements(By.id("qr")).isEmpty());
        screenshot("device-qr");
        browser.findElement(By.id("pairing-phone")).sendKeys("not a number");
        browser.findElement(By.id("request-pairing-code")).click();
        waitFor(b -> !b.findElements(By.id("pairing-phone-error")).isEmpty());
        browser.findElement(By.id("pairing-phone")).sendKeys("+447911123456");
        browser.findElement(By.id("request-pairing-code")).click();
        String pairing = waitFor(b -> b.findElement(By.id("pairing-code")).getText());
        assertThat(pairing).matches("[A-Z0-9]{8}");
        screenshot("device-pairing-code");
        given().header("Operator-Key", Api.OPERATOR_KEY).post("/v1/operator/sandbox/devices/" + device + "/scan")
                .then().statusCode(200);
        waitFor(b -> b.findElement(By.id("device-status")).getText().equals("online"));

        console.open("/console/messages");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("device"))).selectByValue(device);
        browser.findElement(By.id("phone")).sendKeys("+447911123001");
        browser.findElement(By.id("message")).sendKeys("Hello from the console");
        browser.findElement(By.id("send-message")).submit();
        waitFor(b -> b.getCurrentUrl().contains("/console/messages/"));
        String page = browser.getCurrentUrl();
        waitFor(b -> b.findElement(By.id("message-status")).getText().equals("delivered"));
        assertThat(browser.getCurrentUrl()).isEqualTo(page);
        screenshot("message-delivered");

        console.open("/console/usage");
        assertThat(browser.findElement(By.id("sent-today-" + device)).getText()).isEqualTo("1");
        screenshot("usage");
        console.open("/console");
        screenshot("overview");
    }

    @Test
    void a_message_shows_its_event_history_and_a_waiting_one_can_be_removed() throws Exception {
        String device = Api.newDevice(owner.token(), "business");
        Api.awaitDeviceStatus(owner.token(), device, "online", TIMEOUT);
        String sent = Api.send(owner.token(), java.util.Map.of("phone", "+447911123003", "message", "history",
                "device", device));
        Api.awaitStatus(owner.token(), sent, "delivered", TIMEOUT);
        console.open("/console/messages/" + sent);
        waitFor(b -> b.findElement(By.id("history")).getText().contains("message:out:delivered"));
        assertThat(browser.findElement(By.id("history")).getText()).contains("message:out:sent");
        assertThat(browser.findElements(By.id("remove"))).isEmpty();
        screenshot("message-history");

        String later = Api.send(owner.token(), java.util.Map.of("phone", "+447911123004", "message", "later",
                "device", device, "deliverAt", java.time.OffsetDateTime.now().plusHours(1).toString()));
        console.open("/console/messages/" + later);
        browser.findElement(By.id("remove")).click();
        waitFor(b -> b.findElement(By.id("message-status")).getText().equals("removed"));
        waitFor(b -> b.findElement(By.id("history")).getText().contains("message:out:removed"));
        Api.message(owner.token(), later).then().body("status", org.hamcrest.Matchers.equalTo("removed"));
    }

    @Test
    void create_a_token_shown_once_then_revoke_it() throws Exception {
        console.open("/console/tokens");
        browser.findElement(By.id("name")).sendKeys("ci");
        browser.findElement(By.id("create-token")).submit();
        String token = waitFor(b -> b.findElement(By.id("new-token")).getText());
        given().header("Token", token).get("/v1/account").then().statusCode(200);
        screenshot("token-created");
        console.open("/console/tokens");
        assertThat(browser.findElements(By.id("new-token"))).isEmpty();
        browser.findElement(By.xpath("//tr[td[1][text()='ci']]//button")).click();
        waitFor(b -> b.findElements(By.xpath("//tr[td[1][text()='ci']]")).isEmpty());
        given().header("Token", token).get("/v1/account").then().statusCode(401);
    }

    @Test
    void upload_a_file_with_a_progress_bar_and_the_quota_bar_moves() throws Exception {
        console.open("/console/files");
        String before = browser.findElement(By.id("quota-text")).getText();
        assertThat(browser.findElement(By.id("upload-progress")).isDisplayed()).isFalse();
        Path file = Files.createTempFile("parley-upload", ".txt");
        Files.write(file, new byte[200_000]);
        browser.findElement(By.id("file")).sendKeys(file.toString());
        browser.findElement(By.id("upload-button")).click();
        waitFor(b -> b.findElement(By.id("upload-status")).getText().startsWith("Uploaded"));
        assertThat(browser.findElement(By.id("upload-progress")).getAttribute("value")).isEqualTo("100");
        assertThat(browser.findElement(By.id("quota-text")).getText()).isNotEqualTo(before).startsWith("200000 of");
        assertThat(browser.getCurrentUrl()).endsWith("/console/files");
        screenshot("files");
    }

    @Test
    void add_a_webhook_and_see_a_delivery_in_its_log() throws Exception {
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
        try {
            console.open("/console/webhooks");
            browser.findElement(By.id("url")).sendKeys("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook");
            browser.findElement(By.id("add-webhook")).submit();
            waitFor(b -> b.getCurrentUrl().contains("/console/webhooks/"));
            String device = Api.newDevice(owner.token(), "business");
            Api.awaitDeviceStatus(owner.token(), device, "online", TIMEOUT);
            Api.send(owner.token(), java.util.Map.of("phone", "+447911123002", "message", "for the hook"));
            waitFor(b -> !b.findElements(By.className("delivery")).isEmpty());
            assertThat(browser.findElement(By.className("delivery")).getText()).contains("delivered");
            screenshot("webhook-log");
        } finally {
            receiver.stop(0);
        }
    }

    private static <T> T waitFor(java.util.function.Function<WebDriver, T> condition) {
        return console.waitFor(condition);
    }

    private static void screenshot(String name) {
        console.screenshot(name);
    }
}
