package dev.parley.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Percentiles of a sample of durations in milliseconds (nearest rank). */
record Stats(int count, double p50, double p90, double p99, double max) {

    static Stats of(List<Double> millis) {
        if (millis.isEmpty()) {
            return new Stats(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return new Stats(sorted.size(), rank(sorted, 50), rank(sorted, 90), rank(sorted, 99), sorted.getLast());
    }

    private static double rank(List<Double> sorted, int percentile) {
        int index = (int) Math.ceil(percentile / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
