package dev.parley.bench;

import java.io.IOException;
import java.lang.ProcessBuilder.Redirect;
import java.net.ServerSocket;
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
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The packaged all-in-one ({@code target/quarkus-app/quarkus-run.jar}) as a child process, with its figures read
 * from outside: threads and CPU time from /proc, heap after a full GC through jcmd and /q/metrics, store calls
 * from the {@code parley_store_calls_total} counters.
 */
final class AppProcess implements AutoCloseable {

    private final Process process;
    private final int port;
    private final Path log;

    AppProcess(Path jar, Path log, Map<String, String> env, Map<String, String> properties, List<String> jvmOptions)
            throws IOException {
        this.port = freePort();
        this.log = log;
        List<String> command = new ArrayList<>();
        command.add(javaBin("java"));
        command.addAll(jvmOptions);
        command.add("-Dquarkus.http.port=" + port);
        properties.forEach((key, value) -> command.add("-D" + key + "=" + value));
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(Redirect.to(log.toFile()));
        builder.environment().putAll(env);
        process = builder.start();
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    void awaitReady(Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the app exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/q/health/ready")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("the app was not ready within " + timeout + "; see " + log);
    }

    /** Live threads of the process. */
    int threads() throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid() + "/status")).stream()
                .filter(line -> line.startsWith("Threads:")).map(line -> Integer.parseInt(line.substring(8).trim()))
                .findFirst().orElse(-1);
    }

    /** User plus system CPU time of the process so far, in milliseconds. */
    long cpuMillis() {
        return CpuShares.cpuMillis(pid());
    }

    /** Runs a full GC in the process (jcmd GC.run). */
    void fullGc() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(javaBin("jcmd"), String.valueOf(pid()), "GC.run")
                .redirectErrorStream(true).redirectOutput(Redirect.DISCARD).start();
        jcmd.waitFor(60, TimeUnit.SECONDS);
    }

    /** Heap in use (bytes) as Micrometer reports it. */
    static double heapUsed(String metrics) {
        return metrics.lines().filter(line -> line.startsWith("jvm_memory_used_bytes{") && line.contains("area=\"heap\""))
                .mapToDouble(AppProcess::value).sum();
    }

    /** The store call counters by "service/operation". */
    static Map<String, Double> storeCalls(String metrics) {
        Map<String, Double> calls = new TreeMap<>();
        metrics.lines().filter(line -> line.startsWith("parley_store_calls_total{")).forEach(line -> {
            String service = label(line, "service");
            String operation = label(line, "operation");
            calls.merge(service + "/" + operation, value(line), Double::sum);
        });
        return calls;
    }

    /** One send stage's timer: how many, their total and the p99 of the last two minutes, in milliseconds. */
    record Stage(double count, double totalMillis, double p99Millis) {
    }

    /** The connector's send stage timers ({@code parley.send.stage}) by stage. */
    static Map<String, Stage> sendStages(String metrics) {
        Map<String, double[]> raw = new TreeMap<>();
        metrics.lines().filter(line -> line.startsWith("parley_send_stage_seconds")).forEach(line -> {
            double[] v = raw.computeIfAbsent(label(line, "stage"), k -> new double[3]);
            if (line.startsWith("parley_send_stage_seconds_count{")) {
                v[0] = value(line);
            } else if (line.startsWith("parley_send_stage_seconds_sum{")) {
                v[1] = value(line) * 1000;
            } else if (line.startsWith("parley_send_stage_seconds{") && line.contains("quantile=\"0.99\"")) {
                v[2] = value(line) * 1000;
            }
        });
        Map<String, Stage> stages = new TreeMap<>();
        raw.forEach((stage, v) -> stages.put(stage, new Stage(v[0], v[1], v[2])));
        return stages;
    }

    private static String label(String line, String name) {
        int start = line.indexOf(name + "=\"") + name.length() + 2;
        return line.substring(start, line.indexOf('"', start));
    }

    private static double value(String line) {
        String[] parts = line.trim().split(" ");
        return Double.parseDouble(parts[parts.length - 1]);
    }

    private static String javaBin(String tool) {
        Path java = Path.of(ProcessHandle.current().info().command().orElse("java"));
        Path sibling = java.resolveSibling(tool);
        return Files.isExecutable(sibling) ? sibling.toString() : tool;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
