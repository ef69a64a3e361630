package dev.parley.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/** Measures 1, 2, 3 and 8 (floor, accept, POST → sent, store calls); {@link Timing} and {@link Scale} do the rest. */
final class Measures {

    private final Plan plan;
    private final Api api;
    private final AppProcess app;
    private final Map<String, String> env;
    private final Results results;
    private Api.Tenant tenant;
    private String sink;
    /** Devices the one-at-a-time sends go to, and those of the store-call run: each kept within its rate. */
    private final List<String> idle = new ArrayList<>();
    private final List<String> plain = new ArrayList<>();
    private final List<String> drain = new ArrayList<>();
    private CpuShares cpu;

    Measures(Plan plan, Api api, AppProcess app, Map<String, String> env, Results results) {
        this.plan = plan;
        this.api = api;
        this.app = app;
        this.env = env;
        this.results = results;
    }

    void runAll() throws Exception {
        tenant = api.newAccount("bench", 1000);
        sink = api.newDevice(tenant, "enterprise");
        for (int d = 0; d < devicesFor(plan.idleSamples()); d++) {
            idle.add(api.newDevice(tenant, "enterprise"));
        }
        for (int d = 0; d < devicesFor(plan.plainSends()); d++) {
            plain.add(api.newDevice(tenant, "enterprise"));
        }
        for (int d = 0; d < plan.drainDevices(); d++) {
            drain.add(api.newDevice(tenant, plan.drainPlan()));
        }
        Timing timing = new Timing(plan, api, results);
        timing.setUp();
        awaitOnline(tenant, sink);
        idle.forEach(device -> awaitOnline(tenant, device));
        plain.forEach(device -> awaitOnline(tenant, device));
        drain.forEach(device -> awaitOnline(tenant, device));
        // Accepts in the "accept" measures go to a device kept offline, so they add no sends of their own.
        api.sandboxOffline(sink);
        await("the sink device offline", Duration.ofSeconds(30), () -> !"online".equals(api.deviceStatus(tenant, sink)));

        System.out.println("1. floor");
        double floor;
        try (Floor direct = new Floor(env)) {
            floor = direct.run(Plan.THREADS, plan.loadTime());
        }
        results.add("1 floor: DynamoDB put + SQS send, " + Plan.THREADS + " threads", floor, "msg/s", "", 1.0, null,
                "the emulators driven directly");

        System.out.println("3. POST -> sent, idle; 8. store calls per sent message");
        cpu = new CpuShares(app, java.nio.file.Path.of("target/bench/services"));
        var stages0 = AppProcess.sendStages(api.metrics());
        var cpu0 = cpu.snapshot();
        long start = System.nanoTime();
        latency("3 POST->sent idle", idleLatency(), 100);
        stages("3 POST->sent idle", stages0);
        cpuShares("3 POST->sent idle", cpu0, start);
        storeCalls();

        System.out.println("2. accept, idle");
        double single = acceptSingle();
        double bulk = acceptBulk();
        results.add("2 accept single, idle", single, "msg/s", ">= 0.70 x floor", single / floor, single / floor >= 0.7, null);
        results.add("2 accept bulk (" + Plan.BULK_SIZE + "/request), idle", bulk, "msg/s", ">= 0.70 x floor",
                bulk / floor, bulk / floor >= 0.7, null);

        System.out.printf("2, 3. while draining at 80%% of capacity (%.1f msg/s over %d %s devices)%n",
                plan.drainRate(), drain.size(), plan.drainPlan());
        underLoad(floor);

        System.out.println("4, 5, 6. rate fidelity, schedule precision, webhook latency");
        timing.run();

        System.out.println("7. scale");
        new Scale(plan, api, app, env, results).run();
    }

    /**
     * Enterprise devices enough for {@code sends} within one rate window (80 each, of the plan's 100), so that no
     * send waits for its rate and the measure is the path alone.
     */
    private static int devicesFor(int sends) {
        return Math.max(1, (sends + 79) / 80);
    }

    private List<Double> idleLatency() {
        List<Double> millis = new ArrayList<>();
        for (int i = 0; i < plan.idleSamples(); i++) {
            String id = api.send(tenant, message(idle.get(i % idle.size()), i));
            // Read every 50 ms: the latency comes from the record's own timestamps, and reading it more often
            // loaded the app and DynamoDB with the bench's reads (a core's worth at 10 ms).
            JsonNode record = await("message " + id + " sent", Duration.ofSeconds(30), Duration.ofMillis(50), () -> {
                JsonNode r = api.message(tenant, id);
                return r.hasNonNull("sentAt") ? r : null;
            });
            millis.add(between(record.path("createdAt"), record.path("sentAt")));
        }
        return millis;
    }

