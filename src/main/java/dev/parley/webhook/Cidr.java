package dev.parley.webhook;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** An address block such as {@code 127.0.0.0/8} or {@code ::1/128}; IPv4 blocks match only IPv4 addresses. */
record Cidr(byte[] network, int prefix) {

    Cidr {
        network = network.clone();
    }

    /**
     * Parses {@code address/prefix} (a bare address is a block of one).
     *
     * @throws IllegalArgumentException naming the value when it is not a literal address block
     */
    static Cidr parse(String value) {
        String text = value == null ? "" : value.trim();
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        // Literal addresses only: a name here would mean a DNS lookup while reading configuration.
        if (address.isEmpty() || !address.matches("[0-9a-fA-F:.]+")) {
            throw new IllegalArgumentException("'" + value + "' is not a CIDR block such as 127.0.0.0/8 or ::1/128");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("'" + value + "' is not a CIDR block such as 127.0.0.0/8 or ::1/128");
        }
        int bits = bytes.length * 8;
        int prefix;
        try {
            prefix = slash < 0 ? bits : Integer.parseInt(text.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' has no valid prefix length");
        }
        if (prefix < 0 || prefix > bits) {
            throw new IllegalArgumentException("'" + value + "' has a prefix length outside 0.." + bits);
        }
        return new Cidr(bytes, prefix);
    }

    /** Whether {@code address} lies in this block (same family only). */
    boolean contains(InetAddress address) {
        return contains(address.getAddress());
    }

    boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof Cidr that && prefix == that.prefix && Arrays.equals(network, that.network);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(network) + prefix;
    }

    @Override
    public String toString() {
        try {
            return InetAddress.getByAddress(network).getHostAddress() + "/" + prefix;
        } catch (UnknownHostException e) {
            throw new IllegalStateException("4 or 16 bytes always make an address", e);
        }
    }
}
