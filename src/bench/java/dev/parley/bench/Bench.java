package dev.parley.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code make bench [QUICK=1]}: runs the packaged all-in-one on the backing services that make started for it
 * (their addresses in the environment) and measures, side by side in one run, the floor its stores set, accept
 * throughput, POST → sent latency, rate fidelity, schedule precision, webhook latency, scale and store calls per
 * sent message; prints one table and writes it as JSON under target/bench/.
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        boolean quick = java.util.Arrays.asList(args).contains("--quick");
        // JFR=1: the app records a profile of the whole run (target/bench/app.jfr; `jfr view hot-methods` reads it)
        boolean jfr = java.util.Arrays.asList(args).contains("--jfr");
        Path repo = Path.of(System.getProperty("user.dir"));
        Path out = repo.resolve("target/bench");
        Files.createDirectories(out);
        Plan plan = quick ? Plan.QUICK : Plan.FULL;
        long started = System.currentTimeMillis();
        Map<String, String> env = new HashMap<>(System.getenv());
        if (env.get("QUARKUS_DYNAMODB_ENDPOINT_OVERRIDE") == null) {
            throw new IllegalStateException("no backing services in the environment: run through `make bench`");
        }
        env.put("PARLEY_DATA", out.resolve("data").toString());
        Results results = new Results();
        String machine = Machine.describe();
        System.out.println("Parley bench (" + (quick ? "QUICK" : "full") + ") on " + machine);
        try (AppProcess app = new AppProcess(repo.resolve("target/quarkus-app/quarkus-run.jar"), out.resolve("app.log"),
                env, appProperties(plan), jfr ? java.util.List.of("-XX:StartFlightRecording=filename="
                + out.resolve("app.jfr") + ",settings=profile,dumponexit=true") : java.util.List.of())) {
            app.awaitReady(Duration.ofMinutes(3));
            System.out.println("app ready on port " + app.port() + " (pid " + app.pid() + ", log target/bench/app.log)");
            Measures measures = new Measures(plan, new Api(app.port()), app, env, results);
            measures.runAll();
        }
        long elapsed = System.currentTimeMillis() - started;
        results.print("Parley bench (" + (quick ? "QUICK" : "full") + "), " + machine + ", " + elapsed / 1000 + " s");
        Path json = results.write(out, quick, machine, elapsed);
        System.out.println("\nJSON: " + repo.relativize(json));
    }

    /**
     * Bench-friendly settings, each saying why: the sandbox driver with its default 20 ms send; the plan's rate
     * window shortened in QUICK so fidelity is seen in seconds; a short schedule lead and promotion period so
     * "beyond the SQS delay range" is seconds away; a short webhook settle window and sweep. Everything else
     * (polling, device refresh, leases) keeps its default, so idle CPU is that of a real connector plus the
     * faster promotion and sweep timers.
     */
    private static Map<String, String> appProperties(Plan plan) {
        Map<String, String> properties = new TreeMap<>();
        properties.put("quarkus.profile", "dev");
        properties.put("vertx.disableURIValidation", "true");
        properties.put("parley.operator-key", Api.OPERATOR_KEY);
        properties.put("parley.metrics.open", "true");
        properties.put("parley.demo.enabled", "false");
        properties.put("parley.driver.type", "sandbox");
        // the sandbox's memory of sends tells the bench when a run went out, without store reads that would count
        properties.put("parley.driver.sandbox.sent-history", "100000");
        properties.put("parley.connector.rate-window", plan.rateWindow().toMillis() + "ms");
        properties.put("parley.messages.schedule-lead", plan.scheduleLead().toSeconds() + "s");
        properties.put("parley.jobs.promote-every", "2s");
        properties.put("parley.webhooks.settle", "250ms");
        properties.put("parley.webhooks.sweep-every", "1s");
        // the shared machine can be slow enough that Flyway's first connection outwaits the default 5 s
        properties.put("quarkus.datasource.jdbc.acquisition-timeout", "60s");
        properties.put("quarkus.log.level", "WARN");
        return properties;
    }
}
