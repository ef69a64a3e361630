package dev.parley.driver;

import dev.parley.config.ParleyConfig;
import dev.parley.driver.sandbox.SandboxDriver;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

@QuarkusTest
class SandboxDriverTest implements WhatsAppDriverContract {

    @Inject
    ParleyConfig config;

    @Override
    public WhatsAppDriver driver() {
        return new SandboxDriver(config, java.time.Clock.systemUTC());
    }

    @Override
    public String reachableNumber() {
        return "+447911123001";
    }

    @Override
    public String numberNotOnWhatsapp() {
        return "+447911120000";
    }

    @Test
    void a_device_switched_offline_reports_it_and_cannot_send_until_back_online() {
        SandboxDriver driver = new SandboxDriver(config, java.time.Clock.systemUTC());
        Recorder recorder = new Recorder();
        driver.start(recorder);
        driver.connect("d", "+447911123456");
        driver.setOnline("d", false);
        assertThat(driver.send("d", OutboundMessage.text("m", reachableNumber(), "x")))
                .isInstanceOf(SendResult.TemporaryFailure.class);
        driver.setOnline("d", true);
        assertThat(driver.send("d", OutboundMessage.text("m", reachableNumber(), "x")))
                .isInstanceOf(SendResult.Sent.class);
        assertThat(recorder.statuses).containsExactly("d:online", "d:offline", "d:online");
        assertThat(driver.sent("d")).hasSize(1);
    }
}
