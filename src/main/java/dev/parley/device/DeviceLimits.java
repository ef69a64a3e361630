package dev.parley.device;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits on an account's devices; each device costs a session, a lane thread and periodic reloads. */
@ConfigMapping(prefix = "parley.devices")
public interface DeviceLimits {

    /** Most devices one account may hold, unless the operator set another number for that account. */
    @WithDefault("50")
    int maxPerAccount();
}
