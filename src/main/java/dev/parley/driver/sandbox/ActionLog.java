package dev.parley.driver.sandbox;

import dev.parley.driver.Presence;
import dev.parley.driver.ProfileUpdate;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What the sandbox's devices did besides sending (profile changes, chats read, presence shown), one line each in
 * the form the driver contract's network reports: {@code name:…}, {@code about:…}, {@code picture:<n> bytes},
 * {@code read:<chat>:<waId>}, {@code presence:<type>[:<chat>]}. Bounded per device, since a demo runs for long.
 */
final class ActionLog {

    private static final int PER_DEVICE = 1_000;

    private final Map<String, List<String>> actions = new ConcurrentHashMap<>();

    void profile(String deviceId, ProfileUpdate update) {
        if (update.name() != null) {
            add(deviceId, "name:" + update.name());
        }
        if (update.about() != null) {
            add(deviceId, "about:" + update.about());
        }
        if (update.picture() != null) {
            add(deviceId, "picture:" + update.picture().length + " bytes");
        }
    }

    void read(String deviceId, String chat, List<String> waIds) {
        waIds.forEach(waId -> add(deviceId, "read:" + chat + ":" + waId));
    }

    void presence(String deviceId, String chat, Presence presence) {
        add(deviceId, "presence:" + presence + (chat == null ? "" : ":" + chat));
    }

    List<String> of(String deviceId) {
        return List.copyOf(actions.getOrDefault(deviceId, List.of()));
    }

    private void add(String deviceId, String action) {
        List<String> list = actions.computeIfAbsent(deviceId, id -> new CopyOnWriteArrayList<>());
        list.add(action);
        if (list.size() > PER_DEVICE) {
            list.removeFirst();
        }
    }
}
