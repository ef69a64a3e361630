package dev.parley.support;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * A process that plays only the api role: no connector drains and no job or dispatcher loop runs unless a test
 * starts it, so only a test's own invocations move anything. Lanes keep at most 100 entries, so a backlog overflows
 * them whatever the plan's rate. Tests that need a quiet background share this one profile: each profile costs
 * Quarkus a restart.
 */
public class ApiRoleOnly implements QuarkusTestProfile {
    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("parley.roles", "api", "parley.connector.lane-max-entries", "100");
    }
}
