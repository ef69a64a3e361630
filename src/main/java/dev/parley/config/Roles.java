package dev.parley.config;

import jakarta.enterprise.context.ApplicationScoped;

/** Answers which roles this process plays, so role checks read the same everywhere. */
@ApplicationScoped
public class Roles {

    private final ParleyConfig config;

    public Roles(ParleyConfig config) {
        this.config = config;
    }

    public boolean api() {
        return config.roles().contains(ParleyConfig.Role.api);
    }

    public boolean connector() {
        return config.roles().contains(ParleyConfig.Role.connector);
    }

    public boolean jobs() {
        return config.roles().contains(ParleyConfig.Role.jobs);
    }
}
