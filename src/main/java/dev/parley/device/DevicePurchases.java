package dev.parley.device;

import io.smallrye.mutiny.Uni;

/**
 * What a new device needs before it is usable: nothing with billing off ({@link FreeDevices}); with billing on a
 * paid subscription, started by {@link #startPurchase} (implemented by the billing feature).
 */
public interface DevicePurchases {

    /** Whether new devices must be paid for; they are then created {@link BillingStatus#pending_payment}. */
    boolean required();

    /** Starts paying for a just-created device: sets its checkout URL (and stores it). */
    Uni<Device> startPurchase(Device device);

    /**
     * Stops paying for a device its owner is deleting, before it is deleted: its subscription ends now, without
     * refund. A failure leaves the device as it was (the owner tries again), so nobody pays for a deleted device.
     */
    default Uni<Void> endPurchase(Device device) {
        return Uni.createFrom().voidItem();
    }
}
