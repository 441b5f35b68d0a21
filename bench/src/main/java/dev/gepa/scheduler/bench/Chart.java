package dev.gepa.scheduler.bench;

import javax.imageio.ImageIO;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Draws one benchmark of a JMH JSON result file as a grouped bar chart (PNG): one group per
 * value of a parameter (by default {@code producers}), one bar per executor, the score on the
 * bar and a whisker from the slowest to the fastest measured iteration.
 *
 * <pre>java -cp bench/target/bench.jar dev.gepa.scheduler.bench.Chart results/x.json results/throughput.png [benchmark [group-param]]</pre>
 *
 * Every label comes from the JSON: the executors (in the order the file first names them), the
 * group parameter's values, the other parameters, the score unit, the JVM and JDK. The default
 * benchmark is {@code ThroughputBenchmark.batch}. Headless java.awt, no dependency; the JSON is
 * read by {@link Json}.
 */
public final class Chart {
    private static final String BENCHMARK = "ThroughputBenchmark.batch";
    private static final String GROUP = "producers";
    private static final Color[] COLORS = {
        new Color(0x1f4e9c), new Color(0x6f9be0), new Color(0x8a5cc2), new Color(0xe07b39),
        new Color(0x9a9a9a), new Color(0x3a9a5b), new Color(0xc23b3b), new Color(0x2a9d9d)};
    private static final int W = 1100;
    private static final int H = 600;

    private Chart() { }

    /** One bar: an executor's score at one producer count, with its iteration range. */
    private static final class Bar {
        final String executor;
        final double score;
        final double min;
        final double max;

        Bar(String executor, double score, double min, double max) {
            this.executor = executor;
            this.score = score;
            this.min = min;
            this.max = max;
        }
    }

    public static void main(String[] args) throws IOException {
        if (args.length < 2 || args.length > 4) {
            System.err.println("usage: Chart <jmh-result.json> <out.png> [benchmark [group-param]]");
            System.exit(2);
        }
        System.setProperty("java.awt.headless", "true");
        String benchmark = args.length > 2 ? args[2] : BENCHMARK;
        String group = args.length > 3 ? args[3] : GROUP;
        Object root = Json.parse(Files.readString(Path.of(args[0])));
        if (!(root instanceof List)) {
            throw new IllegalArgumentException(args[0] + " is not a JMH JSON result (no top-level array)");
        }
        TreeMap<Double, List<Bar>> groups = new TreeMap<>();
        Labels labels = new Labels(benchmark, group);
        for (Object o : (List<?>) root) {
            Map<String, Object> run = Json.object(o);
            String bench = String.valueOf(run.get("benchmark"));
            if (!bench.endsWith("." + benchmark)) {
                continue;
            }
            Map<String, Object> params = Json.object(run.get("params"));
            Map<String, Object> metric = Json.object(run.get("primaryMetric"));
            labels.see(run, params, metric);
            double key = Json.number(params.get(group));
            double min = Double.MAX_VALUE;
            double max = 0;
            Object raw = metric.get("rawData");
            if (raw instanceof List) {
                for (Object fork : (List<?>) raw) {
                    for (Object v : (List<?>) fork) {
                        min = Math.min(min, Json.number(v));
                        max = Math.max(max, Json.number(v));
                    }
                }
            }
            double score = Json.number(metric.get("score"));
            if (max == 0) {
                min = score;
                max = score;
            }
            groups.computeIfAbsent(key, p -> new ArrayList<>())
                    .add(new Bar(String.valueOf(params.get("executor")), score, min, max));
        }
        if (groups.isEmpty()) {
            throw new IllegalArgumentException(args[0] + " has no " + benchmark + " results");
        }
        for (List<Bar> bars : groups.values()) {
            bars.sort((a, b) -> Integer.compare(labels.rank(a.executor), labels.rank(b.executor)));
        }
        ImageIO.write(draw(groups, labels), "png", Path.of(args[1]).toFile());
        System.out.println("wrote " + args[1]);
    }

    /** What the chart says, all of it read from the JSON. */
    static final class Labels {
        final String benchmark;
        final String group;
        final List<String> executors = new ArrayList<>();
        final Map<String, String> fixed = new java.util.LinkedHashMap<>(); // parameters other than executor and group
        String unit = "";
        String mode = "";
        String jdk = "";

        Labels(String benchmark, String group) {
            this.benchmark = benchmark;
            this.group = group;
        }

        void see(Map<String, Object> run, Map<String, Object> params, Map<String, Object> metric) {
            jdk = run.get("vmName") + " " + run.get("jdkVersion");
            unit = String.valueOf(metric.get("scoreUnit"));
            mode = String.valueOf(run.get("mode"));
            String executor = String.valueOf(params.get("executor"));
            if (!executors.contains(executor)) {
                executors.add(executor);
            }
            for (Map.Entry<String, Object> e : params.entrySet()) {
                if (!e.getKey().equals("executor") && !e.getKey().equals(group)) {
                    String v = String.valueOf(e.getValue());
                    fixed.merge(e.getKey(), v, (a, b) -> a.equals(b) ? a : a + "," + b);
                }
            }
        }

