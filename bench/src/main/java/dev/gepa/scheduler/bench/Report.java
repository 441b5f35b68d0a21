package dev.gepa.scheduler.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Plain-text tables of benchmark results: per benchmark, the kernel's figure beside each
 * baseline's from the same run, with the ratios oriented so that above 1 means the kernel is
 * better; latency percentiles; the paired overhead; bytes allocated per operation.
 *
 * <p>Works on a JMH JSON result file (the headline run writes one and reads it back), so that the
 * tables in {@code results/README.md} can be printed again from the raw data:
 * <pre>java -cp bench/target/bench.jar dev.gepa.scheduler.bench.Report results/full.json</pre>
 */
public final class Report {
    static final double[] PERCENTILES = {50, 90, 99, 99.9};

    /** One benchmark run, as much of it as the tables need. */
    static final class Row {
        final String benchmark; // Class.method
        final String mode;      // thrpt, avgt, sample, ss
        final Map<String, String> params;
        final double score;
        final double error;
        final String unit;
        final Map<Double, Double> percentiles;
        final long samples;
        final Map<String, Double> secondary;
        /** The primary score of each measured iteration, per fork. */
        final List<double[]> raw;
        /** The same for each secondary metric. */
        final Map<String, List<double[]>> secondaryRaw;
        /** Each secondary metric's unit, as the JSON gives it. */
        final Map<String, String> secondaryUnits = new LinkedHashMap<>();

        Row(String benchmark, String mode, Map<String, String> params, double score, double error,
            String unit, Map<Double, Double> percentiles, long samples, Map<String, Double> secondary,
            List<double[]> raw, Map<String, List<double[]>> secondaryRaw) {
            this.benchmark = benchmark;
            this.mode = mode;
            this.params = params;
            this.score = score;
            this.error = error;
            this.unit = unit;
            this.percentiles = percentiles;
            this.samples = samples;
            this.secondary = secondary;
            this.raw = raw;
            this.secondaryRaw = secondaryRaw;
        }

        /** One score per fork: the mean of its measured iterations. */
        double[] forkScores() {
            return raw.stream().mapToDouble(Interval::mean).toArray();
        }

        /** Every measured iteration's score, all forks together. */
        double[] iterationScores() {
            return raw.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
        }

        String subjectKey() {
            return params.containsKey("executor") ? "executor" : params.containsKey("runner") ? "runner" : null;
        }

        String paramsExcept(String key) {
            StringBuilder sb = new StringBuilder();
            for (Map.Entry<String, String> e : params.entrySet()) {
                if (!e.getKey().equals(key)) {
                    sb.append(sb.length() == 0 ? "" : " ").append(e.getKey()).append('=').append(e.getValue());
                }
            }
            return sb.toString();
        }
    }

    private Report() { }

    /**
     * Prints the tables of a JMH JSON result file and the verdict of every target it has data
     * for; with {@code --verdicts FILE}, also writes the verdicts to FILE as JSON.
     */
    public static void main(String[] args) throws IOException {
        if (args.length != 1 && !(args.length == 3 && args[1].equals("--verdicts"))) {
            System.err.println("usage: Report <jmh-result.json> [--verdicts <verdicts.json>]");
            System.exit(2);
        }
        List<Row> rows = fromJson(Files.readString(Path.of(args[0])));
        print(rows, System.out);
        if (args.length == 3) {
            writeVerdicts(rows, Path.of(args[2]));
        }
    }

    /** Writes the verdicts of the rows' targets as a JSON array. */
    static void writeVerdicts(List<Row> rows, Path file) throws IOException {
        List<Verdicts.Verdict> v = Verdicts.judge(rows, Verdicts.TARGETS, Verdicts.CONFIDENCE);
        Files.writeString(file, Json.format(Verdicts.toJson(v, Verdicts.CONFIDENCE)) + "\n");
    }

