package dev.parley.driver;

import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DriverConfigTest {

    private static DriverConfig driver(Map<String, String> env) {
        return new SmallRyeConfigBuilder()
                // Expressions in defaults are expanded, as in Quarkus.
                .addDefaultInterceptors()
                .withMapping(DriverConfig.class)
                .withSources(new EnvConfigSource(env, 300))
                .build()
                .getConfigMapping(DriverConfig.class);
    }

    @Test
    void the_sandbox_is_the_default_engine() {
        assertThat(driver(Map.of()).type()).isEqualTo("sandbox");
    }

    @Test
    void the_engine_is_named_by_PARLEY_DRIVER_TYPE_or_the_shorter_PARLEY_DRIVER() {
        assertThat(driver(Map.of("PARLEY_DRIVER_TYPE", "baileys")).type()).isEqualTo("baileys");
        assertThat(driver(Map.of("PARLEY_DRIVER", "baileys")).type()).isEqualTo("baileys");
        assertThat(driver(Map.of("PARLEY_DRIVER", "other", "PARLEY_DRIVER_TYPE", "baileys")).type())
                .isEqualTo("baileys");
    }
}
