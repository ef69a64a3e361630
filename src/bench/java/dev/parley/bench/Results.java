package dev.parley.bench;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The rows of one run: printed as one table and written as JSON under target/bench/. */
final class Results {

    /**
     * One figure: {@code ratio} is what it is judged by (value / floor, value / goal, ...), {@code met} whether the
     * goal holds (null when the measure has no goal).
     */
    record Row(String measure, double value, String unit, String goal, Double ratio, Boolean met, String note) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final ObjectNode extra = Api.JSON.createObjectNode();

    void add(String measure, double value, String unit, String goal, Double ratio, Boolean met, String note) {
        Row row = new Row(measure, value, unit, goal, ratio, met, note);
        rows.add(row);
        System.out.println("  " + format(row));
    }

    /** Free-form details (e.g. store calls by operation), kept in the JSON only. */
    ObjectNode extra() {
        return extra;
    }

    void print(String title) {
        System.out.println();
        System.out.println(title);
        String header = String.format(Locale.ROOT, "%-52s %14s  %-22s %7s  %s", "measure", "value", "goal", "ratio", "");
        System.out.println(header);
        System.out.println("-".repeat(header.length() + 6));
        rows.forEach(row -> System.out.println(format(row)));
    }

    Path write(Path dir, boolean quick, String machine, long elapsedMillis) throws IOException {
        Files.createDirectories(dir);
        ObjectNode root = Api.JSON.createObjectNode();
        root.put("run", Instant.now().toString());
        root.put("quick", quick);
        root.put("machine", machine);
        root.put("elapsedSeconds", elapsedMillis / 1000.0);
        ArrayNode list = root.putArray("rows");
        for (Row row : rows) {
            ObjectNode node = list.addObject();
            node.put("measure", row.measure());
            node.put("value", row.value());
            node.put("unit", row.unit());
            node.put("goal", row.goal());
            if (row.ratio() != null) {
                node.put("ratio", row.ratio());
            }
            if (row.met() != null) {
                node.put("met", row.met());
            }
            if (row.note() != null) {
                node.put("note", row.note());
            }
        }
        root.set("details", extra);
        String name = "bench-" + (quick ? "quick-" : "full-") + Instant.now().toString().replace(':', '-') + ".json";
        Path file = dir.resolve(name);
        Api.JSON.writerWithDefaultPrettyPrinter().writeValue(file.toFile(), root);
        Files.copy(file, dir.resolve(quick ? "last-quick.json" : "last-full.json"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    private static String format(Row row) {
        String value = (Double.isNaN(row.value()) ? "n/a" : row.value() == Math.rint(row.value()) && Math.abs(row.value()) < 1e9
                ? String.format(Locale.ROOT, "%.0f", row.value()) : String.format(Locale.ROOT, "%.2f", row.value()))
                + " " + row.unit();
        String ratio = row.ratio() == null || row.ratio().isNaN() ? "" : String.format(Locale.ROOT, "%.2f", row.ratio());
        String verdict = row.met() == null ? "" : row.met() ? "ok" : "MISSED";
        return String.format(Locale.ROOT, "%-52s %14s  %-22s %7s  %-6s %s", row.measure(), value,
                row.goal() == null ? "" : row.goal(), ratio, verdict, row.note() == null ? "" : row.note());
    }
}
