package dev.parley.account;

import dev.parley.error.ApiException;

import java.util.Set;

/**
 * What a presented API token may do: its account, the devices it is limited to (empty: every device of the
 * account) and whether it may only read.
 */
public record Access(String accountId, Set<String> devices, boolean readOnly) {

    public Access {
        devices = devices == null ? Set.of() : Set.copyOf(devices);
    }

    /** Full access to an account, as its unrestricted tokens and the console's sessions have. */
    public static Access full(String accountId) {
        return new Access(accountId, Set.of(), false);
    }

    /** Whether the token is limited to some devices. */
    public boolean deviceLimited() {
        return !devices.isEmpty();
    }

    /** Whether the token may see and use the device; a device outside its limit is answered as unknown (404). */
    public boolean sees(String deviceId) {
        return devices.isEmpty() || devices.contains(deviceId);
    }

    /**
     * The device filter of a listing: {@code named} (404 when the token does not see it), or, for a token
     * limited to one device, that device; a token of several devices must name one (400 naming {@code field}).
     */
    public String deviceFilter(String named, String field) {
        if (named != null) {
            if (!sees(named)) {
                throw ApiException.notFound("Device", field);
            }
            return named;
        }
        if (!deviceLimited()) {
            return null;
        }
        if (devices.size() != 1) {
            throw ApiException.invalid(field, "This token is limited to " + devices.size()
                    + " devices: name one of them in " + field);
        }
        return devices.iterator().next();
    }
}
