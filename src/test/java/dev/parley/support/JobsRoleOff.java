package dev.parley.support;

import io.quarkus.test.junit.QuarkusTestProfile;

import java.util.Map;

/**
 * The api and connector roles only: no scheduled job and no webhook dispatcher loop runs, so only a test's own
 * invocations move anything (nothing moves dead letters back behind its back). Lanes keep at most 100 entries,
 * so a backlog overflows them whatever the plan's rate. One profile for every such test: each costs a restart.
 */
public class JobsRoleOff implements QuarkusTestProfile {

    @Override
    public Map<String, String> getConfigOverrides() {
        return Map.of("parley.roles", "api,connector", "parley.connector.lane-max-entries", "100");
    }
}
