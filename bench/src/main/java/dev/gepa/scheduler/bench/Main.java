package dev.gepa.scheduler.bench;

import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark jar's entry point.
 *
 * <ul>
 * <li>No arguments: the headline comparison ({@link ThroughputBenchmark} for every executor
 *     and producer count, and {@link PairedOverheadBenchmark} at 10 and 100 µs), with short
 *     iterations so that it ends within about three minutes on two cores.
 *     JMH's progress is shown as it goes; the run ends with a plain table of each benchmark,
 *     the kernel's figure, each baseline's figure and the ratios. The JMH JSON goes to the file
 *     named by {@code -Dbench.json} (default {@code bench-headline.json}).</li>
 * <li>{@code --smoke [JMH options]}: every benchmark (or those the given regexes match, with
 *     any other JMH option such as {@code -p}) once: one fork, no warm-up, a single 100 ms
 *     iteration, failing on the first error. Proves they all run; measures nothing.</li>
 * <li>{@code --calibrate}: prints the {@link Cpu} tokens per microsecond of this machine, for
 *     {@code -Dbench.tokensPerMicro=} on a full run.</li>
 * <li>Anything else: JMH's own command line ({@code -l}, {@code -h}, regexes, {@code -f},
 *     {@code -prof gc}, {@code -rf json}, ...).</li>
 * </ul>
 */
public final class Main {
    private static final String PKG = Main.class.getPackageName().replace(".", "\\.") + "\\.";

