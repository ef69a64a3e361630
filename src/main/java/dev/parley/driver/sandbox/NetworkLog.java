package dev.parley.driver.sandbox;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sandbox network's durable record of what it received: one line per accepted send,
 * {@code <instant>\t<device>\t<message id>\t<WhatsApp id>}, appended to a file before the send is acknowledged.
 * It only answers "what did the network see", across restarts and SIGKILLs of the process (each line is one
 * write to the file, so the OS keeps it whatever becomes of the process); no message body or number is written.
 * The sends found in the file when it is opened are those of earlier processes, whose receipts may have died with
 * them: the network delivers them again to a device that connects, as WhatsApp does to a reconnecting client.
 */
final class NetworkLog implements AutoCloseable {

    private final Path file;
    private final FileChannel channel;
    /** WhatsApp ids of the sends of earlier processes, by device; each device's are handed out once. */
    private final Map<String, List<String>> earlier = new ConcurrentHashMap<>();
    /** The WhatsApp id of every send in the file, by message id: the network's answer to "did this go out?". */
    private final Map<String, String> waIds = new ConcurrentHashMap<>();

    NetworkLog(Path file) {
        this.file = file;
        try {
            if (file.getParent() != null) {
                Files.createDirectories(file.getParent());
            }
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    String[] fields = line.split("\t");
                    if (fields.length == 4) {
                        earlier.computeIfAbsent(fields[1], device -> new ArrayList<>()).add(fields[3]);
                        waIds.put(fields[2], fields[3]);
                    }
                }
            }
            this.channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot open the sandbox network log " + file, e);
        }
    }

    /** Appends one accepted send; a failure fails the send, so the record never misses one. */
    synchronized void append(SandboxDriver.SentMessage message) {
        String line = message.at() + "\t" + message.deviceId() + "\t" + message.messageId() + "\t" + message.waId()
                + "\n";
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot append to the sandbox network log " + file, e);
        }
        waIds.put(message.messageId(), message.waId());
    }

    /** The WhatsApp id the network gave the message, by this process or an earlier one; null if it never went out. */
    String waIdOf(String messageId) {
        return waIds.get(messageId);
    }

    /** The WhatsApp ids of the device's sends by earlier processes, the first time it is asked; then none. */
    List<String> takeEarlierSends(String deviceId) {
        List<String> waIds = earlier.remove(deviceId);
        return waIds == null ? List.of() : waIds;
    }

    @Override
    public synchronized void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
