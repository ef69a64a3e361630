package dev.parley.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** One line about the machine the bench ran on: CPU model, cores, memory, JVM. */
final class Machine {

    private Machine() {
    }

    static String describe() {
        String cpu = "unknown CPU";
        String memory = "";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(cpu);
            memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .map(l -> Long.parseLong(l.replaceAll("[^0-9]", "")) / 1024 / 1024 + " GB RAM").findFirst().orElse("");
        } catch (IOException | RuntimeException e) {
            // not Linux: the JVM's view below is still printed
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + memory + ", Java "
                + Runtime.version();
    }
}