    private Main() { }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.exit(headline());
        } else if (args[0].equals("--smoke")) {
            System.exit(smoke(Arrays.copyOfRange(args, 1, args.length)));
        } else if (args[0].equals("--calibrate")) {
            System.out.println(Cpu.format(Cpu.calibrate()));
        } else {
            org.openjdk.jmh.Main.main(args);
        }
    }

    private static String[] forkArgs(double tokensPerMicro) {
        return new String[] {"-Xms1g", "-Xmx1g", "-D" + Cpu.PROPERTY + "=" + Cpu.format(tokensPerMicro)};
    }

    private static int headline() {
        long t0 = System.nanoTime();
        String json = System.getProperty("bench.json", "bench-headline.json");
        double tokens = Cpu.tokensPerMicro();
        PrintStream out = System.out;
        out.println("# Headline run: end-to-end throughput (5 executors x 1, 2 producers) and overhead"
                + " (kernel vs ideal, paired, at 10 and 100 us): 12 forks, about 2 minutes on 2 cores.");
        out.println("# CPU calibration: " + Cpu.format(tokens) + " consumeCPU tokens per microsecond,"
                + " passed to every fork.");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(PKG + "ThroughputBenchmark\\.batch")
                .include(PKG + "PairedOverheadBenchmark\\.kernelThenIdeal")
                .param("workMicros", "10", "100")
                .forks(1)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend(forkArgs(tokens))
                .shouldFailOnError(true)
                .result(json)
                .resultFormat(ResultFormatType.JSON);
        Collection<RunResult> results;
        try {
            results = new Runner(options.build()).run();
        } catch (RunnerException e) {
            System.err.println("The headline run failed: " + e.getMessage());
            return 1;
        }
        out.println();
        out.println(machine());
        out.println("JMH JSON: " + json + "; wall time "
                + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + " s");
        out.println();
        printTable(results, out);
        return 0;
    }

    private static int smoke(String[] jmhArgs) {
        long t0 = System.nanoTime();
        CommandLineOptions given;
        try {
            given = new CommandLineOptions(jmhArgs);
        } catch (CommandLineOptionException e) {
            System.err.println("# Smoke: bad JMH options: " + e.getMessage());
            return 2;
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .parent(given)
                .forks(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .jvmArgsAppend(forkArgs(Cpu.tokensPerMicro()))
                .shouldFailOnError(true);
        if (given.getIncludes().isEmpty()) {
            options.include(PKG);
        }
        try {
            Collection<RunResult> results = new Runner(options.build()).run();
            System.out.println("# Smoke: " + results.size() + " benchmark runs passed in "
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + " s");
            return results.isEmpty() ? 1 : 0;
        } catch (RunnerException e) {
            System.err.println("# Smoke FAILED: " + e.getMessage());
            return 1;
        }
    }

    /** Cores, CPU model, JDK and date, one line. */
    static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse(cpu);
        } catch (IOException | RuntimeException ignored) {
            // not Linux: leave it unknown
        }
        return "Machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + cpu
                + "; JDK " + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version")
                + "; " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }

    // ------------------------------------------------------------------ the table

    /** The parameter that names the executor of a run: "executor" or "runner". */
    private static String subjectKey(RunResult r) {
        Collection<String> keys = r.getParams().getParamsKeys();
        return keys.contains("executor") ? "executor" : keys.contains("runner") ? "runner" : null;
    }

    /**
     * Prints, per benchmark, one row per kernel variant and parameter set: the kernel's figure,
     * each baseline's figure from the same run, and the ratios (always oriented so that above 1
     * means the kernel is better). Against the ideal runner it also prints the overhead,
     * {@code 1 - kernel / ideal}.
     */
    static void printTable(Collection<RunResult> results, PrintStream out) {
        Map<String, Map<String, Map<String, Result<?>>>> byBench = new LinkedHashMap<>();
        for (RunResult r : results) {
            String key = subjectKey(r);
            if (key == null) {
                continue;
            }
            String bench = shortName(r.getParams().getBenchmark());
            StringBuilder others = new StringBuilder();
            for (String k : r.getParams().getParamsKeys()) {
                if (!k.equals(key)) {
                    others.append(others.length() == 0 ? "" : " ").append(k).append('=')
                            .append(r.getParams().getParam(k));
                }
            }
            byBench.computeIfAbsent(bench, b -> new LinkedHashMap<>())
                    .computeIfAbsent(others.toString(), o -> new LinkedHashMap<>())
                    .put(r.getParams().getParam(key), r.getPrimaryResult());
        }
        for (Map.Entry<String, Map<String, Map<String, Result<?>>>> b : byBench.entrySet()) {
            printBenchmark(b.getKey(), b.getValue(), out);
        }
        printPaired(results, out);
    }

    /** The paired overhead runs: each runner's tasks per second and the kernel's overhead. */
    @SuppressWarnings("rawtypes") // JMH declares getSecondaryResults() with a raw Result
    private static void printPaired(Collection<RunResult> results, PrintStream out) {
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("params", "kernel", "ideal", "x ideal", "overhead"));
        for (RunResult r : results) {
            Map<String, Result> aux = r.getSecondaryResults();
            Result<?> kernel = aux.get("kernelNanos");
            Result<?> ideal = aux.get("idealNanos");
            Result<?> batches = aux.get("batches");
            if (kernel == null || ideal == null || batches == null) {
                continue;
            }
            double tasks = batches.getScore() * PairedOverheadBenchmark.TASKS * 1e9;
            double k = tasks / kernel.getScore();
            double i = tasks / ideal.getScore();
            StringBuilder params = new StringBuilder();
            for (String key : r.getParams().getParamsKeys()) {
                params.append(params.length() == 0 ? "" : " ").append(key).append('=').append(r.getParams().getParam(key));
            }
            table.add(List.of(params.toString(), scaled(k), scaled(i), String.format(Locale.ROOT, "%.3fx", k / i),
                    String.format(Locale.ROOT, "%.1f%%", 100.0 * (1.0 - k / i))));
        }
        if (table.size() > 1) {
            out.println("PairedOverheadBenchmark.kernelThenIdeal  [tasks/s, batches alternating in one fork;"
                    + " overhead = 1 - kernel / ideal]");
            printRows(table, out);
        }
    }

    private static void printBenchmark(String bench, Map<String, Map<String, Result<?>>> rows, PrintStream out) {
        List<String> subjects = new ArrayList<>();
        List<String> baselines = new ArrayList<>();
        String unit = "";
        for (Map<String, Result<?>> row : rows.values()) {
            for (Map.Entry<String, Result<?>> e : row.entrySet()) {
                List<String> list = e.getKey().startsWith(Pool.KERNEL) ? subjects : baselines;
                if (!list.contains(e.getKey())) {
                    list.add(e.getKey());
                }
                unit = e.getValue().getScoreUnit();
            }
        }
        boolean higherIsBetter = unit.endsWith("/s");
        out.println(bench + "  [" + unit + "; ratio = kernel vs baseline, above 1 = kernel better]");
        List<String> header = new ArrayList<>(List.of("params", "kernel", "figure"));
        for (String base : baselines) {
            header.add(base);
        }
        for (String base : baselines) {
            header.add("x " + base);
        }
        boolean ideal = baselines.contains(OverheadBenchmark.IDEAL);
        if (ideal) {
            header.add("overhead");
        }
        List<List<String>> table = new ArrayList<>();
        table.add(header);
        for (Map.Entry<String, Map<String, Result<?>>> row : rows.entrySet()) {
            for (String subject : subjects) {
                Result<?> mine = row.getValue().get(subject);
                if (mine == null) {
                    continue;
                }
                List<String> cells = new ArrayList<>(List.of(row.getKey(), subject, figure(mine)));
                for (String base : baselines) {
                    cells.add(Optional.ofNullable(row.getValue().get(base)).map(Main::figure).orElse("-"));
                }
                for (String base : baselines) {
                    Result<?> theirs = row.getValue().get(base);
                    cells.add(theirs == null ? "-" : String.format(Locale.ROOT, "%.2fx", higherIsBetter
                            ? mine.getScore() / theirs.getScore() : theirs.getScore() / mine.getScore()));
                }
                if (ideal) {
                    Result<?> best = row.getValue().get(OverheadBenchmark.IDEAL);
                    cells.add(best == null ? "-" : String.format(Locale.ROOT, "%.1f%%",
                            100.0 * (1.0 - mine.getScore() / best.getScore())));
                }
                table.add(cells);
            }
        }
        printRows(table, out);
    }

    private static void printRows(List<List<String>> table, PrintStream out) {
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

    private static String shortName(String benchmark) {
        int method = benchmark.lastIndexOf('.');
        int cls = benchmark.lastIndexOf('.', method - 1);
        return benchmark.substring(cls + 1);
    }

    /** A score with its error, scaled: 1.23M, 456k, 78.9. */
    static String figure(Result<?> r) {
        double s = r.getScore();
        double err = r.getScoreError();
        String e = Double.isNaN(err) ? "" : " ±" + scaled(err);
        return scaled(s) + e;
    }

    static String scaled(double v) {
        double a = Math.abs(v);
        if (a >= 1e6) {
            return String.format(Locale.ROOT, "%.3gM", v / 1e6);
        } else if (a >= 1e4) {
            return String.format(Locale.ROOT, "%.3gk", v / 1e3);
        } else if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
