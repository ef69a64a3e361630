package dev.parley.crash;

import dev.parley.support.Api;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/** Reads the sandbox network's durable record ({@code parley.driver.sandbox.network-log}): every send it accepted. */
record NetworkRecord(Path file) {

    /** One send the network accepted. */
    record Send(Instant at, String deviceId, String messageId, String waId) {
    }

    /** The sends of these messages, in the order the network accepted them. */
    List<Send> sends(Set<String> messageIds) {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return Files.readAllLines(file).stream().map(line -> line.split("\t")).filter(f -> f.length == 4)
                    .map(f -> new Send(Instant.parse(f[0]), f[1], f[2], f[3]))
                    .filter(send -> messageIds.contains(send.messageId())).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until the network has seen at least {@code count} sends of these messages; answers how many. */
    int awaitSeen(Set<String> messageIds, int count) {
        return Api.await(() -> {
            int seen = sends(messageIds).size();
            return seen >= count ? seen : null;
        }, Duration.ofMinutes(5), () -> count + " sends seen by the network; it saw " + sends(messageIds).size());
    }
}
