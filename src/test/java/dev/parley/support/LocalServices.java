package dev.parley.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A test's own set of backing services, started by {@code scripts/services.sh --persistent} in a state directory
 * of its own (this JVM is their owner), so the test can SIGKILL an emulator and start it again on the same data
 * and port while an app process keeps running.
 */
public final class LocalServices {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(5);

    private final Path repo;
    private final Path state;
    private final Path log;

    /** Services of {@code state} (a directory that does not exist yet, or one this class made). */
    public LocalServices(Path repo, Path state) {
        this.repo = repo;
        this.state = state;
        this.log = state.resolveSibling(state.getFileName() + ".log");
    }

    /** Starts whatever of the four services is not running, each on its old port when it had one. */
    public void start() {
        run("start");
    }

    /** Stops them all, keeping nothing running; never fails. */
    public void stop() {
        try {
            run("stop");
        } catch (RuntimeException e) {
            System.err.println("[services] stop failed: " + e.getMessage());
        }
    }

    /** The variables the script wrote for the app ({@code QUARKUS_DATASOURCE_REACTIVE_URL}, ...). */
    public Map<String, String> env() {
        Map<String, String> env = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(state.resolve("env"))) {
                String assignment = line.startsWith("export ") ? line.substring("export ".length()) : line;
                int eq = assignment.indexOf('=');
                if (eq > 0) {
                    env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return env;
    }

    /** SIGKILLs one service ({@code dynalite}, {@code elasticmq}, {@code s3rver}) and waits until it is gone. */
    public void kill(String service) {
        try {
            long pid = Long.parseLong(Files.readString(state.resolve(service + ".pid")).trim());
            ProcessHandle.of(pid).ifPresent(process -> {
                process.destroyForcibly();
                process.onExit().orTimeout(30, TimeUnit.SECONDS).join();
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void run(String command) {
        ProcessBuilder builder = new ProcessBuilder(List.of(repo.resolve("scripts/services.sh").toString(), command,
                "--state", state.toString(), "--persistent"))
                .directory(repo.toFile()).redirectErrorStream(true).redirectOutput(Redirect.appendTo(log.toFile()));
        builder.environment().put("SERVICES_OWNER", Long.toString(ProcessHandle.current().pid()));
        try {
            Process process = builder.start();
            if (!process.waitFor(SCRIPT_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException("scripts/services.sh " + command + " took over " + SCRIPT_TIMEOUT);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException("scripts/services.sh " + command + " failed; see " + log + ":\n"
                        + Files.readString(log));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
