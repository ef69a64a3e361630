package dev.parley.webhook;

import dev.parley.error.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Decides which URLs webhooks may call. A URL must be absolute http(s) (https only when
 * {@code parley.webhooks.require-https}), and every address its host resolves to must be public (not
 * loopback, private, link-local, unspecified, multicast, unique-local, shared (CGNAT), reserved or
 * documentation space, nor an IPv6 form embedding such an IPv4 address) or lie in one of the operator's
 * {@code parley.webhooks.allowed-private-cidrs}. Link-local addresses, where cloud metadata services
 * answer, are refused whatever that list says. The check runs when an endpoint is saved and again, on a
 * fresh resolution, before every request, which then goes to exactly the address that was checked (so DNS
 * rebinding cannot move it). Refusals name the host, never the address it resolved to.
 */
@ApplicationScoped
public class WebhookTargets {

    /** Turns a host name into addresses; the system resolver in production. */
    @FunctionalInterface
    public interface Resolver {
        InetAddress[] resolve(String host) throws UnknownHostException;
    }

    /** A target the policy refuses; its message says why, without secrets. */
    public static final class RefusedTarget extends Exception {
        public RefusedTarget(String message) {
            super(message);
        }
    }

    private static final Logger LOG = Logger.getLogger(WebhookTargets.class);
    private static final int MAX_URL_LENGTH = 2048;

    // IPv4 ranges that are not publicly routable unicast (RFC 6890 and friends): address, prefix length.
    private static final List<int[]> BLOCKED_V4 = List.of(
            v4(0, 0, 0, 0, 8),          // "this network", including 0.0.0.0
            v4(10, 0, 0, 0, 8),         // private
            v4(100, 64, 0, 0, 10),      // shared address space (carrier-grade NAT)
            v4(127, 0, 0, 0, 8),        // loopback
            v4(169, 254, 0, 0, 16),     // link-local, including cloud metadata endpoints
            v4(172, 16, 0, 0, 12),      // private
            v4(192, 0, 0, 0, 24),       // IETF protocol assignments
            v4(192, 0, 2, 0, 24),       // documentation
            v4(192, 168, 0, 0, 16),     // private
            v4(198, 18, 0, 0, 15),      // benchmarking
            v4(198, 51, 100, 0, 24),    // documentation
            v4(203, 0, 113, 0, 24),     // documentation
            v4(224, 0, 0, 0, 4),        // multicast
            v4(240, 0, 0, 0, 4));       // reserved, including broadcast

    /** What the deprecated {@code allow-private-targets=true} still allows. */
    static final List<String> LOOPBACK = List.of("127.0.0.0/8", "::1/128");

    // Never a webhook target, whatever the operator allows: link-local (IPv4 and IPv6), where cloud metadata
    // services answer (169.254.169.254 and AWS's IPv6 fd00:ec2::254, which is unique-local, not link-local).
    private static final List<Cidr> NEVER = List.of(Cidr.parse("169.254.0.0/16"), Cidr.parse("fe80::/10"),
            Cidr.parse("fd00:ec2::254/128"));

    private final boolean requireHttps;
    private final List<Cidr> allowedPrivate;
    private final Resolver resolver;

    @Inject
    public WebhookTargets(WebhooksConfig config) {
        this(config.requireHttps(), allowed(config), InetAddress::getAllByName);
    }

    /**
     * @param allowedPrivate CIDR blocks of non-public addresses that are allowed anyway
     * @throws IllegalArgumentException naming a block that does not parse
     */
    public WebhookTargets(boolean requireHttps, List<String> allowedPrivate, Resolver resolver) {
        this.requireHttps = requireHttps;
        this.allowedPrivate = allowedPrivate.stream().map(Cidr::parse).toList();
        this.resolver = resolver;
        for (Cidr block : this.allowedPrivate) {
            if (NEVER.stream().anyMatch(never -> never.contains(block.network()) || block.contains(never.network()))) {
                LOG.warnf("parley.webhooks.allowed-private-cidrs: %s overlaps link-local or metadata addresses,"
                        + " which stay refused", block);
            }
        }
    }

    @SuppressWarnings("deprecation")
    /** The private blocks {@code config} allows: its CIDR list, plus loopback under the deprecated boolean. */
    public static List<String> allowed(WebhooksConfig config) {
        List<String> blocks = new ArrayList<>(config.allowedPrivateCidrs().orElse(List.of()));
        if (config.allowPrivateTargets()) {
            LOG.warn("parley.webhooks.allow-private-targets is deprecated and now allows loopback only;"
                    + " use parley.webhooks.allowed-private-cidrs");
            blocks.addAll(LOOPBACK);
        }
        return blocks;
    }

