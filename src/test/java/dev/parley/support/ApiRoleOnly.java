package dev.parley.support;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * A process that plays only the api role: no connector drains and no job or dispatcher loop runs unless a test
 * starts it. Tests that need a quiet background share this one profile, so Quarkus boots the app for them once.
 */
public class ApiRoleOnly implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("parley.roles", "api");
    }
}