        int rank(String executor) {
            return executors.indexOf(executor);
        }

        boolean higherIsBetter() {
            return unit.endsWith("/s");
        }

        String groupName(double value) {
            String v = value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
            return group + "=" + v;
        }

        String subtitle() {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, String> e : fixed.entrySet()) {
                sb.append(e.getKey()).append('=').append(e.getValue()).append("; ");
            }
            return sb + (higherIsBetter() ? "higher" : "lower") + " is better; whiskers: slowest to fastest measured iteration";
        }
    }

    private static BufferedImage draw(TreeMap<Double, List<Bar>> groups, Labels labels) {
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);

        int left = 90;
        int right = W - 250;
        int top = 100;
        int bottom = H - 70;

        double top_value = 0;
        for (List<Bar> bars : groups.values()) {
            for (Bar b : bars) {
                top_value = Math.max(top_value, Math.max(b.score, b.max));
            }
        }
        double step = niceStep(top_value / 5);
        double axisMax = Math.ceil(top_value * 1.08 / step) * step;

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
        g.drawString(labels.benchmark + " (" + labels.mode + ", " + labels.unit + ")", left, 34);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        g.drawString(labels.subtitle(), left, 58);
        g.drawString(labels.jdk, left, 76);

        // grid and y axis
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics fm = g.getFontMetrics();
        for (double v = 0; v <= axisMax + step / 2; v += step) {
            int y = y(v, axisMax, top, bottom);
            g.setColor(new Color(0xe4e4e4));
            g.drawLine(left, y, right, y);
            g.setColor(Color.DARK_GRAY);
            String label = Report.scaled(v);
            g.drawString(label, left - 8 - fm.stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, top, left, bottom);
        g.drawLine(left, bottom, right, bottom);
        Graphics2D rotated = (Graphics2D) g.create();
        rotated.rotate(-Math.PI / 2);
        rotated.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        rotated.drawString(labels.unit, -(top + bottom) / 2 - 50, 24);
        rotated.dispose();

        // bars
        int groupCount = groups.size();
        double groupWidth = (right - left) / (double) groupCount;
        int gi = 0;
        for (Map.Entry<Double, List<Bar>> e : groups.entrySet()) {
            List<Bar> bars = e.getValue();
            double gx = left + gi * groupWidth;
            double barWidth = groupWidth * 0.8 / bars.size();
            double x0 = gx + groupWidth * 0.1;
            for (int i = 0; i < bars.size(); i++) {
                Bar b = bars.get(i);
                int x = (int) Math.round(x0 + i * barWidth);
                int w = (int) Math.round(barWidth * 0.86);
                int y = y(b.score, axisMax, top, bottom);
                g.setColor(COLORS[labels.rank(b.executor) % COLORS.length]);
                g.fillRect(x, y, w, bottom - y);
                // whisker
                g.setColor(Color.BLACK);
                g.setStroke(new BasicStroke(1.3f));
                int cx = x + w / 2;
                int yMin = y(b.min, axisMax, top, bottom);
                int yMax = y(b.max, axisMax, top, bottom);
                g.drawLine(cx, yMin, cx, yMax);
                g.drawLine(cx - 5, yMin, cx + 5, yMin);
                g.drawLine(cx - 5, yMax, cx + 5, yMax);
                g.setStroke(new BasicStroke(1f));
                String label = Report.scaled(b.score);
                int ly = Math.min(y, yMax) - 6;
                g.drawString(label, cx - fm.stringWidth(label) / 2, ly);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
            String name = labels.groupName(e.getKey());
            g.drawString(name, (int) (gx + groupWidth / 2 - g.getFontMetrics().stringWidth(name) / 2.0), bottom + 28);
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
            gi++;
        }

        // legend
        int lx = right + 24;
        int ly = top + 10;
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        for (int i = 0; i < labels.executors.size(); i++) {
            g.setColor(COLORS[i % COLORS.length]);
            g.fillRect(lx, ly + i * 26, 16, 16);
            g.setColor(Color.BLACK);
            g.drawString(labels.executors.get(i), lx + 22, ly + i * 26 + 13);
        }
        g.dispose();
        return img;
    }

    private static int y(double v, double axisMax, int top, int bottom) {
        return (int) Math.round(bottom - (bottom - top) * (v / axisMax));
    }

    private static double niceStep(double raw) {
        if (raw <= 0) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        double f = raw / p;
        return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10) * p;
    }
}
