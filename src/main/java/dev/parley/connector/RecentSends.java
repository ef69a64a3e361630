package dev.parley.connector;

import jakarta.enterprise.context.ApplicationScoped;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The messages this process sent lately, by device and WhatsApp id, so that their receipts find them without the
 * {@code wa-id} index query and the read that checks the device. Memory only and bounded: a receipt it does not
 * know (sent by another process, before a restart, or long ago) is looked up in the store as before.
 */
@ApplicationScoped
public class RecentSends {

    /** About an hour of an enterprise device's sends for 20 devices; an entry is ~200 bytes. */
    static final int CAPACITY = 50_000;

    private final Map<String, String> byWaId = new LinkedHashMap<>(1024, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > CAPACITY;
        }
    };

    /** Notes that {@code messageId} went out from {@code deviceId} as {@code waId}, its outcome recorded. */
    public synchronized void sent(String deviceId, String waId, String messageId) {
        byWaId.put(key(deviceId, waId), messageId);
    }

    /** The message this process sent from {@code deviceId} as {@code waId}, or null when it does not know it. */
    public synchronized String find(String deviceId, String waId) {
        return byWaId.get(key(deviceId, waId));
    }

    private static String key(String deviceId, String waId) {
        return deviceId + '\n' + waId;
    }
}
