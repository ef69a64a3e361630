package dev.parley.device;

/** Connection state of a device: pending until its first session comes up, then online or offline. */
public enum DeviceStatus {
    pending, online, offline
}
