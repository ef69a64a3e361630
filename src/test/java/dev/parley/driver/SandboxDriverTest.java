package dev.parley.driver;

import dev.parley.common.MessageContent;
import dev.parley.device.DeviceStatus;
import dev.parley.driver.sandbox.SandboxConfig;
import dev.parley.driver.sandbox.SandboxDriver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class SandboxDriverTest implements WhatsAppDriverContract {

    private static final String REACHABLE = "+447911123001";

    /** The sandbox's default rules, with the test profile's timings and receipts after {@code deliveryDelay}. */
    static SandboxConfig rules(Duration deliveryDelay) {
        return rules(deliveryDelay, 1000);
    }

    /** The default rules, keeping {@code sentHistory} sent messages per device. */
    static SandboxConfig rules(Duration deliveryDelay, int sentHistory) {
        return rules(deliveryDelay, sentHistory, null);
    }

    /** The default rules, appending every accepted send to {@code networkLog} when it is not null. */
    static SandboxConfig rules(Duration deliveryDelay, int sentHistory, Path networkLog) {
        return new SandboxConfig() {
            @Override
            public String notOnWhatsapp() {
                return ".*0000$";
            }

            @Override
            public String transientFailure() {
                return ".*9999$";
            }

            @Override
            public Duration sendLatency() {
                return Duration.ofMillis(5);
            }

            @Override
            public Duration deliveryDelay() {
                return deliveryDelay;
            }

            @Override
            public boolean autoOnline() {
                return true;
            }

            @Override
            public int sentHistory() {
                return sentHistory;
            }

            @Override
            public Optional<String> networkLog() {
                return Optional.ofNullable(networkLog).map(Path::toString);
            }
        };
    }

    /** The sandbox's operator controls, as the contract's network handle. */
    record SandboxNetwork(SandboxDriver sandbox) implements WhatsAppNetwork {

        @Override
        public String reachableNumber() {
            return REACHABLE;
        }

        @Override
        public String numberNotOnWhatsapp() {
            return "+447911120000";
        }

        @Override
        public void unlinked(String deviceId) {
            sandbox.logOut(deviceId);
        }

        @Override
        public boolean scan(String deviceId, LinkingCode code) {
            return sandbox.scan(deviceId, code.value());
        }

        @Override
        public void dropConnection(String deviceId) {
            sandbox.setOnline(deviceId, false);
        }

        @Override
        public void restoreConnection(String deviceId) {
            sandbox.setOnline(deviceId, true);
        }

        @Override
        public void logOut(String deviceId) {
            sandbox.logOut(deviceId);
        }

        @Override
        public String incoming(String deviceId, String chat, String from, MessageContent content, String quotedWaId) {
            return sandbox.injectIncoming(deviceId, from, chat.equals(from) ? null : chat, content, quotedWaId);
        }

        @Override
        public void receipt(String deviceId, String waId, Receipt receipt) {
            sandbox.receipt(deviceId, waId, receipt);
        }

        @Override
        public List<String> actions(String deviceId) {
            return sandbox.actions(deviceId);
        }
    }

    private static Harness harness(Duration deliveryDelay) {
        SandboxDriver driver = new SandboxDriver(rules(deliveryDelay), Clock.systemUTC());
        return new Harness(driver, new SandboxNetwork(driver));
    }

    @Override
    public Harness harness() {
        return harness(Duration.ofMillis(100));
    }

    @Override
    public Harness instantlyAcknowledgingHarness() {
        return harness(Duration.ZERO);
    }

    @Test
    void a_device_switched_offline_reports_it_and_cannot_send_until_back_online() {
        SandboxDriver driver = new SandboxDriver(rules(Duration.ofMillis(100)), Clock.systemUTC());
        Recorder recorder = new Recorder();
        driver.start(recorder);
        driver.connect("d", "+447911123456");
        driver.setOnline("d", false);
        assertThat(driver.send("d", WhatsAppDriverContract.text("m", REACHABLE, "x")))
                .isInstanceOf(SendResult.TemporaryFailure.class);
        driver.setOnline("d", true);
        assertThat(driver.send("d", WhatsAppDriverContract.text("m", REACHABLE, "x")))
                .isInstanceOf(SendResult.Sent.class);
        await().atMost(EVENT_WAIT).until(() -> recorder.statuses.size() == 3);
        assertThat(recorder.statuses).containsExactly("d:online", "d:offline", "d:online");
        assertThat(driver.sent("d")).hasSize(1);
    }

    @Test
    void the_sent_history_keeps_the_last_messages_of_each_device_up_to_its_bound() {
        SandboxDriver driver = new SandboxDriver(rules(Duration.ZERO, 3), Clock.systemUTC());
        driver.start(new Recorder());
        driver.connect("d", "+447911123456");
        driver.connect("e", "+447911123457");
        for (int i = 1; i <= 5; i++) {
            driver.send("d", WhatsAppDriverContract.text("m" + i, REACHABLE, "x" + i));
        }
        driver.send("e", WhatsAppDriverContract.text("e1", REACHABLE, "y"));

        assertThat(driver.sent("d")).extracting(SandboxDriver.SentMessage::messageId).containsExactly("m3", "m4", "m5");
        assertThat(driver.sent("e")).extracting(SandboxDriver.SentMessage::messageId).containsExactly("e1");
        assertThat(driver.waIdOf("d", "m5")).isEqualTo(driver.sent("d").getLast().waId());
        assertThat(driver.waIdOf("d", "m1")).as("forgotten").isNull();
        assertThatThrownBy(() -> new SandboxDriver(rules(Duration.ZERO, 0), Clock.systemUTC()))
                .hasMessageContaining("sent-history");
    }

    @Test
    void with_no_delivery_delay_the_receipt_is_reported_before_send_returns() {
        SandboxDriver driver = new SandboxDriver(rules(Duration.ZERO), Clock.systemUTC());
        Recorder recorder = new Recorder();
        driver.start(recorder);
        driver.connect("d", "+447911123456");

        String waId = ((SendResult.Sent) driver.send("d", WhatsAppDriverContract.text("m", REACHABLE, "x"))).waId();

        assertThat(recorder.receipts).containsExactly(waId + ":delivered");
    }

    @Test
    void a_wrong_code_does_not_link_a_device() {
        SandboxDriver driver = new SandboxDriver(rules(Duration.ofMillis(100)), Clock.systemUTC());
        Recorder recorder = new Recorder();
        driver.start(recorder);
        driver.logOut("d");
        driver.connect("d", "+447911123456");
        recorder.awaitStatus("d", DeviceStatus.linking);

        assertThat(driver.scan("d", "not-the-code")).isFalse();

        assertThat(driver.isOnline("d")).isFalse();
        assertThat(driver.linkingCode("d")).isNotNull();
    }

    @Test
    void the_network_log_keeps_every_accepted_send_across_driver_instances_and_nothing_else(@TempDir Path dir)
            throws IOException {
        Path log = dir.resolve("network/sent.log");
        SandboxDriver first = new SandboxDriver(rules(Duration.ZERO, 1, log), Clock.systemUTC());
        first.start(new Recorder());
        first.connect("d", "+447911123456");
        String waId = ((SendResult.Sent) first.send("d", WhatsAppDriverContract.text("m1", REACHABLE, "secret")))
                .waId();
        first.send("d", WhatsAppDriverContract.text("m2", "+447911120000", "not on WhatsApp"));
        first.send("d", WhatsAppDriverContract.text("m3", "+447911129999", "transient failure"));

        // a restarted process: a new driver on the same file appends to what the network saw
        SandboxDriver second = new SandboxDriver(rules(Duration.ZERO, 1, log), Clock.systemUTC());
        Recorder restarted = new Recorder();
        second.start(restarted);
        second.connect("d", "+447911123456");
        // the receipt of a send by the earlier process may have died with it: the network delivers it again
        await().atMost(EVENT_WAIT).until(() -> restarted.receipts.contains(waId + ":delivered"));
        second.send("d", WhatsAppDriverContract.text("m4", REACHABLE, "again"));

        List<String[]> lines = Files.readAllLines(log).stream().map(line -> line.split("\t")).toList();
        assertThat(lines).extracting(fields -> fields[1] + ":" + fields[2]).containsExactly("d:m1", "d:m4");
        assertThat(lines.getFirst()[3]).isEqualTo(waId);
        assertThat(Files.readString(log)).doesNotContain("secret", REACHABLE);
    }
}