    /** Store calls per message over a plain send run, less what the idle process calls in as long right after. */
    private void storeCalls() throws Exception {
        int sentBefore = plain.stream().mapToInt(this::sentCount).sum();
        long start = System.nanoTime();
        Map<String, Double> start0 = AppProcess.storeCalls(api.metrics());
        ExecutorService pool = Executors.newFixedThreadPool(4);
        for (int i = 0; i < plan.plainSends(); i++) {
            int n = i;
            pool.submit(() -> api.send(tenant, message(plain.get(n % plain.size()), n)));
        }
        pool.shutdown();
        pool.awaitTermination(2, TimeUnit.MINUTES);
        // the sandbox's own memory tells when they went out, without store reads that would count
        await("plain sends out", Duration.ofMinutes(2), () -> plain.stream().mapToInt(this::sentCount).sum()
                >= sentBefore + plan.plainSends() ? true : null);
        Thread.sleep(1500); // the outcome, delete and delivery receipt that follow each send
        Map<String, Double> end = AppProcess.storeCalls(api.metrics());
        Map<String, Double> run = diff(start0, end);
        double seconds = (System.nanoTime() - start) / 1e9;
        long quiet = Math.min(plan.loadTime().toMillis() * 2, (long) (seconds * 1000));
        Thread.sleep(quiet);
        Map<String, Double> background = diff(end, AppProcess.storeCalls(api.metrics()));
        results.extra().putPOJO("storeCallsRun", run);
        results.extra().putPOJO("storeCallsIdleAfter", background);
        var details = results.extra().putObject("storeCallsPerMessage");
        double total = 0;
        for (var entry : run.entrySet()) {
            double perMessage = (entry.getValue() - background.getOrDefault(entry.getKey(), 0.0) * seconds * 1000
                    / quiet) / plan.plainSends();
            details.put(entry.getKey(), Math.round(perMessage * 100) / 100.0);
            total += Math.max(0, perMessage);
        }
        System.out.println("  by operation: " + details);
        results.add("8 store calls per plain sent message", total, "calls", "<= 4", total / 4, total <= 4,
                "accept + drain + receipt, idle background subtracted; by operation above and in the JSON");
    }

    private double acceptSingle() throws InterruptedException {
        return Load.closedLoop(Plan.THREADS, plan.loadTime(), i -> {
            api.send(tenant, message(sink, (int) i));
            return 1;
        }).perSecond();
    }

    private double acceptBulk() throws InterruptedException {
        return Load.closedLoop(Plan.THREADS, plan.loadTime(), i -> {
            List<Map<String, Object>> items = new ArrayList<>();
            for (int k = 0; k < Plan.BULK_SIZE; k++) {
                items.add(message(sink, (int) (i * Plan.BULK_SIZE + k)));
            }
            return api.sendBulk(tenant, items).size();
        }).perSecond();
    }

