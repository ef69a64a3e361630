package dev.parley.linking;

import dev.parley.account.Caller;
import dev.parley.common.Ids;
import dev.parley.common.PhoneNumber;
import dev.parley.device.DeviceService;
import dev.parley.driver.Presence;
import dev.parley.error.ApiException;
import dev.parley.message.MessageRequestValidator;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a linked device does at WhatsApp besides sending: change its profile, mark a chat read, show typing.
 * Each needs the device's session, so it goes to the connector holding it as a command (ADR 0012).
 */
@Path("/v1/devices")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class DeviceActionsResource {

    /** WhatsApp's limits on a profile's name and about text. */
    static final int MAX_NAME_LENGTH = 25;
    static final int MAX_ABOUT_LENGTH = 139;
    static final int MAX_READ_MESSAGES = 100;
    private static final int MAX_WA_ID_LENGTH = 128;

    private final DeviceService devices;
    private final DeviceCommands commands;
    private final Caller caller;

    public DeviceActionsResource(DeviceService devices, DeviceCommands commands, Caller caller) {
        this.devices = devices;
        this.commands = commands;
        this.caller = caller;
    }

    /** Profile fields to change; those left out stay. {@code picture} is the id of a stored image file. */
    public record ProfileRequest(String name, String about, String picture) {
    }

    /** The profile change as made. */
    public record ProfileView(String device, String name, String about, String picture) {
    }

    /** Messages received in a chat (E.164 or group id) to mark read, by WhatsApp id. */
    public record ReadRequest(String chat, List<String> messages) {
    }

    /** What was marked read. */
    public record ReadView(String device, String chat, int read) {
    }

    /** A presence to show: typing ({@code composing}), {@code recording}, {@code paused} in a chat, or available/unavailable. */
    public record PresenceRequest(String state, String chat) {
    }

    /** The presence shown. */
    public record PresenceView(String device, String state, String chat) {
    }

    /** Changes the device's WhatsApp profile: display name, about text, picture (a stored file's id). */
    @PATCH
    @Path("{id}/profile")
    public Uni<ProfileView> profile(@PathParam("id") String id, ProfileRequest body) {
        if (body == null || (body.name() == null && body.about() == null && body.picture() == null)) {
            throw ApiException.invalid("name", "give at least one of name, about, picture");
        }
        if (body.name() != null && (body.name().isBlank() || body.name().length() > MAX_NAME_LENGTH)) {
            throw ApiException.invalid("name", "name must be 1 to " + MAX_NAME_LENGTH + " characters");
        }
        if (body.about() != null && body.about().length() > MAX_ABOUT_LENGTH) {
            throw ApiException.invalid("about", "about must be at most " + MAX_ABOUT_LENGTH + " characters");
        }
        if (body.picture() != null && !Ids.isId(body.picture())) {
            throw ApiException.invalid("picture", "picture must be the id of a stored file (POST /v1/files)");
        }
        Map<String, Object> payload = new HashMap<>();
        putIfSet(payload, "name", body.name());
        putIfSet(payload, "about", body.about());
        putIfSet(payload, "picture", body.picture());
        // the only input the connector can still find wrong is the picture (gone, or too large)
        return devices.get(caller.accountId(), id).flatMap(device -> commands
                .run(device, DeviceCommand.Op.profile, payload, "picture")
                .map(answer -> new ProfileView(device.id, body.name(), body.about(), body.picture())));
    }

    /** Marks messages the device received in a chat as read: their senders see blue ticks. */
    @POST
    @Path("{id}/read")
    public Uni<ReadView> read(@PathParam("id") String id, ReadRequest body) {
        if (body == null) {
            throw ApiException.invalid("chat", "chat and messages are required");
        }
        String chat = chat(body.chat(), true);
        List<String> messages = body.messages();
        if (messages == null || messages.isEmpty() || messages.size() > MAX_READ_MESSAGES) {
            throw ApiException.invalid("messages", "messages must list 1 to " + MAX_READ_MESSAGES
                    + " WhatsApp message ids");
        }
        for (int i = 0; i < messages.size(); i++) {
            String waId = messages.get(i);
            if (waId == null || waId.isBlank() || waId.length() > MAX_WA_ID_LENGTH) {
                throw ApiException.invalid("messages[" + i + "]", "a WhatsApp message id (waId) is required");
            }
        }
        return devices.get(caller.accountId(), id).flatMap(device -> commands
                .run(device, DeviceCommand.Op.markRead, Map.of("chat", chat, "messages", messages), "messages")
                .map(answer -> new ReadView(device.id, chat, messages.size())));
    }

    /** Shows a presence: typing or recording in a chat (until {@code paused} or WhatsApp's timeout), or available. */
    @POST
    @Path("{id}/presence")
    public Uni<PresenceView> presence(@PathParam("id") String id, PresenceRequest body) {
        Presence state;
        try {
            state = Presence.valueOf(body == null || body.state() == null ? "" : body.state());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("state", "state must be one of " + Arrays.toString(Presence.values()));
        }
        String chat = chat(body.chat(), state.inChat());
        Map<String, Object> payload = new HashMap<>();
        payload.put("state", state.name());
        putIfSet(payload, "chat", chat);
        return devices.get(caller.accountId(), id).flatMap(device -> commands
                .run(device, DeviceCommand.Op.presence, payload, "chat")
                .map(answer -> new PresenceView(device.id, state.name(), chat)));
    }

    /** The chat as E.164 or a group id; null when absent and not {@code required}. */
    private static String chat(String chat, boolean required) {
        if (chat == null) {
            if (required) {
                throw ApiException.invalid("chat", "chat (E.164 number or group id) is required");
            }
            return null;
        }
        return MessageRequestValidator.isGroupId(chat) ? chat : PhoneNumber.of(chat, "chat").e164();
    }

    private static void putIfSet(Map<String, Object> payload, String field, String value) {
        if (value != null) {
            payload.put(field, value);
        }
    }
}
