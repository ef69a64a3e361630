package dev.parley.support;

import org.awaitility.Awaitility;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged all-in-one ({@code target/quarkus-app/quarkus-run.jar}) as a separate OS process, started the way
 * {@code make run} starts it, for tests that SIGKILL it, stop it and start it again on the same data.
 */
public final class ParleyProcess {

    private static final Duration START_TIMEOUT = Duration.ofMinutes(3);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Path jar;
    private final Path log;
    private final int port;
    private final Map<String, String> env;
    private final Map<String, String> properties;
    private Process process;

    /** An app on {@code port} with these environment variables and system properties, output appended to log. */
    public ParleyProcess(Path jar, Path log, int port, Map<String, String> env, Map<String, String> properties) {
        this.jar = jar;
        this.log = log;
        this.port = port;
        this.env = env;
        this.properties = properties;
    }

    /** Starts the process and waits until it answers ready. */
    public void start() {
        if (isRunning()) {
            return;
        }
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElse("java"));
        command.add("-Dquarkus.http.port=" + port);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(Redirect.appendTo(log.toFile()));
        builder.environment().putAll(env);
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        Awaitility.await("the app to answer ready on port " + port).atMost(START_TIMEOUT)
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    if (!started.isAlive()) {
                        throw new IllegalStateException("the app exited with " + started.exitValue() + "; see " + log);
                    }
                    return ready();
                });
    }

    /** SIGKILL: the process ends at once, as in a crash. */
    public void kill() {
        end(process.toHandle()::destroyForcibly);
    }

    /** SIGTERM: a graceful stop, waited for. */
    public void stop() {
        end(process.toHandle()::destroy);
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public int port() {
        return port;
    }

    /** The last lines the process wrote, for failure messages. */
    public String logTail(int lines) {
        try {
            List<String> all = Files.readAllLines(log);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    private void end(Runnable signal) {
        if (!isRunning()) {
            return;
        }
        signal.run();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private boolean ready() {
        try {
            HttpResponse<Void> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/q/health/ready")).timeout(Duration.ofSeconds(5))
                    .build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
