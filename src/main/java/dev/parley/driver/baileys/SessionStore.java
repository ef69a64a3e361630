package dev.parley.driver.baileys;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;

/**
 * A device's WhatsApp session as the engine keeps it: its credentials and its signal keys, as opaque JSON
 * strings. Every method blocks (never call it on an event loop) and a write returns only once it is durable.
 */
public interface SessionStore {

    /** Creates the store's table if it is missing (local and test set-ups). */
    void provision();

    /** The device's credentials, or empty for a device never linked (or wiped). */
    Optional<String> creds(String deviceId);

    /** Replaces the device's credentials. */
    void saveCreds(String deviceId, String creds);

    /** The stored keys of one type among {@code ids}, by id; missing ids are absent. */
    Map<String, String> keys(String deviceId, String type, Collection<String> ids);

    /** Writes keys by type and id; a null value deletes that key. */
    void saveKeys(String deviceId, Map<String, Map<String, String>> byType);

    /** Deletes the device's credentials and every key (after a logout). */
    void wipe(String deviceId);
}
