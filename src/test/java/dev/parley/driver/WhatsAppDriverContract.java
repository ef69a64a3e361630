package dev.parley.driver;

import dev.parley.common.MessageContent;
import dev.parley.device.DeviceStatus;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * What every {@link WhatsAppDriver} engine must do, as a real network behaves: everything is reported
 * asynchronously (a device is not online when {@code connect} returns, a receipt may beat {@code send}'s
 * return), connections drop and come back, links end, unlinked devices offer a code to scan. Each engine's
 * test implements this interface and says how to make a driver on a fresh network and how to act on it.
 */
public interface WhatsAppDriverContract {

    /** How long an engine may take to report an event; generous for a loaded build machine. */
    Duration EVENT_WAIT = Duration.ofSeconds(10);
    /** How long "nothing happens" is watched for. */
    Duration QUIET = Duration.ofMillis(500);
    String PHONE = "+447911123456";

    /** A driver on a fresh network, with the handle to that network. */
    record Harness(WhatsAppDriver driver, WhatsAppNetwork network) {
    }

    /** A fresh network and its driver. */
    Harness harness();

    /** A fresh network that acknowledges sends at once, so receipts may reach the listener before send returns. */
    Harness instantlyAcknowledgingHarness();

    /** Records what the driver reports, in order. */
    final class Recorder implements DriverListener {
        public final List<String> statuses = new CopyOnWriteArrayList<>();
        public final List<String> receipts = new CopyOnWriteArrayList<>();
        public final List<IncomingMessage> incoming = new CopyOnWriteArrayList<>();
        public final List<LinkingCode> codes = new CopyOnWriteArrayList<>();

        @Override
        public void onStatus(String deviceId, DeviceStatus status) {
            statuses.add(deviceId + ":" + status);
        }

        @Override
        public void onLinking(String deviceId, LinkingCode code) {
            codes.add(code);
        }

        @Override
        public void onReceipt(String deviceId, String waId, Receipt receipt) {
            receipts.add(waId + ":" + receipt);
        }

        @Override
        public void onIncoming(String deviceId, IncomingMessage message) {
            incoming.add(message);
        }

        public void awaitStatus(String deviceId, DeviceStatus status) {
            await().atMost(EVENT_WAIT).until(() -> statuses.contains(deviceId + ":" + status));
        }

        public String lastStatus() {
            return statuses.isEmpty() ? null : statuses.getLast();
        }
    }

    static OutboundMessage text(String messageId, String to, String text) {
        return new OutboundMessage(messageId, to, new MessageContent(MessageContent.Kind.text, text, null, null, null),
                null);
    }

    /** Starts a driver with a recorder and connects {@code deviceId}, waiting until it reports online. */
    private static Recorder online(Harness harness, String deviceId) {
        Recorder recorder = new Recorder();
        harness.driver().start(recorder);
        harness.driver().connect(deviceId, PHONE);
        recorder.awaitStatus(deviceId, DeviceStatus.online);
        return recorder;
    }

    @Test
    default void a_connected_device_reports_online_and_sends_with_a_delivery_receipt() {
        Harness harness = harness();
        Recorder recorder = online(harness, "dev-1");

        SendResult result = harness.driver().send("dev-1", text("m1", harness.network().reachableNumber(), "hi"));

        assertThat(result).isInstanceOf(SendResult.Sent.class);
        String waId = ((SendResult.Sent) result).waId();
        await().atMost(EVENT_WAIT).until(() -> recorder.receipts.contains(waId + ":delivered"));
    }

    @Test
    default void a_read_receipt_reaches_the_listener_with_the_id_send_returned() {
        Harness harness = harness();
        Recorder recorder = online(harness, "dev-r");
        String waId = ((SendResult.Sent) harness.driver().send("dev-r",
                text("m", harness.network().reachableNumber(), "hi"))).waId();

        harness.network().receipt("dev-r", waId, Receipt.read);

        await().atMost(EVENT_WAIT).until(() -> recorder.receipts.contains(waId + ":read"));
    }

    @Test
    default void a_receipt_may_arrive_before_send_returns_and_carries_the_id_send_returns() {
        Harness harness = instantlyAcknowledgingHarness();
        Recorder recorder = online(harness, "dev-fast");

        SendResult result = harness.driver().send("dev-fast", text("m", harness.network().reachableNumber(), "hi"));

        String waId = ((SendResult.Sent) result).waId();
        await().atMost(EVENT_WAIT).until(() -> recorder.receipts.contains(waId + ":delivered"));
    }

    @Test
    default void a_number_not_on_whatsapp_is_a_permanent_failure() {
        Harness harness = harness();
        online(harness, "dev-2");
        assertThat(harness.driver().send("dev-2", text("m2", harness.network().numberNotOnWhatsapp(), "hi")))
                .isInstanceOf(SendResult.PermanentFailure.class);
    }

