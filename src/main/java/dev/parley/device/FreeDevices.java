package dev.parley.device;

import io.quarkus.arc.DefaultBean;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Devices cost nothing: the default when no billing feature provides {@link DevicePurchases}. */
@DefaultBean
@ApplicationScoped
public class FreeDevices implements DevicePurchases {

    @Override
    public boolean required() {
        return false;
    }

    @Override
    public Uni<Device> startPurchase(Device device) {
        return Uni.createFrom().item(device);
    }
}
