package dev.parley.driver;

import dev.parley.device.DeviceStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What every {@link WhatsAppDriver} must do, run by each implementation's test. Implementations say how
 * to make a driver, which number is reachable and which is not on WhatsApp.
 */
public interface WhatsAppDriverContract {

    WhatsAppDriver driver();

    String reachableNumber();

    String numberNotOnWhatsapp();

    /** Records what the driver reports. */
    final class Recorder implements DriverListener {
        public final List<String> statuses = new CopyOnWriteArrayList<>();
        public final List<String> receipts = new CopyOnWriteArrayList<>();
        public final List<IncomingMessage> incoming = new CopyOnWriteArrayList<>();

        @Override
        public void onStatus(String deviceId, DeviceStatus status) {
            statuses.add(deviceId + ":" + status);
        }

        @Override
        public void onReceipt(String deviceId, String waId, Receipt receipt) {
            receipts.add(waId + ":" + receipt);
        }

        @Override
        public void onIncoming(String deviceId, IncomingMessage message) {
            incoming.add(message);
        }
    }

    @Test
    default void a_connected_device_reports_online_and_sends_with_a_delivery_receipt() throws Exception {
        WhatsAppDriver driver = driver();
        Recorder recorder = new Recorder();
        driver.start(recorder);
        driver.connect("dev-1", "+447911123456");
        assertThat(recorder.statuses).contains("dev-1:online");

        SendResult result = driver.send("dev-1", OutboundMessage.text("m1", reachableNumber(), "hi"));

        assertThat(result).isInstanceOf(SendResult.Sent.class);
        String waId = ((SendResult.Sent) result).waId();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(5));
        while (!recorder.receipts.contains(waId + ":delivered") && Instant.now().isBefore(deadline)) {
            Thread.sleep(20);
        }
        assertThat(recorder.receipts).contains(waId + ":delivered");
    }

    @Test
    default void a_number_not_on_whatsapp_is_a_permanent_failure() {
        WhatsAppDriver driver = driver();
        driver.start(new Recorder());
        driver.connect("dev-2", "+447911123456");
        assertThat(driver.send("dev-2", OutboundMessage.text("m2", numberNotOnWhatsapp(), "hi")))
                .isInstanceOf(SendResult.PermanentFailure.class);
    }

    @Test
    default void a_device_without_a_session_cannot_send_but_does_not_throw() {
        WhatsAppDriver driver = driver();
        driver.start(new Recorder());
        assertThat(driver.send("never-connected", OutboundMessage.text("m3", reachableNumber(), "hi")))
                .isInstanceOf(SendResult.TemporaryFailure.class);
    }
}