    /** Rows of a JMH JSON result file. */
    static List<Row> fromJson(String json) {
        List<Row> rows = new ArrayList<>();
        for (Object o : (List<?>) Json.parse(json)) {
            Map<String, Object> run = Json.object(o);
            Map<String, String> params = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : Json.object(run.get("params")).entrySet()) {
                params.put(e.getKey(), String.valueOf(e.getValue()));
            }
            Map<String, Object> primary = Json.object(run.get("primaryMetric"));
            Map<Double, Double> pct = new LinkedHashMap<>();
            String mode = String.valueOf(run.get("mode"));
            if (mode.equals("sample")) {
                Map<String, Object> given = Json.object(primary.get("scorePercentiles"));
                for (double p : PERCENTILES) {
                    pct.put(p, Json.number(given.get(percentileKey(p))));
                }
                pct.put(100.0, Json.number(given.get("100.0")));
            }
            Map<String, Double> secondary = new LinkedHashMap<>();
            Map<String, List<double[]>> secondaryRaw = new LinkedHashMap<>();
            Map<String, String> units = new LinkedHashMap<>();
            for (Map.Entry<String, Object> e : Json.object(run.get("secondaryMetrics")).entrySet()) {
                secondary.put(e.getKey(), Json.number(Json.object(e.getValue()).get("score")));
                secondaryRaw.put(e.getKey(), rawData(Json.object(e.getValue()).get("rawData")));
                units.put(e.getKey(), String.valueOf(Json.object(e.getValue()).get("scoreUnit")));
            }
            long samples = 0;
            Object hist = primary.get("rawDataHistogram");
            if (hist instanceof List) { // per fork, per iteration: [[value, count], ...]
                for (Object fork : (List<?>) hist) {
                    for (Object iteration : (List<?>) fork) {
                        for (Object pair : (List<?>) iteration) {
                            samples += (long) Json.number(((List<?>) pair).get(1));
                        }
                    }
                }
            }
            rows.add(new Row(shortName(String.valueOf(run.get("benchmark"))), mode, params,
                    Json.number(primary.get("score")), Json.number(primary.get("scoreError")),
                    String.valueOf(primary.get("scoreUnit")), pct, samples, secondary,
                    rawData(primary.get("rawData")), secondaryRaw));
            rows.get(rows.size() - 1).secondaryUnits.putAll(units);
        }
        return rows;
    }

    /** JMH's rawData, [[iteration, ...] per fork], as arrays; empty when absent (sample mode). */
    private static List<double[]> rawData(Object o) {
        List<double[]> forks = new ArrayList<>();
        if (o instanceof List) {
            for (Object fork : (List<?>) o) {
                forks.add(((List<?>) fork).stream().mapToDouble(Json::number).toArray());
            }
        }
        return forks;
    }

    private static String percentileKey(double p) {
        return p == Math.rint(p) ? String.format(Locale.ROOT, "%.1f", p) : String.valueOf(p);
    }

    private static String shortName(String benchmark) {
        int method = benchmark.lastIndexOf('.');
        int cls = benchmark.lastIndexOf('.', method - 1);
        return benchmark.substring(cls + 1);
    }

    // ------------------------------------------------------------------ printing

    /** Prints every table the rows support. */
    static void print(List<Row> rows, PrintStream out) {
        Map<String, List<Row>> byBench = new LinkedHashMap<>();
        for (Row r : rows) {
            byBench.computeIfAbsent(r.benchmark, b -> new ArrayList<>()).add(r);
        }
        List<List<String>> single = new ArrayList<>();
        single.add(List.of("benchmark", "params", "score", "unit"));
        for (Map.Entry<String, List<Row>> b : byBench.entrySet()) {
            List<Row> runs = b.getValue();
            if (runs.get(0).subjectKey() != null) {
                printComparison(b.getKey(), runs, out);
            } else if (runs.get(0).secondary.get("kernelNanos") == null) {
                for (Row r : runs) {
                    single.add(List.of(r.benchmark, r.paramsExcept(""), figure(r), r.unit));
                }
            }
            if (runs.get(0).mode.equals("sample")) {
                printPercentiles(b.getKey(), runs, out);
            }
        }
        if (single.size() > 1) {
            out.println("Kernel only  [no baseline has the operation]");
            printRows(single, out);
        }
        printPaired(rows, out);
        printCounters(rows, out);
        printAllocation(rows, out);
        Verdicts.print(Verdicts.judge(rows, Verdicts.TARGETS, Verdicts.CONFIDENCE), Verdicts.CONFIDENCE, out);
    }

    /**
     * Per parameter set and kernel variant: the kernel's figure, each baseline's, the ratios
     * (above 1 = kernel better) and, against the ideal runner, the overhead
     * {@code 1 - kernel / ideal}.
     */
    private static void printComparison(String bench, List<Row> runs, PrintStream out) {
        String key = runs.get(0).subjectKey();
        Map<String, Map<String, Row>> byParams = new LinkedHashMap<>();
        List<String> subjects = new ArrayList<>();
        List<String> baselines = new ArrayList<>();
        for (Row r : runs) {
            String who = r.params.get(key);
            byParams.computeIfAbsent(r.paramsExcept(key), p -> new LinkedHashMap<>()).put(who, r);
            List<String> list = who.startsWith(Pool.KERNEL) ? subjects : baselines;
            if (!list.contains(who)) {
                list.add(who);
            }
        }
        String unit = runs.get(0).unit;
        boolean higherIsBetter = unit.endsWith("/s");
        boolean ideal = baselines.contains(OverheadBenchmark.IDEAL);
        String what = runs.get(0).mode.equals("sample") ? "mean " : "";
        out.println(bench + "  [" + what + unit + "; x = kernel vs baseline, above 1 = kernel better]");
        List<String> header = new ArrayList<>(List.of("params", "kernel", "figure"));
        header.addAll(baselines);
        for (String base : baselines) {
            header.add("x " + base);
        }
        if (ideal) {
            header.add("overhead");
        }
        List<List<String>> table = new ArrayList<>();
        table.add(header);
        for (Map.Entry<String, Map<String, Row>> p : byParams.entrySet()) {
            for (String subject : subjects) {
                Row mine = p.getValue().get(subject);
                if (mine == null) {
                    continue;
                }
                List<String> cells = new ArrayList<>(List.of(p.getKey(), subject, figure(mine)));
                for (String base : baselines) {
                    Row theirs = p.getValue().get(base);
                    cells.add(theirs == null ? "-" : figure(theirs));
                }
                for (String base : baselines) {
                    Row theirs = p.getValue().get(base);
                    cells.add(theirs == null ? "-" : String.format(Locale.ROOT, "%.2fx",
                            higherIsBetter ? mine.score / theirs.score : theirs.score / mine.score));
                }
                if (ideal) {
                    Row best = p.getValue().get(OverheadBenchmark.IDEAL);
                    cells.add(best == null ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0
                            * (1.0 - (higherIsBetter ? mine.score / best.score : best.score / mine.score))));
                }
                table.add(cells);
            }
        }
        printRows(table, out);
    }

    /** Latency percentiles, one line per run. */
    private static void printPercentiles(String bench, List<Row> runs, PrintStream out) {
        out.println(bench + "  [percentiles, " + runs.get(0).unit + "]");
        List<String> header = new ArrayList<>(List.of("params"));
        for (double p : PERCENTILES) {
            header.add("p" + (p == Math.rint(p) ? String.valueOf((int) p) : String.valueOf(p)));
        }
        header.add("max");
        header.add("samples");
        List<List<String>> table = new ArrayList<>();
        table.add(header);
        for (Row r : runs) {
            List<String> cells = new ArrayList<>(List.of(r.paramsExcept("")));
            for (double p : PERCENTILES) {
                cells.add(scaled(r.percentiles.getOrDefault(p, Double.NaN)));
            }
            cells.add(scaled(r.percentiles.getOrDefault(100.0, Double.NaN)));
            cells.add(String.valueOf(r.samples));
            table.add(cells);
        }
        printRows(table, out);
    }

    /** The paired overhead runs: each runner's tasks per second and the kernel's overhead. */
    private static void printPaired(List<Row> rows, PrintStream out) {
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("params", "kernel", "ideal", "x ideal", "overhead", "cpu overhead"));
        for (Row r : rows) {
            Double kernel = r.secondary.get("kernelNanos");
            Double ideal = r.secondary.get("idealNanos");
            Double tasks = r.secondary.get("tasks");
            if (kernel == null || ideal == null || tasks == null) {
                continue;
            }
            double k = tasks * 1e9 / kernel;
            double i = tasks * 1e9 / ideal;
            Double kernelCpu = r.secondary.get("kernelCpuNanos");
            Double idealCpu = r.secondary.get("idealCpuNanos");
            String cpu = kernelCpu == null || idealCpu == null ? "-"
                    : String.format(Locale.ROOT, "%.1f%%", 100.0 * (1.0 - idealCpu / kernelCpu));
            table.add(List.of(r.paramsExcept(""), scaled(k), scaled(i), String.format(Locale.ROOT, "%.3fx", k / i),
                    String.format(Locale.ROOT, "%.1f%%", 100.0 * (1.0 - k / i)), cpu));
        }
        if (table.size() > 1) {
            out.println("PairedOverheadBenchmark.kernelAndIdeal  [tasks/s, kernel and ideal batches"
                    + " alternating in one fork; overhead = 1 - kernel / ideal (wall time);"
                    + " cpu overhead = 1 - ideal CPU / kernel CPU]");
            printRows(table, out);
        }
    }

    /**
     * The executors' waits per task ({@link Waits}), and where the run has them the many-carrier
     * slot gaps: the median over iterations of each iteration's p50 and p90.
     */
    private static void printCounters(List<Row> rows, PrintStream out) {
        Map<String, List<List<String>>> tables = new LinkedHashMap<>();
        for (Row r : rows) {
            Double waits = r.secondary.get("waits");
            Double tasks = r.secondary.get("tasks");
            if (waits == null || tasks == null || r.secondary.containsKey("kernelNanos")) {
                continue;
            }
            boolean gaps = r.secondaryRaw.containsKey("gapMedianMicros");
            List<List<String>> table = tables.computeIfAbsent(r.benchmark, b -> new ArrayList<>());
            if (table.isEmpty()) {
                table.add(gaps ? List.of("params", "gap p50 us", "gap p90 us", "waits/task")
                        : List.of("params", "waits/task"));
            }
            String perTask = tasks == 0 ? "-" : String.format(Locale.ROOT, "%.3f", waits / tasks);
            table.add(gaps ? List.of(r.paramsExcept(""), scaled(medianOf(r.secondaryRaw.get("gapMedianMicros"))),
                    scaled(medianOf(r.secondaryRaw.getOrDefault("gapP90Micros", List.of()))), perTask)
                    : List.of(r.paramsExcept(""), perTask));
        }
        for (Map.Entry<String, List<List<String>>> t : tables.entrySet()) {
            boolean gaps = t.getValue().get(0).size() > 2;
            out.println(t.getKey() + "  [counters: " + (gaps ? "how long a freed slot stays free (median over"
                    + " iterations of each iteration's p50 and p90); " : "")
                    + "the executor's waits per task (parks and monitor waits of its threads"
                    + (gaps ? ", less the tasks' own" : "") + ")]");
            printRows(t.getValue(), out);
        }
    }

    private static double medianOf(List<double[]> perFork) {
        double[] all = perFork.stream().flatMapToDouble(java.util.Arrays::stream).filter(v -> !Double.isNaN(v)).sorted().toArray();
        return all.length == 0 ? Double.NaN : all[all.length / 2];
    }

    /** Bytes allocated per operation (per task where the benchmark counts tasks), from -prof gc. */
    private static void printAllocation(List<Row> rows, PrintStream out) {
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("benchmark", "params", "B/op"));
        for (Row r : rows) {
            Double norm = r.secondary.get("gc.alloc.rate.norm");
            if (norm != null) {
                table.add(List.of(r.benchmark, r.paramsExcept(""), String.format(Locale.ROOT, "%.1f", norm)));
            }
        }
        if (table.size() > 1) {
            out.println("Allocation  [gc.alloc.rate.norm: bytes allocated by all threads per operation]");
            printRows(table, out);
        }
    }

    static void printRows(List<List<String>> table, PrintStream out) {
        int[] widths = new int[table.get(0).size()];
        for (List<String> r : table) {
            for (int i = 0; i < r.size(); i++) {
                widths[i] = Math.max(widths[i], r.get(i).length());
            }
        }
        for (List<String> r : table) {
            StringBuilder line = new StringBuilder("  ");
            for (int i = 0; i < r.size(); i++) {
                String c = r.get(i);
                line.append(i == 0 ? String.format("%-" + widths[i] + "s", c) : String.format("%" + widths[i] + "s", c));
                line.append("  ");
            }
            out.println(line.toString().stripTrailing());
        }
        out.println();
    }

    /** A score with its error (99.9% confidence half-width), scaled. */
    static String figure(Row r) {
        String e = Double.isNaN(r.error) ? "" : " ±" + scaled(r.error);
        return scaled(r.score) + e;
    }

    /** 1.23M, 456k, 789, 12.3. */
    static String scaled(double v) {
        double a = Math.abs(v);
        if (Double.isNaN(v)) {
            return "-";
        } else if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3gM", v / 1e6);
        } else if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.3gk", v / 1e3);
        } else if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
