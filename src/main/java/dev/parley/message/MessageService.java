package dev.parley.message;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.parley.common.Ids;
import dev.parley.common.PhoneNumber;
import dev.parley.config.ParleyConfig;
import dev.parley.device.Device;
import dev.parley.device.DeviceService;
import dev.parley.device.DeviceStatus;
import dev.parley.error.ApiException;
import dev.parley.queue.OutboundQueue;
import dev.parley.queue.QueueAddress;
import dev.parley.queue.QueuedMessage;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Accepts outbound messages (record first, then queue) and reads them back for their account. */
@ApplicationScoped
public class MessageService {

    private static final Logger LOG = Logger.getLogger(MessageService.class);
    /** WhatsApp's own limit on a text message. */
    static final int MAX_TEXT_LENGTH = 4096;
    static final int MAX_REFERENCE_LENGTH = 100;

    private final MessageStore store;
    private final OutboundQueue queue;
    private final DeviceService devices;
    private final ParleyConfig config;
    private final ObjectMapper json;
    private final Clock clock;

    public MessageService(MessageStore store, OutboundQueue queue, DeviceService devices, ParleyConfig config,
                          ObjectMapper json, Clock clock) {
        this.store = store;
        this.queue = queue;
        this.devices = devices;
        this.config = config;
        this.json = json;
        this.clock = clock;
    }

    public Uni<MessageRecord> send(String accountId, SendMessageRequest request) {
        if (request == null) {
            throw ApiException.invalid("phone", "phone is required");
        }
        PhoneNumber phone = PhoneNumber.of(request.phone(), "phone");
        String text = request.message();
        if (text == null || text.isBlank()) {
            throw ApiException.invalid("message", "message must not be empty");
        }
        if (text.length() > MAX_TEXT_LENGTH) {
            throw ApiException.invalid("message", "message must be at most " + MAX_TEXT_LENGTH + " characters");
        }
        if (request.reference() != null && request.reference().length() > MAX_REFERENCE_LENGTH) {
            throw ApiException.invalid("reference", "reference must be at most " + MAX_REFERENCE_LENGTH + " characters");
        }
        return resolveDevice(accountId, request.device()).flatMap(device -> {
            Instant now = clock.instant();
            MessageRecord record = new MessageRecord(Ids.newId(now), accountId, device.id, device.shard, phone.e164(),
                    text, request.reference(), Priority.normal, MessageStatus.queued, 0, null, null, now, now,
                    null, null, null, null);
            QueueAddress address = new QueueAddress(device.shard, record.priority());
            return store.insert(record)
                    .flatMap(ignored -> queue.enqueue(address, new QueuedMessage(record.id(), accountId, device.id),
                            Duration.ZERO))
                    .invoke(() -> LOG.debugf("Queued message=%s device=%s account=%s", record.id(), device.id, accountId))
                    .replaceWith(record);
        });
    }

    public Uni<MessageRecord> get(String accountId, String id) {
        if (!Ids.isId(id)) {
            throw ApiException.notFound("Message", "id");
        }
        return store.get(id).invoke(record -> {
            if (record == null || !record.accountId().equals(accountId)) {
                throw ApiException.notFound("Message", "id");
            }
        });
    }

    public Uni<MessagePage> list(String accountId, String status, String deviceId, String size, String cursor) {
        int pageSize = parseSize(size);
        if (pageSize < 1 || pageSize > config.api().maxPageSize()) {
            throw ApiException.invalid("size", "size must be between 1 and " + config.api().maxPageSize());
        }
        MessageStatus statusFilter = null;
        if (status != null && !status.isBlank()) {
            try {
                statusFilter = MessageStatus.valueOf(status.trim());
            } catch (IllegalArgumentException e) {
                throw ApiException.invalid("status", "status must be one of " + List.of(MessageStatus.values()));
            }
        }
        String device = deviceId == null || deviceId.isBlank() ? null : deviceId.trim();
        Map<String, AttributeValue> after = decodeCursor(cursor, accountId, device);
        MessageStore.Filter filter = new MessageStore.Filter(accountId, device, statusFilter);
        // A device filter must name one of the caller's devices: a foreign one is a 404, not an empty page.
        Uni<Void> deviceCheck = device == null ? Uni.createFrom().voidItem()
                : devices.get(accountId, device).replaceWithVoid();
        return deviceCheck.flatMap(ignored -> store.list(filter, pageSize, after)).map(page -> new MessagePage(
                page.items().stream().map(MessageView::of).toList(), encodeCursor(page.next())));
    }

    private int parseSize(String size) {
        try {
            return size == null || size.isBlank() ? config.api().defaultPageSize() : Integer.parseInt(size.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private Uni<Device> resolveDevice(String accountId, String deviceId) {
        if (deviceId != null && !deviceId.isBlank()) {
            return devices.get(accountId, deviceId.trim());
        }
        return devices.list(accountId).map(all -> {
            if (all.isEmpty()) {
                throw ApiException.invalid("device", "This account has no device yet: create one with POST /v1/devices");
            }
            if (all.size() == 1) {
                return all.getFirst();
            }
            return all.stream().filter(d -> d.status == DeviceStatus.online).findFirst()
                    .orElseThrow(() -> ApiException.invalid("device",
                            "No device is online; name the device to queue the message for it"));
        });
    }

    private String encodeCursor(Map<String, AttributeValue> key) {
        if (key == null) {
            return null;
        }
        Map<String, String> plain = new HashMap<>();
        key.forEach((k, v) -> plain.put(k, v.s()));
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(json.writeValueAsBytes(plain));
        } catch (Exception e) {
            throw new IllegalStateException("A cursor always serializes", e);
        }
    }

    private Map<String, AttributeValue> decodeCursor(String cursor, String accountId, String deviceId) {
        if (cursor == null || cursor.isBlank()) {
            return null;
        }
        Map<String, String> plain;
        try {
            plain = json.readValue(Base64.getUrlDecoder().decode(cursor.trim()), new TypeReference<>() {
            });
        } catch (Exception e) {
            throw ApiException.invalid("cursor", "cursor is not one this API returned");
        }
        boolean sameScope = deviceId == null
                ? accountId.equals(plain.get("accountId")) && plain.containsKey("created")
                : deviceId.equals(plain.get("deviceId")) && plain.containsKey("created");
        if (!sameScope || plain.get("id") == null) {
            throw ApiException.invalid("cursor", "cursor belongs to a different listing");
        }
        Map<String, AttributeValue> key = new HashMap<>();
        plain.forEach((k, v) -> key.put(k, MessageStore.s(v)));
        return key;
    }

}
