package dev.parley.account;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** What make run prints when it starts on data kept from an earlier run. */
class DemoAccountTest {

    @Test
    void restartBannerSaysWhereTheDataIsAndHowToGetAToken() {
        String banner = DemoAccount.restartBanner(8081, Optional.of("/home/me/parley/data"));

        assertThat(banner)
                .contains("http://localhost:8081")
                .contains("Data kept from an earlier run in /home/me/parley/data")
                .contains("make token")
                .contains("make reset")
                .doesNotContain("export TOKEN=");
    }

    @Test
    void restartBannerWithoutADataDirectory() {
        assertThat(DemoAccount.restartBanner(8080, Optional.empty()))
                .contains("Data kept from an earlier run:")
                .contains("make token");
        assertThat(DemoAccount.restartBanner(8080, Optional.of(" ")))
                .contains("Data kept from an earlier run:");
    }
}
