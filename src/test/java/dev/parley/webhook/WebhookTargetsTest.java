package dev.parley.webhook;

import dev.parley.error.ApiException;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The address policy on its own, with a resolver the test controls. */
class WebhookTargetsTest {

    private static final Map<String, List<String>> DNS = Map.of(
            "hooks.example.com", List.of("93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"),
            "rebound.example.com", List.of("93.184.215.14", "127.0.0.1"),
            "internal.example.com", List.of("10.0.0.7"));

    private final WebhookTargets production = new WebhookTargets(true, false, WebhookTargetsTest::resolve);

    @Test
    void public_addresses_pass_and_every_non_public_kind_is_refused() throws Exception {
        for (String address : List.of("93.184.215.14", "8.8.8.8", "1.1.1.1", "2606:4700:4700::1111")) {
            assertThat(WebhookTargets.isPublic(InetAddress.getByName(address))).as(address).isTrue();
        }
        for (String address : List.of("127.0.0.1", "127.8.9.10", "10.0.0.1", "172.16.0.1", "172.31.255.255",
                "192.168.0.1", "169.254.169.254", "0.0.0.0", "100.64.0.1", "198.18.0.1", "224.0.0.251",
                "255.255.255.255", "192.0.2.1", "::1", "::", "fe80::1", "fc00::1", "fd12:3456::1", "ff02::1",
                "fec0::1", "::ffff:10.0.0.1", "64:ff9b::a00:1", "2002:0a00:0001::1", "2001:db8::1")) {
            assertThat(WebhookTargets.isPublic(InetAddress.getByName(address))).as(address).isFalse();
        }
    }

    @Test
    void a_host_is_refused_when_any_of_its_addresses_is_not_public() throws Exception {
        assertThat(production.resolve(URI.create("https://hooks.example.com/in"))).hasSize(2);
        assertThatThrownBy(() -> production.resolve(URI.create("https://rebound.example.com/in")))
                .isInstanceOf(WebhookTargets.RefusedTarget.class).hasMessageContaining("127.0.0.1");
        assertThatThrownBy(() -> production.check(URI.create("https://internal.example.com/in")))
                .isInstanceOf(ApiException.class).hasMessageContaining("non-public");
        assertThatThrownBy(() -> production.check(URI.create("https://nowhere.example.com/in")))
                .isInstanceOf(ApiException.class).hasMessageContaining("does not resolve");
    }

    @Test
    void private_targets_pass_when_allowed() throws Exception {
        WebhookTargets dev = new WebhookTargets(false, true, WebhookTargetsTest::resolve);
        assertThat(dev.resolve(URI.create("http://internal.example.com/in"))).hasSize(1);
        assertThat(dev.parse("http://127.0.0.1:8080/in").getPort()).isEqualTo(8080);
    }

    @Test
    void urls_must_be_absolute_https_without_credentials() {
        assertThatThrownBy(() -> production.parse("http://hooks.example.com/in")).hasMessage("url must use https");
        assertThatThrownBy(() -> production.parse("/relative")).hasMessageContaining("absolute");
        assertThatThrownBy(() -> production.parse("https://u:p@hooks.example.com/")).hasMessageContaining("credentials");
        assertThat(production.parse("https://hooks.example.com/in?tenant=7").getRawQuery()).isEqualTo("tenant=7");
        assertThat(WebhookTargets.port(URI.create("https://hooks.example.com/in"))).isEqualTo(443);
        assertThat(WebhookTargets.host(URI.create("https://[2606:4700::1]/in"))).isEqualTo("2606:4700::1");
    }

    private static InetAddress[] resolve(String host) throws UnknownHostException {
        List<String> addresses = DNS.get(host);
        if (addresses == null) {
            throw new UnknownHostException(host);
        }
        InetAddress[] result = new InetAddress[addresses.size()];
        for (int i = 0; i < result.length; i++) {
            result[i] = InetAddress.getByAddress(host, InetAddress.getByName(addresses.get(i)).getAddress());
        }
        return result;
    }
}