    /** A paced stream at 80 % of the drain devices' capacity; latency first, then accept throughput beside it. */
    private void underLoad(double floor) throws Exception {
        List<String> measured = new CopyOnWriteArrayList<>();
        List<String> all = new CopyOnWriteArrayList<>();
        Map<String, Integer> perDevice = new ConcurrentHashMap<>();
        drain.forEach(device -> perDevice.put(device, sentCount(device)));
        java.util.concurrent.atomic.AtomicInteger phase = new java.util.concurrent.atomic.AtomicInteger();
        long periodNanos = (long) (1e9 / plan.drainRate());
        ExecutorService posts = Executors.newVirtualThreadPerTaskExecutor();
        Thread pacer = Thread.ofPlatform().name("pacer").start(() -> {
            long next = System.nanoTime();
            for (int i = 0; !Thread.currentThread().isInterrupted(); i++) {
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    try {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                next += periodNanos;
                int n = i;
                boolean inWindow = phase.get() == 1;
                posts.submit(() -> {
                    String id = api.send(tenant, message(drain.get(n % drain.size()), n));
                    all.add(id);
                    if (inWindow) {
                        measured.add(id);
                    }
                });
            }
        });
        Thread.sleep(2000);
        var stages0 = AppProcess.sendStages(api.metrics());
        var cpu0 = cpu.snapshot();
        long start = System.nanoTime();
        phase.set(1);
        Thread.sleep(plan.loadTime().toMillis() * 2);
        phase.set(2);
        // The drain alone: the accept measures that follow load the same cores.
        stages("3 POST->sent at 80%", stages0);
        cpuShares("3 POST->sent at 80%", cpu0, start);
        double single = acceptSingle();
        double bulk = acceptBulk();
        pacer.interrupt();
        pacer.join();
        posts.shutdown();
        posts.awaitTermination(1, TimeUnit.MINUTES);
        results.add("2 accept single, draining at 80%", single, "msg/s", ">= 0.50 x floor", single / floor,
                single / floor >= 0.5, null);
        results.add("2 accept bulk, draining at 80%", bulk, "msg/s", ">= 0.50 x floor", bulk / floor,
                bulk / floor >= 0.5, null);
        Duration patience = plan == Plan.QUICK ? Duration.ofSeconds(20) : Duration.ofMinutes(3);
        try {
            await("the drain's messages sent", patience, () -> drain.stream()
                    .mapToInt(this::sentCount).sum() - perDevice.values().stream().mapToInt(Integer::intValue).sum()
                    >= all.size() ? true : null);
        } catch (IllegalStateException late) {
            System.out.println("  not all sent within " + patience.toSeconds() + " s: the unsent count as still waiting");
        }
        Instant asOf = Instant.now();
        List<Double> millis = new CopyOnWriteArrayList<>();
        try (ExecutorService reads = Executors.newFixedThreadPool(Plan.THREADS)) {
            measured.forEach(id -> reads.submit(() -> {
                JsonNode r = api.message(tenant, id);
                // one still unsent has waited at least until now: its latency is a lower bound
                millis.add(r.hasNonNull("sentAt") ? between(r.path("createdAt"), r.path("sentAt"))
                        : Duration.between(Api.instant(r.path("createdAt")), asOf).toNanos() / 1e6);
            }));
        }
        latency(String.format("3 POST->sent at 80%% (%.0f msg/s, %d %s)", plan.drainRate(), drain.size(),
                plan.drainPlan()), millis, 250);
    }

    private void latency(String name, List<Double> millis, double p99Goal) {
        Stats s = Stats.of(millis);
        String note = "n=" + s.count() + ", sandbox send 20 ms";
        results.add(name + " p50", s.p50(), "ms", "", null, null, note);
        results.add(name + " p90", s.p90(), "ms", "", null, null, null);
        results.add(name + " p99", s.p99(), "ms", "< " + (int) p99Goal + " ms", s.p99() / p99Goal, s.p99() < p99Goal, null);
        results.add(name + " max", s.max(), "ms", "", null, null, null);
    }

    /**
     * Where the sends since {@code before} spent their time, by stage of the connector's timers: the mean over the
     * phase, and the p99 of the last two minutes (the phase itself, read right after it).
     */
    private void stages(String name, Map<String, AppProcess.Stage> before) {
        Map<String, AppProcess.Stage> after = AppProcess.sendStages(api.metrics());
        var details = results.extra().putObject(name + " by stage");
        for (String stage : List.of("queue", "lane", "claim", "send")) {
            AppProcess.Stage a = after.get(stage);
            if (a == null) {
                continue;
            }
            AppProcess.Stage b = before.getOrDefault(stage, new AppProcess.Stage(0, 0, 0));
            double count = a.count() - b.count();
            double mean = count == 0 ? 0 : (a.totalMillis() - b.totalMillis()) / count;
            details.putObject(stage).put("n", count).put("meanMillis", mean).put("p99Millis", a.p99Millis());
            results.add(name + ", stage " + stage, mean, "ms mean", "", null, null,
                    String.format("p99 %.1f ms, n=%.0f", a.p99Millis(), count));
        }
    }

    /** Who used the cores since {@code start}: the app, each emulator and the bench itself. */
    private void cpuShares(String name, Map<String, Long> before, long start) {
        long elapsed = Math.max(1, (System.nanoTime() - start) / 1_000_000);
        Map<String, Long> after = cpu.snapshot();
        double app = (after.get("app") - before.get("app")) * 100.0 / elapsed;
        results.add(name + ", CPU of the app", app, "% of a core", "", null, null,
                CpuShares.describe(before, after, elapsed));
    }

    private int sentCount(String device) {
        return api.sandboxSent(device).size();
    }

    static Map<String, Object> message(String device, int i) {
        return Map.of("device", device, "phone", Api.phone(i), "message", "bench message " + i);
    }

    static double between(JsonNode from, JsonNode to) {
        Instant a = Api.instant(from);
        Instant b = Api.instant(to);
        return a == null || b == null ? Double.NaN : Duration.between(a, b).toNanos() / 1e6;
    }

    static Map<String, Double> diff(Map<String, Double> before, Map<String, Double> after) {
        Map<String, Double> d = new java.util.TreeMap<>();
        after.forEach((key, value) -> {
            double delta = value - before.getOrDefault(key, 0.0);
            if (delta > 0) {
                d.put(key, delta);
            }
        });
        return d;
    }

    private void awaitOnline(Api.Tenant tenant, String device) {
        awaitOnline(api, tenant, device);
    }

    static void awaitOnline(Api api, Api.Tenant tenant, String device) {
        await("device " + device + " online", Duration.ofMinutes(2),
                () -> "online".equals(api.deviceStatus(tenant, device)) ? true : null);
    }

    static <T> T await(String what, Duration timeout, Supplier<T> probe) {
        return await(what, timeout, Duration.ofMillis(10), probe);
    }

    static <T> T await(String what, Duration timeout, Duration every, Supplier<T> probe) {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Object value = probe.get();
            if (value != null && !Boolean.FALSE.equals(value)) {
                @SuppressWarnings("unchecked") T t = (T) value;
                return t;
            }
            try {
                Thread.sleep(every.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("timed out after " + timeout + " waiting for " + what);
    }
}
