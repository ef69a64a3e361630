package dev.parley.account;

import io.smallrye.mutiny.Uni;

import java.util.List;

/** Checks that the devices a new token is limited to belong to its account; implemented by the device feature. */
public interface TokenDevices {

    /** Fails with a 404 naming {@code field[i]} for the first id that is not a device of the account. */
    Uni<Void> requireOwned(String accountId, List<String> deviceIds, String field);
}
