package dev.parley.event;

import java.util.List;

/** The event types Parley emits; webhooks subscribe to a subset of them. */
public final class EventTypes {

    public static final String MESSAGE_OUT_SENT = "message:out:sent";
    public static final String MESSAGE_OUT_DELIVERED = "message:out:delivered";
    public static final String MESSAGE_OUT_READ = "message:out:read";
    public static final String MESSAGE_OUT_RETRY = "message:out:retry";
    public static final String MESSAGE_OUT_FAILED = "message:out:failed";
    public static final String MESSAGE_OUT_EXPIRED = "message:out:expired";
    public static final String MESSAGE_OUT_REMOVED = "message:out:removed";
    public static final String MESSAGE_IN_NEW = "message:in:new";
    public static final String DEVICE_STATUS_UPDATE = "device:status:update";
    /** A file expired and the cleanup job deleted it. */
    public static final String FILE_EXPIRED = "file:expired";

    public static final List<String> ALL = List.of(MESSAGE_OUT_SENT, MESSAGE_OUT_DELIVERED, MESSAGE_OUT_READ,
            MESSAGE_OUT_RETRY, MESSAGE_OUT_FAILED, MESSAGE_OUT_EXPIRED, MESSAGE_OUT_REMOVED, MESSAGE_IN_NEW,
            DEVICE_STATUS_UPDATE, FILE_EXPIRED);

    private EventTypes() {
    }
}