    @Test
    default void a_device_without_a_session_cannot_send_but_does_not_throw() {
        Harness harness = harness();
        harness.driver().start(new Recorder());
        assertThat(harness.driver().send("never-connected", text("m3", harness.network().reachableNumber(), "hi")))
                .isInstanceOf(SendResult.TemporaryFailure.class);
    }

    @Test
    default void incoming_messages_arrive_with_their_chat_sender_content_and_quote() {
        Harness harness = harness();
        Recorder recorder = online(harness, "dev-in");
        WhatsAppNetwork network = harness.network();
        String from = network.reachableNumber();
        MessageContent text = new MessageContent(MessageContent.Kind.text, "hello", null, null, null);
        MessageContent media = new MessageContent(MessageContent.Kind.media, null, null,
                new MessageContent.Media("https://example.com/a.jpg", MessageContent.MediaType.image, "a photo", null, null),
                null);
        MessageContent location = new MessageContent(MessageContent.Kind.location, null, null, null,
                new MessageContent.Location(51.5, -0.12, null, "London"));

        String first = network.incoming("dev-in", from, from, text, null);
        network.incoming("dev-in", from, from, media, null);
        network.incoming("dev-in", from, from, location, null);
        network.incoming("dev-in", "12036302@g.us", from, text, null);
        network.incoming("dev-in", from, from, text, first);

        await().atMost(EVENT_WAIT).until(() -> recorder.incoming.size() == 5);
        List<IncomingMessage> in = recorder.incoming;
        assertThat(in).allSatisfy(m -> {
            assertThat(m.waId()).isNotBlank();
            assertThat(m.from()).isEqualTo(from);
            assertThat(m.at()).isNotNull();
        });
        assertThat(in.get(0).waId()).isEqualTo(first);
        assertThat(in.get(0).text()).isEqualTo("hello");
        assertThat(in.get(0).inGroup()).isFalse();
        assertThat(in.get(1).content().kind()).isEqualTo(MessageContent.Kind.media);
        assertThat(in.get(1).text()).isEqualTo("a photo");
        assertThat(in.get(2).content().location().name()).isEqualTo("London");
        assertThat(in.get(3).chat()).isEqualTo("12036302@g.us");
        assertThat(in.get(3).inGroup()).isTrue();
        assertThat(in.get(4).quotedWaId()).isEqualTo(first);
    }

    @Test
    default void a_dropped_connection_reports_offline_fails_sends_temporarily_and_comes_back_online() {
        Harness harness = harness();
        Recorder recorder = online(harness, "dev-3");
        String to = harness.network().reachableNumber();

        harness.network().dropConnection("dev-3");
        await().atMost(EVENT_WAIT).until(() -> "dev-3:offline".equals(recorder.lastStatus()));
        assertThat(harness.driver().send("dev-3", text("m", to, "x"))).isInstanceOf(SendResult.TemporaryFailure.class);

        harness.network().restoreConnection("dev-3");
        await().atMost(EVENT_WAIT).until(() -> "dev-3:online".equals(recorder.lastStatus()));
        assertThat(harness.driver().send("dev-3", text("m", to, "x"))).isInstanceOf(SendResult.Sent.class);
    }

    @Test
    default void a_logged_out_device_reports_it_and_cannot_send() {
        Harness harness = harness();
        Recorder recorder = online(harness, "dev-4");

        harness.network().logOut("dev-4");

        recorder.awaitStatus("dev-4", DeviceStatus.logged_out);
        assertThat(harness.driver().send("dev-4", text("m", harness.network().reachableNumber(), "x")))
                .isInstanceOf(SendResult.TemporaryFailure.class);
    }

    @Test
    default void an_unlinked_device_offers_a_code_and_comes_online_once_it_is_scanned() {
        Harness harness = harness();
        Recorder recorder = new Recorder();
        harness.driver().start(recorder);
        harness.network().unlinked("dev-5");

        harness.driver().connect("dev-5", PHONE);

        recorder.awaitStatus("dev-5", DeviceStatus.linking);
        await().atMost(EVENT_WAIT).until(() -> !recorder.codes.isEmpty());
        assertThat(recorder.statuses).doesNotContain("dev-5:online");
        assertThat(harness.driver().send("dev-5", text("m", harness.network().reachableNumber(), "x")))
                .isInstanceOf(SendResult.TemporaryFailure.class);

        assertThat(harness.network().scan("dev-5", recorder.codes.getLast())).isTrue();

        recorder.awaitStatus("dev-5", DeviceStatus.online);
        assertThat(harness.driver().send("dev-5", text("m", harness.network().reachableNumber(), "x")))
                .isInstanceOf(SendResult.Sent.class);
    }

    @Test
    default void a_disconnected_device_reports_nothing_more_and_cannot_send() {
        Harness harness = harness();
        Recorder recorder = online(harness, "dev-6");
        int reported = recorder.statuses.size();

        harness.driver().disconnect("dev-6");
        harness.network().dropConnection("dev-6");

        await().during(QUIET).atMost(QUIET.plus(EVENT_WAIT)).until(() -> recorder.statuses.size() == reported);
        assertThat(harness.driver().send("dev-6", text("m", harness.network().reachableNumber(), "x")))
                .isInstanceOf(SendResult.TemporaryFailure.class);
    }

