package dev.parley.device;

/**
 * Connection state of a device: pending until its first session comes up; linking while it offers a QR or
 * pairing code to be scanned; then online or offline; logged_out once WhatsApp ended the link (it must be
 * linked again); forbidden when WhatsApp refuses the account (banned, blocked, or replaced by another client):
 * nothing reconnects it until a person acts and links it again.
 */
public enum DeviceStatus {
    pending, linking, online, offline, logged_out, forbidden;

    /** Whether only a person can bring the device back (by linking it again): no session is started for it. */
    public boolean needsPerson() {
        return this == logged_out || this == forbidden;
    }
}
