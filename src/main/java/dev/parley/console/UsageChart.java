package dev.parley.console;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Lays out a small grouped bar chart of a device's days as SVG rectangles: geometry as attributes, not styles,
 * because the console's Content-Security-Policy allows no inline style.
 */
public final class UsageChart {

    /** Height of the tallest bar, and of the chart's plot area, in SVG units. */
    static final int HEIGHT = 120;
    static final int BAR = 8;
    static final int GAP = 6;
    static final String[] KINDS = {"out", "in", "media", "failed"};

    private UsageChart() {
    }

    /** One UTC day of a device: messages out (and whether there were more than counted), in, media, failed. */
    public record Day(LocalDate date, long out, boolean outMore, long in, long media, long failed) {

        public String outText() {
            return out + (outMore ? "+" : "");
        }

        public String label() {
            return date.toString().substring(5);
        }

        long value(int kind) {
            return switch (kind) {
                case 0 -> out;
                case 1 -> in;
                case 2 -> media;
                default -> failed;
            };
        }
    }

    /** One rectangle: where it is, how tall, its series ({@code kind}) and what it says when hovered. */
    public record Bar(int x, int y, int height, String kind, String title) {
    }

    /** A day's label under its group of bars. */
    public record Label(int x, String text) {
    }

    /** The days' labels (month-day), one under each group. */
    static List<Label> labels(List<Day> days) {
        List<Label> labels = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            labels.add(new Label(i * (KINDS.length * BAR + GAP), days.get(i).label()));
        }
        return labels;
    }

    /** Width of the whole chart for {@code days} days. */
    public static int width(int days) {
        return days * (KINDS.length * BAR + GAP);
    }

    /** Bars scaled to the largest value among the days; a zero is drawn as nothing. */
    static List<Bar> bars(List<Day> days) {
        long max = 1;
        for (Day d : days) {
            for (int k = 0; k < KINDS.length; k++) {
                max = Math.max(max, d.value(k));
            }
        }
        List<Bar> bars = new ArrayList<>();
        for (int i = 0; i < days.size(); i++) {
            Day d = days.get(i);
            for (int k = 0; k < KINDS.length; k++) {
                long v = d.value(k);
                if (v == 0) {
                    continue;
                }
                int h = (int) Math.max(1, v * HEIGHT / max);
                String shown = k == 0 ? d.outText() : Long.toString(v);
                bars.add(new Bar(i * (KINDS.length * BAR + GAP) + k * BAR, HEIGHT - h, h, KINDS[k],
                        d.date() + ": " + shown + " " + KINDS[k]));
            }
        }
        return bars;
    }
}