    @Test
    default void an_unlinked_device_gives_a_pairing_code_and_comes_online_once_it_is_entered() {
        Harness harness = harness();
        Recorder recorder = new Recorder();
        harness.driver().start(recorder);
        harness.network().unlinked("dev-7");
        harness.driver().connect("dev-7", PHONE);
        recorder.awaitStatus("dev-7", DeviceStatus.linking);

        LinkingCode code = harness.driver().pairingCode("dev-7", PHONE);

        assertThat(code.kind()).isEqualTo(LinkingCode.Kind.pairing);
        assertThat(code.value()).hasSize(8);
        assertThat(harness.network().scan("dev-7", code)).isTrue();
        recorder.awaitStatus("dev-7", DeviceStatus.online);
    }

    @Test
    default void a_linked_device_refuses_a_pairing_code() {
        Harness harness = harness();
        online(harness, "dev-8");

        assertThatThrownBy(() -> harness.driver().pairingCode("dev-8", PHONE))
                .isInstanceOfSatisfying(DriverRefusal.class, r -> assertThat(r.reason()).isEqualTo("already_linked"));
    }

    @Test
    default void logout_reports_logged_out_and_connecting_again_offers_a_new_code() {
        Harness harness = harness();
        Recorder recorder = online(harness, "dev-9");

        harness.driver().logout("dev-9");

        recorder.awaitStatus("dev-9", DeviceStatus.logged_out);
        assertThat(harness.driver().send("dev-9", text("m", harness.network().reachableNumber(), "x")))
                .isNotInstanceOf(SendResult.Sent.class);
        int codes = recorder.codes.size();
        harness.network().unlinked("dev-9");
        harness.driver().connect("dev-9", PHONE);
        recorder.awaitStatus("dev-9", DeviceStatus.linking);
        await().atMost(EVENT_WAIT).until(() -> recorder.codes.size() > codes);
    }

    @Test
    default void numbers_are_checked_through_an_online_device() {
        Harness harness = harness();
        online(harness, "dev-10");
        String yes = harness.network().reachableNumber();
        String no = harness.network().numberNotOnWhatsapp();

        List<NumberCheck> checks = harness.driver().checkNumbers("dev-10", List.of(yes, no));

        assertThat(checks).extracting(NumberCheck::phone, NumberCheck::exists)
                .containsExactly(tuple(yes, true), tuple(no, false));
        assertThat(checks.getFirst().waId()).isEqualTo(yes.substring(1) + "@s.whatsapp.net");
        assertThat(checks.get(1).waId()).isNull();
    }

    @Test
    default void a_profile_change_reaches_the_network_through_an_online_device() {
        Harness harness = harness();
        online(harness, "dev-11");
        byte[] picture = new byte[1234];

        harness.driver().updateProfile("dev-11", new ProfileUpdate("Corner Shop", "Open 9-5", picture));
        harness.driver().updateProfile("dev-11", new ProfileUpdate(null, "Closed today", null));

        await().atMost(EVENT_WAIT).until(() -> harness.network().actions("dev-11").size() == 4);
        assertThat(harness.network().actions("dev-11"))
                .containsExactly("name:Corner Shop", "about:Open 9-5", "picture:1234 bytes", "about:Closed today");
    }

    @Test
    default void reading_a_chat_and_typing_in_it_reach_the_network() {
        Harness harness = harness();
        Recorder recorder = online(harness, "dev-12");
        String from = harness.network().reachableNumber();
        String waId = harness.network().incoming("dev-12", from, from,
                new MessageContent(MessageContent.Kind.text, "hello", null, null, null), null);
        await().atMost(EVENT_WAIT).until(() -> recorder.incoming.size() == 1);

        harness.driver().markRead("dev-12", from, List.of(waId));
        harness.driver().showPresence("dev-12", from, Presence.composing);
        harness.driver().showPresence("dev-12", from, Presence.paused);

        assertThat(harness.network().actions("dev-12")).containsExactly("read:" + from + ":" + waId,
                "presence:composing:" + from, "presence:paused:" + from);
    }

    @Test
    default void a_device_that_is_not_online_refuses_profile_read_and_presence() {
        Harness harness = harness();
        harness.driver().start(new Recorder());
        String to = harness.network().reachableNumber();

        assertThatThrownBy(() -> harness.driver().updateProfile("dev-13", new ProfileUpdate("x", null, null)))
                .isInstanceOf(DriverRefusal.class);
        assertThatThrownBy(() -> harness.driver().markRead("dev-13", to, List.of("W1")))
                .isInstanceOf(DriverRefusal.class);
        assertThatThrownBy(() -> harness.driver().showPresence("dev-13", to, Presence.composing))
                .isInstanceOf(DriverRefusal.class);
    }
}
