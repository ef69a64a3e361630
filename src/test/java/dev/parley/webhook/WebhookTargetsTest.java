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
            "internal.example.com", List.of("10.0.0.7"),
            "metadata.example.com", List.of("169.254.169.254"),
            "metadata6.example.com", List.of("fd00:ec2::254"),
            "link.example.com", List.of("fe80::1"),
            "local.example.com", List.of("127.0.0.1", "::1"));

    private final WebhookTargets production = new WebhookTargets(true, List.of(), WebhookTargetsTest::resolve);
    private final WebhookTargets loopbackOnly = new WebhookTargets(false, WebhookTargets.LOOPBACK,
            WebhookTargetsTest::resolve);

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
                .isInstanceOf(WebhookTargets.RefusedTarget.class)
                .hasMessage("host rebound.example.com resolves to a non-public address");
        assertThatThrownBy(() -> production.check(URI.create("https://internal.example.com/in")))
                .isInstanceOf(ApiException.class).hasMessageContaining("non-public").hasMessageNotContaining("10.0.0.7");
        assertThatThrownBy(() -> production.check(URI.create("https://nowhere.example.com/in")))
                .isInstanceOf(ApiException.class).hasMessageContaining("does not resolve");
    }

    @Test
    void private_targets_pass_only_within_the_allowed_blocks() throws Exception {
        WebhookTargets internal = new WebhookTargets(false, List.of("10.0.0.0/8"), WebhookTargetsTest::resolve);
        assertThat(internal.resolve(URI.create("http://internal.example.com/in"))).hasSize(1);
        assertThatThrownBy(() -> internal.resolve(URI.create("http://local.example.com/in")))
                .isInstanceOf(WebhookTargets.RefusedTarget.class);

        assertThat(loopbackOnly.resolve(URI.create("http://local.example.com/in"))).hasSize(2);
        assertThat(loopbackOnly.parse("http://127.0.0.1:8080/in").getPort()).isEqualTo(8080);
        assertThatThrownBy(() -> loopbackOnly.resolve(URI.create("http://internal.example.com/in")))
                .isInstanceOf(WebhookTargets.RefusedTarget.class);
    }

    @Test
    void link_local_and_metadata_addresses_are_refused_whatever_the_operator_allows() throws Exception {
        WebhookTargets everything = new WebhookTargets(false, List.of("0.0.0.0/0", "::/0", "169.254.0.0/16",
                "fe80::/10", "fd00:ec2::254/128"), WebhookTargetsTest::resolve);
        assertThat(everything.resolve(URI.create("http://internal.example.com/in"))).hasSize(1);
        for (String host : List.of("metadata.example.com", "metadata6.example.com", "link.example.com")) {
            assertThatThrownBy(() -> everything.resolve(URI.create("http://" + host + "/in"))).as(host)
                    .isInstanceOf(WebhookTargets.RefusedTarget.class)
                    .hasMessage("host " + host + " resolves to a non-public address");
        }
        for (String address : List.of("169.254.169.254", "169.254.1.1", "fe80::1", "febf::1", "fd00:ec2::254",
                "::ffff:169.254.169.254", "64:ff9b::a9fe:a9fe", "2002:a9fe:a9fe::1")) {
            assertThat(everything.isAllowed(InetAddress.getByName(address))).as(address).isFalse();
        }
        assertThat(everything.isAllowed(InetAddress.getByName("fd00:ec2::253"))).isTrue();
    }

    @Test
    void allowed_blocks_must_be_literal_cidr_blocks() {
        for (String bad : List.of("", "localhost", "10.0.0.0/33", "::1/129", "10.0.0.0/x", "10.0.0.0/-1")) {
            assertThatThrownBy(() -> new WebhookTargets(false, List.of(bad), WebhookTargetsTest::resolve)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'" + bad + "'");
        }
        assertThat(Cidr.parse("10.1.2.3/8").contains(InetAddress.getLoopbackAddress())).isFalse();
        assertThat(Cidr.parse("127.0.0.0/8").toString()).isEqualTo("127.0.0.0/8");
        assertThat(Cidr.parse("::1").toString()).isEqualTo("0:0:0:0:0:0:0:1/128");
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
