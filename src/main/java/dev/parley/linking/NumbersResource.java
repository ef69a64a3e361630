package dev.parley.linking;

import com.fasterxml.jackson.databind.JsonNode;
import dev.parley.account.Caller;
import dev.parley.common.PhoneNumber;
import dev.parley.device.DeviceService;
import dev.parley.error.ApiException;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Whether phone numbers are on WhatsApp, asked through one of the caller's online devices (a device command). */
@Path("/v1/numbers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public class NumbersResource {

    static final int MAX_NUMBERS = 50;

    private final DeviceService devices;
    private final DeviceCommands commands;
    private final Caller caller;

    public NumbersResource(DeviceService devices, DeviceCommands commands, Caller caller) {
        this.devices = devices;
        this.commands = commands;
        this.caller = caller;
    }

    /** Numbers to check (1 to 50, international form) and, optionally, the device to ask through. */
    public record CheckRequest(List<String> numbers, String device) {
    }

    /** One number: as E.164, whether it is on WhatsApp, and WhatsApp's id for it (or null). */
    public record NumberView(String phone, boolean exists, String waId) {
    }

    /** The answer, in the order asked, and the device that asked. */
    public record CheckView(String device, List<NumberView> data) {
    }

    @POST
    @Path("check")
    public Uni<CheckView> check(CheckRequest body) {
        if (body == null || body.numbers() == null || body.numbers().isEmpty()) {
            throw ApiException.invalid("numbers", "numbers must list 1 to " + MAX_NUMBERS + " phone numbers");
        }
        if (body.numbers().size() > MAX_NUMBERS) {
            throw ApiException.invalid("numbers", "at most " + MAX_NUMBERS + " numbers per request");
        }
        List<String> phones = new ArrayList<>();
        for (int i = 0; i < body.numbers().size(); i++) {
            phones.add(PhoneNumber.of(body.numbers().get(i), "numbers[" + i + "]").e164());
        }
        return devices.getOrDefault(caller.access(), body.device(), "to check numbers through it")
                .flatMap(device -> commands.run(device, DeviceCommand.Op.checkNumbers, Map.of("phones", phones), "numbers")
                        .map(answer -> {
                            List<NumberView> data = new ArrayList<>();
                            for (JsonNode r : answer.path("results")) {
                                data.add(new NumberView(r.path("phone").asText(), r.path("exists").asBoolean(),
                                        r.path("waId").isTextual() ? r.path("waId").asText() : null));
                            }
                            return new CheckView(device.id, data);
                        }));
    }
}
