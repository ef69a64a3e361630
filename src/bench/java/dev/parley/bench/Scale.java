package dev.parley.bench;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;

/**
 * Measure 7: many sandbox devices online in the one connector: time to bring them online (from the first create
 * to the last online, read in PostgreSQL), then heap after a full GC, threads and CPU while idle.
 */
final class Scale {

    private final Plan plan;
    private final Api api;
    private final AppProcess app;
    private final Map<String, String> env;
    private final Results results;

    Scale(Plan plan, Api api, AppProcess app, Map<String, String> env, Results results) {
        this.plan = plan;
        this.api = api;
        this.app = app;
        this.env = env;
        this.results = results;
    }

    void run() throws Exception {
        int n = plan.scaleDevices();
        app.fullGc();
        double heapBefore = AppProcess.heapUsed(api.metrics());
        int threadsBefore = app.threads();
        Api.Tenant tenant = api.newAccount("bench-scale", n + 10);
        long start = System.nanoTime();
        Load.closedLoop(Plan.THREADS, Duration.ofDays(1), new Load.Operation() {
            @Override
            public int run(long i) {
                if (i >= n) {
                    throw new Done();
                }
                api.newDevice(tenant, "basic");
                return 1;
            }
        }, Done.class);
        double created = (System.nanoTime() - start) / 1e9;
        try (Connection db = DriverManager.getConnection(env.get("QUARKUS_DATASOURCE_JDBC_URL"),
                env.get("QUARKUS_DATASOURCE_USERNAME"), env.get("QUARKUS_DATASOURCE_PASSWORD"));
             PreparedStatement online = db.prepareStatement(
                     "SELECT count(*) FROM device WHERE account_id = ? AND status = 'online'")) {
            online.setString(1, tenant.accountId());
            Measures.await(n + " devices online", Duration.ofMinutes(10), () -> {
                try (ResultSet rows = online.executeQuery()) {
                    rows.next();
                    return rows.getInt(1) >= n ? true : null;
                } catch (java.sql.SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
        }
        double toOnline = (System.nanoTime() - start) / 1e9;
        Thread.sleep(3000); // let the burst of status events and session work end
        Duration idle = plan == Plan.QUICK ? Duration.ofSeconds(5) : Duration.ofSeconds(20);
        long cpu0 = app.cpuMillis();
        Thread.sleep(idle.toMillis());
        double cpu = (app.cpuMillis() - cpu0) * 100.0 / idle.toMillis();
        app.fullGc();
        double heap = AppProcess.heapUsed(api.metrics()) / 1024 / 1024;
        double perDevice = (heap - heapBefore / 1024 / 1024) / n;
        String label = "7 scale: " + n + " devices";
        results.add(label + ", time to all online", toOnline, "s", "", null, null,
                String.format(java.util.Locale.ROOT, "creating them took %.1f s (%d threads)", created, Plan.THREADS));
        results.add(label + ", heap after GC", heap, "MB", n >= 10_000 ? "< 2048 MB" : "", n >= 10_000 ? heap / 2048 : null,
                n >= 10_000 ? heap < 2048 : null, String.format(java.util.Locale.ROOT, "%.1f KB per device over the "
                        + "%.0f MB before", perDevice * 1024, heapBefore / 1024 / 1024));
        if (n < 10_000) {
            double projected = heapBefore / 1024 / 1024 + perDevice * 10_000;
            results.add("7 scale: 10000 devices, heap projected", projected, "MB", "< 2048 MB", projected / 2048,
                    projected < 2048, "linear from the " + n + " measured");
        }
        results.add(label + ", threads", app.threads(), "", "", null, null, threadsBefore + " before");
        results.add(label + ", CPU while idle", cpu, "% of a core", "< 10 %", cpu / 10, cpu < 10,
                "over " + idle.toSeconds() + " s, whole process");
    }

    /** Ends the closed loop once every device is created. */
    private static final class Done extends RuntimeException {
        Done() {
            super(null, null, false, false);
        }
    }
}