    /** The URL parsed, or a 400 naming {@code url} when it is not one webhooks may use; does no DNS. */
    public URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw ApiException.invalid("url", "url is required");
        }
        if (url.length() > MAX_URL_LENGTH) {
            throw ApiException.invalid("url", "url must be at most " + MAX_URL_LENGTH + " characters");
        }
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            throw ApiException.invalid("url", "url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw ApiException.invalid("url", "url must be an absolute http(s) URL");
        }
        if (requireHttps && !scheme.equals("https")) {
            throw ApiException.invalid("url", "url must use https");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw ApiException.invalid("url", "url must name a host");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw ApiException.invalid("url", "url port must be between 1 and 65535");
        }
        if (uri.getRawUserInfo() != null) {
            throw ApiException.invalid("url", "url must not carry credentials; verify requests by their signature");
        }
        if (uri.getRawFragment() != null) {
            throw ApiException.invalid("url", "url must not have a fragment");
        }
        return uri;
    }

    /**
     * Every address of the URL's host, first one to connect to, when the policy allows them all.
     *
     * @throws RefusedTarget        when an address is not public and private targets are not allowed
     * @throws UnknownHostException when the host does not resolve
     */
    public List<InetAddress> resolve(URI uri) throws RefusedTarget, UnknownHostException {
        String host = host(uri);
        InetAddress[] addresses = resolver.resolve(host);
        if (addresses == null || addresses.length == 0) {
            throw new UnknownHostException(host);
        }
        for (InetAddress address : addresses) {
            if (!isAllowed(address)) {
                // The address stays out of the message: it would map internal names for whoever set the URL.
                throw new RefusedTarget("host " + host + " resolves to a non-public address");
            }
        }
        return Arrays.asList(addresses);
    }

    /** Whether requests may go to {@code address}: public, or allowed by the operator and not link-local. */
    public boolean isAllowed(InetAddress address) {
        if (isPublic(address)) {
            return true;
        }
        byte[] embedded = address instanceof Inet6Address ? embeddedV4(address.getAddress()) : null;
        if (isNeverAllowed(address.getAddress()) || (embedded != null && isNeverAllowed(embedded))) {
            return false;
        }
        return allowedPrivate.stream().anyMatch(block -> block.contains(address));
    }

    /** Whether {@code address} is link-local or a cloud metadata address, which no setting allows. */
    static boolean isNeverAllowed(byte[] address) {
        return NEVER.stream().anyMatch(block -> block.contains(address));
    }

    /** The check the API runs when a URL is saved: a 400 naming {@code url} when it is refused. Blocking (DNS). */
    public void check(URI uri) {
        try {
            resolve(uri);
        } catch (RefusedTarget e) {
            throw ApiException.invalid("url", "url targets a non-public address: " + e.getMessage());
        } catch (UnknownHostException e) {
            throw ApiException.invalid("url", "url host " + host(uri) + " does not resolve");
        }
    }

    /** The URL's host without IPv6 brackets. */
    public static String host(URI uri) {
        String host = uri.getHost();
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    /** The URL's port, or its scheme's default. */
    public static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** Whether an address is publicly routable unicast. */
    public static boolean isPublic(InetAddress address) {
        if (address instanceof Inet4Address) {
            return isPublicV4(address.getAddress());
        }
        byte[] b = address.getAddress();
        if (address.isAnyLocalAddress() || address.isLoopbackAddress() || address.isLinkLocalAddress()
                || address.isSiteLocalAddress() || address.isMulticastAddress()) {
            return false;
        }
        if ((b[0] & 0xfe) == 0xfc) {
            return false; // fc00::/7 unique local
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x01 && (b[2] & 0xff) == 0x0d && (b[3] & 0xff) == 0xb8) {
            return false; // 2001:db8::/32 documentation
        }
        byte[] embedded = embeddedV4(b);
        return embedded == null || isPublicV4(embedded);
    }

    /** The IPv4 address an IPv6 form carries (compatible, mapped, NAT64, 6to4), or null. */
    private static byte[] embeddedV4(byte[] b) {
        boolean compatible = allZero(b, 0, 12) && !allZero(b, 12, 15);
        boolean mapped = allZero(b, 0, 10) && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff;
        boolean nat64 = (b[0] & 0xff) == 0x00 && (b[1] & 0xff) == 0x64 && (b[2] & 0xff) == 0xff
                && (b[3] & 0xff) == 0x9b && allZero(b, 4, 12);
        if (compatible || mapped || nat64) {
            return Arrays.copyOfRange(b, 12, 16);
        }
        if ((b[0] & 0xff) == 0x20 && (b[1] & 0xff) == 0x02) {
            return Arrays.copyOfRange(b, 2, 6); // 6to4 embeds the IPv4 address
        }
        return null;
    }

    private static boolean isPublicV4(byte[] b) {
        int value = ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
        for (int[] range : BLOCKED_V4) {
            int mask = range[1] == 0 ? 0 : -1 << (32 - range[1]);
            if ((value & mask) == (range[0] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static boolean allZero(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static int[] v4(int a, int b, int c, int d, int prefix) {
        return new int[]{(a << 24) | (b << 16) | (c << 8) | d, prefix};
    }
}
