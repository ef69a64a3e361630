package dev.parley.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CPU time of every process of a bench run (the app, each emulator, the bench itself), so a phase can show who
 * used the machine's cores while it ran: on two cores the emulators compete with the app they serve.
 */
final class CpuShares {

    private static final long CLOCK_TICKS = 100;
    private final Map<String, Long> pids = new LinkedHashMap<>();

    CpuShares(AppProcess app, Path services) throws IOException {
        pids.put("app", app.pid());
        if (Files.isDirectory(services)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(services, "*.pid")) {
                for (Path file : files) {
                    String name = file.getFileName().toString().replace(".pid", "");
                    String text = Files.readString(file).trim().split("\\s+")[0];
                    if (!name.equals("owner") && text.matches("\\d+")) {
                        pids.put(name, Long.parseLong(text));
                    }
                }
            }
        }
        pids.put("bench", ProcessHandle.current().pid());
    }

    /** Each process's user plus system CPU so far, in milliseconds (a process gone counts as zero). */
    Map<String, Long> snapshot() {
        Map<String, Long> cpu = new LinkedHashMap<>();
        pids.forEach((name, pid) -> cpu.put(name, cpuMillis(pid)));
        return cpu;
    }

    /** "app 95 %, dynalite 60 %, ..." over {@code elapsedMillis}, 100 % being one core. */
    static String describe(Map<String, Long> before, Map<String, Long> after, long elapsedMillis) {
        StringBuilder text = new StringBuilder();
        long total = 0;
        for (var entry : after.entrySet()) {
            long used = entry.getValue() - before.getOrDefault(entry.getKey(), 0L);
            total += used;
            text.append(text.isEmpty() ? "" : ", ").append(entry.getKey()).append(' ')
                    .append(Math.round(used * 100.0 / elapsedMillis)).append(" %");
        }
        return text.append(" (all ").append(Math.round(total * 100.0 / elapsedMillis)).append(" % of 100 % a core)")
                .toString();
    }

    /** User plus system CPU time of process {@code pid} so far, in milliseconds; zero when it is gone. */
    static long cpuMillis(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / CLOCK_TICKS;
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }
}
