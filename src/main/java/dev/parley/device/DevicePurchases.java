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
}
