package dev.gepa.scheduler.bench;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The speed targets, judged on a run's rows: each target's figure with a confidence interval,
 * and a verdict that says "met" only when the interval's worse end clears the target (the lower
 * end where more is better, the upper end where less is). A target whose rows are not in the
 * run is left out; one whose interval has no ends (a single sample) is missed.
 *
 * <p>Samples are per-fork scores (the mean of a fork's measured iterations): forks are the
 * independent repetitions of a JMH run. A run with one fork falls back to its iterations, and
 * says so, since iterations of one JVM share its JIT decisions and memory layout.
 */
final class Verdicts {
    /** Two-sided confidence of every interval; {@code -Dbench.confidence} overrides it. */
    static final double CONFIDENCE = Double.parseDouble(System.getProperty("bench.confidence", "0.95"));
    /** JMH's {@code -prof gc} bytes allocated per operation, all threads. */
    static final String ALLOCATION = "gc.alloc.rate.norm";

    enum Kind {
        /** {@code subject / baseline} in the same run, oriented so above 1 = subject better; at least the threshold. */
        RATIO,
        /** The paired runner's {@code kernel / ideal} throughput; at least the threshold (shown as overhead). */
        PAIRED,
        /** The subject's own score (or the named secondary metric); at most the threshold. */
        AT_MOST
    }

    /**
     * One target.
     *
     * @param label     what is printed, e.g. "1: kernel >= 2x tpe-pbq"
     * @param benchmark {@code Class.method}
     * @param subject   the executor judged (RATIO, AT_MOST); ignored for PAIRED
     * @param baseline  the executor compared with (RATIO)
     * @param where     parameters a row must have, e.g. {@code workMicros=1}; empty for any
     * @param threshold the bound
     * @param metric    a secondary metric to judge instead of the primary score (AT_MOST), or null
     */
    record Target(String label, Kind kind, String benchmark, String subject, String baseline,
                  Map<String, String> where, double threshold, String metric) {
        /** A target on the primary score. */
        Target(String label, Kind kind, String benchmark, String subject, String baseline,
               Map<String, String> where, double threshold) {
            this(label, kind, benchmark, subject, baseline, where, threshold, null);
        }
    }

    /** A judged target at one parameter set. */
    record Verdict(String label, String params, String figure, String interval, String basis, boolean met) {
        /** "met", or "missed" with the figure. */
        String word() {
            return met ? "met" : "missed (" + figure + ")";
        }
    }

    /** The targets of the speed issue that JMH benchmarks can judge. */
    static final List<Target> TARGETS = List.of(
            ratio("1: kernel >= 2x tpe-pbq", "ThroughputBenchmark.batch", Pool.KERNEL, Pool.TPE_PBQ, 2.0),
            ratio("1: kernel >= 1x tpe-lbq", "ThroughputBenchmark.batch", Pool.KERNEL, Pool.TPE_LBQ, 1.0),
            ratio("2: kernel-untimed >= 3x tpe-pbq", "ThroughputBenchmark.batch", Pool.KERNEL_UNTIMED, Pool.TPE_PBQ, 3.0),
            ratio("1, 2 stretch: kernel >= 0.5x fjp", "ThroughputBenchmark.batch", Pool.KERNEL, Pool.FJP, 0.5),
            ratio("2 stretch: kernel-untimed >= 0.5x fjp", "ThroughputBenchmark.batch", Pool.KERNEL_UNTIMED, Pool.FJP, 0.5),
            ratio("3: priorities on >= 0.9x off", "ThroughputBenchmark.batch", Pool.KERNEL, Pool.KERNEL_FIFO, 0.9),
            new Target("4: overhead <= 10% at 1 us", Kind.PAIRED, "PairedOverheadBenchmark.kernelAndIdeal",
                    null, null, Map.of("workMicros", "1.0"), 0.90),
            new Target("4: overhead <= 1% at 10 us", Kind.PAIRED, "PairedOverheadBenchmark.kernelAndIdeal",
                    null, null, Map.of("workMicros", "10.0"), 0.99),
            new Target("5: submit then cancel <= 40 ns", Kind.AT_MOST, "AdmissionBenchmark.submitThenCancel",
                    Pool.KERNEL, null, Map.of("queued", "0"), 40.0),
            new Target("7: <= 80 B per task (-prof gc)", Kind.AT_MOST, "ThroughputBenchmark.batch",
                    Pool.KERNEL, null, Map.of(), 80.0, ALLOCATION),
            new Target("7: <= 64 B per task, timing off (-prof gc)", Kind.AT_MOST, "ThroughputBenchmark.batch",
                    Pool.KERNEL_UNTIMED, null, Map.of(), 64.0, ALLOCATION),
            ratio("8: many carriers within 3% of the floor", "ManyCarriersBenchmark.generation",
                    Pool.KERNEL, ManyCarriersBenchmark.IDEAL, 0.97),
            ratio("8: many carriers no worse than tpe-pbq", "ManyCarriersBenchmark.generation",
                    Pool.KERNEL, Pool.TPE_PBQ, 1.0));

    private Verdicts() { }

    private static Target ratio(String label, String benchmark, String subject, String baseline, double threshold) {
        return new Target(label, Kind.RATIO, benchmark, subject, baseline, Map.of(), threshold);
    }

    /** Judges every target the rows have data for, in target order, then parameter order. */
    static List<Verdict> judge(List<Report.Row> rows, List<Target> targets, double confidence) {
        List<Verdict> out = new ArrayList<>();
        for (Target t : targets) {
            Map<String, Map<String, Report.Row>> byParams = new LinkedHashMap<>();
            for (Report.Row r : rows) {
                if (!r.benchmark.equals(t.benchmark()) || !matches(r, t.where())) {
                    continue;
                }
                String key = r.subjectKey();
                String who = key == null ? "" : r.params.get(key);
                byParams.computeIfAbsent(r.paramsExcept(key == null ? "" : key), p -> new LinkedHashMap<>()).put(who, r);
            }
            for (Map.Entry<String, Map<String, Report.Row>> p : byParams.entrySet()) {
                Verdict v = judge(t, p.getKey(), p.getValue(), confidence);
                if (v != null) {
                    out.add(v);
                }
            }
        }
        return out;
    }

    private static boolean matches(Report.Row r, Map<String, String> where) {
        for (Map.Entry<String, String> w : where.entrySet()) {
            String have = r.params.get(w.getKey());
            if (have == null || !sameValue(have, w.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** "1" and "1.0" are the same parameter value. */
    private static boolean sameValue(String a, String b) {
        if (a.equals(b)) {
            return true;
        }
        try {
            return Double.parseDouble(a) == Double.parseDouble(b);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Verdict judge(Target t, String params, Map<String, Report.Row> rows, double confidence) {
        switch (t.kind()) {
            case RATIO: {
                Report.Row mine = rows.get(t.subject());
                Report.Row theirs = rows.get(t.baseline());
                if (mine == null || theirs == null) {
                    return null;
                }
                boolean forks = mine.raw.size() >= 2 && theirs.raw.size() >= 2;
                double[] a = forks ? mine.forkScores() : mine.iterationScores();
                double[] b = forks ? theirs.forkScores() : theirs.iterationScores();
                String basis = a.length + "+" + b.length + (forks ? " forks" : " iterations of 1 fork");
                boolean higherIsBetter = mine.unit.endsWith("/s");
                Interval i = higherIsBetter ? Interval.ratio(a, b, confidence, basis)
                        : Interval.ratio(b, a, confidence, basis);
                return new Verdict(t.label(), params, times(i.estimate), range(i, Verdicts::times), basis,
                        i.bounded() && i.low >= t.threshold());
            }
            case PAIRED: {
                Report.Row r = rows.values().iterator().next();
                List<double[]> kernel = r.secondaryRaw.get("kernelNanos");
                List<double[]> ideal = r.secondaryRaw.get("idealNanos");
                if (kernel == null || ideal == null) {
                    return null;
                }
                boolean forks = kernel.size() >= 2;
                double[] ratios = forks ? forkRatios(ideal, kernel) : iterationRatios(ideal, kernel);
                String basis = ratios.length + (forks ? " forks" : " iterations of 1 fork") + ", paired";
                Interval i = Interval.pairedRatio(ratios, confidence, basis);
                String interval = i.bounded() ? "[" + percent(1 - i.high) + ", " + percent(1 - i.low) + "]" : "-";
                return new Verdict(t.label(), params, percent(1 - i.estimate), interval, basis,
                        i.bounded() && i.low >= t.threshold());
            }
            case AT_MOST: {
                Report.Row mine = rows.get(t.subject());
                List<double[]> raw = mine == null ? null
                        : t.metric() == null ? mine.raw : mine.secondaryRaw.get(t.metric());
                if (raw == null || raw.isEmpty()) {
                    return null;
                }
                boolean forks = raw.size() >= 2;
                double[] x = forks ? raw.stream().mapToDouble(Interval::mean).toArray()
                        : raw.stream().flatMapToDouble(java.util.Arrays::stream).toArray();
                String basis = x.length + (forks ? " forks" : " iterations of 1 fork");
                Interval i = Interval.mean(x, confidence, basis);
                String unit = t.metric() == null ? mine.unit : mine.secondaryUnits.getOrDefault(t.metric(), t.metric());
                return new Verdict(t.label(), params, Report.scaled(i.estimate) + " " + unit,
                        range(i, Report::scaled), basis, i.bounded() && i.high <= t.threshold());
            }
            default:
                throw new AssertionError(t.kind());
        }
    }

    /** Per fork: sum(numerator) / sum(denominator) over the fork's iterations. */
    private static double[] forkRatios(List<double[]> numerator, List<double[]> denominator) {
        double[] r = new double[numerator.size()];
        for (int f = 0; f < r.length; f++) {
            r[f] = sum(numerator.get(f)) / sum(denominator.get(f));
        }
        return r;
    }

    private static double[] iterationRatios(List<double[]> numerator, List<double[]> denominator) {
        List<Double> r = new ArrayList<>();
        for (int f = 0; f < numerator.size(); f++) {
            for (int i = 0; i < numerator.get(f).length; i++) {
                r.add(numerator.get(f)[i] / denominator.get(f)[i]);
            }
        }
        return r.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static double sum(double[] x) {
        double s = 0;
        for (double v : x) {
            s += v;
        }
        return s;
    }

    private static String range(Interval i, java.util.function.DoubleFunction<String> f) {
        return i.bounded() ? "[" + f.apply(i.low) + ", " + f.apply(i.high) + "]" : "-";
    }

    static String times(double x) {
        return String.format(Locale.ROOT, "%.2fx", x);
    }

    static String percent(double x) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * x);
    }

    /** Prints the verdicts as a table. */
    static void print(List<Verdict> verdicts, double confidence, java.io.PrintStream out) {
        if (verdicts.isEmpty()) {
            return;
        }
        out.println("Targets  [" + Math.round(confidence * 100) + "% confidence intervals (ratios: Welch t on"
                + " log scores; paired: t on log ratios); met only when the interval's worse end clears the target]");
        List<List<String>> table = new ArrayList<>();
        table.add(List.of("target", "params", "figure", "interval", "samples", "verdict"));
        for (Verdict v : verdicts) {
            table.add(List.of(v.label(), v.params(), v.figure(), v.interval(), v.basis(), v.word()));
        }
        Report.printRows(table, out);
    }

    /** The verdicts as JSON-ready values, for {@link Json#format}. */
    static List<Object> toJson(List<Verdict> verdicts, double confidence) {
        List<Object> list = new ArrayList<>();
        for (Verdict v : verdicts) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("target", v.label());
            m.put("params", v.params());
            m.put("figure", v.figure());
            m.put("interval", v.interval());
            m.put("confidence", confidence);
            m.put("samples", v.basis());
            m.put("met", v.met());
            list.add(m);
        }
        return list;
    }
}
