package dev.parley.console;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Settings of the web console ({@code /console}). */
@ConfigMapping(prefix = "parley.console")
public interface ConsoleConfig {

    /** How long a console session lasts after sign-in. */
    @WithDefault("12h")
    Duration sessionTtl();

    /** Failed sign-ins per email, and per client address, tolerated within {@link #signInWindow()}. */
    @WithDefault("5")
    int signInFailures();

    /** The window in which failed sign-ins are counted; once over the limit, sign-in waits until it passes. */
    @WithDefault("15m")
    Duration signInWindow();

    /** How often the console's pages refresh their live parts (device status, QR codes, message status). */
    @WithDefault("2s")
    Duration refresh();

    /** Where owners reach this console, for the links Parley emails (sign-in links, invitations). */
    @WithDefault("http://localhost:8080")
    String publicUrl();

    /** How long an emailed sign-in link works (once). */
    @WithDefault("15m")
    Duration signInLinkTtl();

    /** How long an operator's invitation works (once). */
    @WithDefault("7d")
    Duration inviteTtl();
}
