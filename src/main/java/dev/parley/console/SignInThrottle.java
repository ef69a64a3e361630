package dev.parley.console;

import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Slows password guessing: failed sign-ins are counted per email and per client address over a sliding window;
 * over the limit, sign-in is refused (429) until the oldest counted failure leaves the window. In memory: each
 * process counts its own, so N processes allow N times the limit, still far from a useful guessing rate.
 */
@ApplicationScoped
public class SignInThrottle {

    /** An address may fail more often than one email: several people may sign in from behind one NAT. */
    private static final int ADDRESS_FACTOR = 10;

    private final ConsoleConfig config;
    private final Clock clock;
    private final Map<String, Deque<Instant>> failures = new ConcurrentHashMap<>();

    public SignInThrottle(ConsoleConfig config, Clock clock) {
        this.config = config;
        this.clock = clock;
    }

    /** How long the email or address must wait before trying again; zero when it may try now. */
    public Duration waitFor(String email, String address) {
        return max(waitFor("e:" + normal(email), config.signInFailures()),
                waitFor("a:" + address, config.signInFailures() * ADDRESS_FACTOR));
    }

    public void failed(String email, String address) {
        record("e:" + normal(email));
        record("a:" + address);
    }

    /** A success forgets the email's failures (the address keeps its own: it may be guessing many emails). */
    public void succeeded(String email) {
        failures.remove("e:" + normal(email));
    }

    private Duration waitFor(String key, int limit) {
        Deque<Instant> times = failures.get(key);
        if (times == null) {
            return Duration.ZERO;
        }
        synchronized (times) {
            Instant now = clock.instant();
            Instant horizon = now.minus(config.signInWindow());
            while (!times.isEmpty() && times.peekFirst().isBefore(horizon)) {
                times.pollFirst();
            }
            if (times.size() < limit) {
                return Duration.ZERO;
            }
            return Duration.between(horizon, times.toArray(Instant[]::new)[times.size() - limit]);
        }
    }

    private void record(String key) {
        Deque<Instant> times = failures.computeIfAbsent(key, k -> new ArrayDeque<>());
        synchronized (times) {
            times.addLast(clock.instant());
            while (times.size() > config.signInFailures() * ADDRESS_FACTOR) {
                times.pollFirst();
            }
        }
    }

    private static String normal(String email) {
        return email == null ? "" : email.trim().toLowerCase();
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
