package dev.parley.linking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.common.Ids;
import dev.parley.device.Device;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The API's side of device commands (ADR 0012): leaves a command for the connector that holds the device and
 * waits for its answer, reading the command back, so API and connector need not share a process. A command not
 * taken by its deadline is never run later; a refusal becomes a problem naming {@code field}.
 */
@ApplicationScoped
public class DeviceCommands {

    /** A command claimed just before its deadline may still be answering: it gets this long more. */
    private static final Duration RUNNING_GRACE = Duration.ofSeconds(5);
    private static final int RETRY_AFTER_SECONDS = 5;

    private final DeviceCommandStore store;
    private final LinkingConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public DeviceCommands(DeviceCommandStore store, LinkingConfig config, ObjectMapper json, Clock clock) {
        this.store = store;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    /** Runs {@code op} on the device's connector and answers its answer; {@code field} names the input in problems. */
    public Uni<JsonNode> run(Device device, DeviceCommand.Op op, Object payload, String field) {
        Instant now = clock.instant();
        String body;
        try {
            body = json.writeValueAsString(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        DeviceCommand command = DeviceCommand.pending(device.id, Ids.newId(now), op, body,
                now.plus(config.answerTimeout()));
        return store.submit(command, device.shard).flatMap(ignored -> answer(command, field));
    }

    private Uni<JsonNode> answer(DeviceCommand command, String field) {
        return store.get(command.deviceId(), command.id()).flatMap(now -> {
            if (now != null && now.status() == DeviceCommand.Status.done) {
                return Uni.createFrom().item(parse(now.answer()));
            }
            if (now != null && now.status() == DeviceCommand.Status.failed) {
                return Uni.createFrom().failure(refused(now, field));
            }
            Instant giveUp = command.deadline().plus(now != null && now.status() == DeviceCommand.Status.running
                    ? RUNNING_GRACE : Duration.ZERO);
            if (clock.instant().isAfter(giveUp)) {
                return Uni.createFrom().failure(new ApiException(503, "device-unreachable", "No connector holding device "
                        + command.deviceId() + " answered within " + config.answerTimeout().toSeconds()
                        + " s; the command was not run", "id", RETRY_AFTER_SECONDS));
            }
            return Uni.createFrom().voidItem().onItem().delayIt().by(config.answerPoll())
                    .flatMap(ignored -> answer(command, field));
        });
    }

    private JsonNode parse(String answer) {
        try {
            return json.readTree(answer == null ? "{}" : answer);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ApiException refused(DeviceCommand command, String field) {
        String reason = command.reason();
        String detail = command.message() == null ? reason : command.message();
        return switch (reason) {
            case "invalid_recipient", "bad_request" -> ApiException.invalid(field, detail);
            case "already_linked" -> new ApiException(409, "already-linked", "The device is linked already; log it "
                    + "out first to link another phone", "id");
            case "not_connected", "unknown_device" -> new ApiException(409, "device-not-connected", "The device is not "
                    + "connected to WhatsApp now (" + detail + "); link it or wait until it is online", "id",
                    RETRY_AFTER_SECONDS);
            default -> new ApiException(503, "device-unreachable", "The device's WhatsApp engine could not run the "
                    + "command (" + reason + ")", "id", RETRY_AFTER_SECONDS);
        };
    }
}
