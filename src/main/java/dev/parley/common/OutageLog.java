package dev.parley.common;

import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;

/**
 * Logs a background loop's outage twice: once when its calls start failing (with the first failure, its stack
 * trace at DEBUG) and once when one succeeds again (with how long it lasted and how many calls failed), instead
 * of a line per failed call. Thread-safe; one instance per loop, shared by the loop's threads. An outage ends
 * only when calls succeed with no failure for {@link #QUIET}: a loop's threads do not all fail at once (a poller
 * of an empty queue may get through while the one handling an entry cannot), and the log must not flip between
 * "failing" and "recovered" with them.
 */
public final class OutageLog {

    /** How long calls must go without a failure before an outage counts as over. */
    static final Duration QUIET = Duration.ofSeconds(5);

    private final String what;
    private final Logger log;
    private Instant since;
    private Instant lastFailure;
    private long failures;

    /** {@code what} names the work in a sentence: "Polling the outbound queues". */
    public OutageLog(String what, Logger log) {
        this.what = what;
        this.log = log;
    }

    /** Counts a failed call; the first of an outage is logged. */
    public void failed(Throwable failure) {
        synchronized (this) {
            failures++;
            lastFailure = Instant.now();
            if (since != null) {
                return;
            }
            since = lastFailure;
        }
        log.warnf("%s is failing since %s: %s; retrying quietly until it recovers", what, since, failure.toString());
        log.debug(what + " failure", failure);
    }

    /** Marks a call that succeeded; the end of an outage is logged. */
    public void succeeded() {
        Instant started;
        long failed;
        synchronized (this) {
            if (since == null || Duration.between(lastFailure, Instant.now()).compareTo(QUIET) < 0) {
                return;
            }
            started = since;
            failed = failures;
            since = null;
            failures = 0;
        }
        log.infof("%s recovered after %d s, %d failed call(s) since %s", what,
                Duration.between(started, Instant.now()).toSeconds(), failed, started);
    }

    /** Whether the loop is failing now. */
    public synchronized boolean failing() {
        return since != null;
    }
}
