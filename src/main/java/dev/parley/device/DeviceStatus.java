package dev.parley.device;

/**
 * Connection state of a device: pending until its first session comes up; linking while it offers a QR or
 * pairing code to be scanned; then online or offline; logged_out once WhatsApp ended the link (it must be
 * linked again).
 */
public enum DeviceStatus {
    pending, linking, online, offline, logged_out
}
