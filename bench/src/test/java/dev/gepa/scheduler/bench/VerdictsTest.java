package dev.gepa.scheduler.bench;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Verdicts} and {@link Interval}: a target is met only when the interval's worse end
 * clears it, whatever the point estimate says.
 */
class VerdictsTest {
    private static final double C = 0.95;
    /** The two-sided 95% t quantile at 2 degrees of freedom. */
    private static final double T2 = 4.302652729911275;

    @Test
    void tQuantileMatchesTheTable() {
        assertEquals(T2, Interval.tQuantile(0.95, 2), 1e-9);
        assertEquals(12.706204736174698, Interval.tQuantile(0.95, 1), 1e-9);
    }

    @Test
    void meanIntervalIsTheTextbookOne() {
        Interval i = Interval.mean(new double[] {1, 2, 3}, C, "3");
        assertEquals(2, i.estimate, 1e-12);
        assertEquals(2 - T2 / Math.sqrt(3), i.low, 1e-9);
        assertEquals(2 + T2 / Math.sqrt(3), i.high, 1e-9);
    }

    @Test
    void welchRatioOnLogs() {
        // logs 1, 2, 3 against 0, 0, 0: difference 2, variance 1/3 on one side only, so df = 2
        double e = Math.E;
        Interval i = Interval.ratio(new double[] {e, e * e, e * e * e}, new double[] {1, 1, 1}, C, "3+3");
        assertEquals(2, Math.log(i.estimate), 1e-9);
        assertEquals(2 - T2 / Math.sqrt(3), Math.log(i.low), 1e-9);
        assertEquals(2 + T2 / Math.sqrt(3), Math.log(i.high), 1e-9);
    }

    @Test
    void ratioMetOnlyWhenTheLowerEndClears() {
        List<Report.Row> tight = rows("ThroughputBenchmark.batch", "ops/s",
                run(Pool.KERNEL, forks(10.0, 10.1, 9.9)), run(Pool.TPE_PBQ, forks(4.0, 4.05, 3.95)));
        Verdicts.Verdict v = only(tight, ratioTarget(2.0));
        assertTrue(v.met(), v.toString());
        assertEquals("3+3 forks", v.basis());
        assertEquals("met", v.word());

        // a ratio above 2 (geometric mean 9.09 / 4 = 2.27x) with a wide spread: the lower end falls below 2
        List<Report.Row> wide = rows("ThroughputBenchmark.batch", "ops/s",
                run(Pool.KERNEL, forks(5.0, 10.0, 15.0)), run(Pool.TPE_PBQ, forks(4.0, 4.0, 4.0)));
        Verdicts.Verdict w = only(wide, ratioTarget(2.0));
        assertFalse(w.met(), w.toString());
        assertTrue(w.word().startsWith("missed (2.27x"), w.word());
    }

    @Test
    void oneSampleIsNeverMet() {
        List<Report.Row> single = rows("ThroughputBenchmark.batch", "ops/s",
                run(Pool.KERNEL, List.of(new double[] {100.0})), run(Pool.TPE_PBQ, List.of(new double[] {1.0})));
        Verdicts.Verdict v = only(single, ratioTarget(2.0));
        assertFalse(v.met(), "100x on one sample has no interval");
        assertEquals("-", v.interval());
    }

    @Test
    void singleForkFallsBackToIterations() {
        List<Report.Row> oneFork = rows("ThroughputBenchmark.batch", "ops/s",
                run(Pool.KERNEL, List.of(new double[] {10, 10.2, 9.8})), run(Pool.TPE_PBQ, List.of(new double[] {4, 4.1, 3.9})));
        Verdicts.Verdict v = only(oneFork, ratioTarget(2.0));
        assertEquals("3+3 iterations of 1 fork", v.basis());
        assertTrue(v.met(), v.toString());
    }

    @Test
    void timeUnitsAreInvertedSoAboveOneIsBetter() {
        Verdicts.Target floor = new Verdicts.Target("8: floor", Verdicts.Kind.RATIO, "ManyCarriersBenchmark.generation",
                Pool.KERNEL, ManyCarriersBenchmark.IDEAL, Map.of(), 0.97);
        List<Report.Row> close = rows("ManyCarriersBenchmark.generation", "ms/op",
                run(Pool.KERNEL, forks(10.1, 10.0, 10.05)), run(ManyCarriersBenchmark.IDEAL, forks(10.0, 9.95, 10.0)));
        Verdicts.Verdict v = only(close, floor);
        assertTrue(v.met(), v.toString());
        assertEquals("0.99x", v.figure());

        List<Report.Row> slow = rows("ManyCarriersBenchmark.generation", "ms/op",
                run(Pool.KERNEL, forks(12.0, 12.1, 11.9)), run(ManyCarriersBenchmark.IDEAL, forks(10.0, 9.95, 10.0)));
        assertFalse(only(slow, floor).met());
    }

    @Test
    void atMostNeedsTheUpperEndBelow() {
        Verdicts.Target cancel = new Verdicts.Target("5", Verdicts.Kind.AT_MOST, "AdmissionBenchmark.submitThenCancel",
                Pool.KERNEL, null, Map.of("queued", "0"), 40.0);
        assertTrue(only(rows("AdmissionBenchmark.submitThenCancel", "ns/op",
                run(Pool.KERNEL, forks(30, 31, 29))), cancel).met());
        // mean 37.3 ns is under 40, but the interval reaches above it
        assertFalse(only(rows("AdmissionBenchmark.submitThenCancel", "ns/op",
                run(Pool.KERNEL, forks(35, 39, 38))), cancel).met());
    }

    @Test
    void atMostOnASecondaryMetric() {
        Verdicts.Target alloc = new Verdicts.Target("7", Verdicts.Kind.AT_MOST, "ThroughputBenchmark.batch",
                Pool.KERNEL, null, Map.of(), 80.0, Verdicts.ALLOCATION);
        Report.Row r = new Report.Row("ThroughputBenchmark.batch", "thrpt",
                new LinkedHashMap<>(Map.of("executor", Pool.KERNEL, "producers", "1")), 1e6, Double.NaN, "ops/s",
                Map.of(), 0, Map.of(), forks(1e6, 1e6, 1e6), Map.of(Verdicts.ALLOCATION, forks(80.1, 80.0, 80.2)));
        Verdicts.Verdict v = only(List.of(r), alloc);
        assertFalse(v.met(), "80.1 B is over 80 B");
        assertEquals("80.1 gc.alloc.rate.norm", v.figure());
        Report.Row noProfiler = new Report.Row("ThroughputBenchmark.batch", "thrpt",
                new LinkedHashMap<>(Map.of("executor", Pool.KERNEL, "producers", "1")), 1e6, Double.NaN, "ops/s",
                Map.of(), 0, Map.of(), forks(1e6, 1e6, 1e6), Map.of());
        assertTrue(Verdicts.judge(List.of(noProfiler), List.of(alloc), C).isEmpty(), "no -prof gc, no verdict");
    }

    @Test
    void pairedOverheadIsJudgedPerFork() {
        Verdicts.Target overhead = new Verdicts.Target("4", Verdicts.Kind.PAIRED, "PairedOverheadBenchmark.kernelAndIdeal",
                null, null, Map.of("workMicros", "1"), 0.90);
        Map<String, List<double[]>> secondary = new LinkedHashMap<>();
        secondary.put("kernelNanos", forks(105, 104, 106));
        secondary.put("idealNanos", forks(100, 100, 100));
        Report.Row r = new Report.Row("PairedOverheadBenchmark.kernelAndIdeal", "thrpt",
                new LinkedHashMap<>(Map.of("workMicros", "1.0")), 1, Double.NaN, "ops/s", Map.of(), 0,
                Map.of("kernelNanos", 315.0, "idealNanos", 300.0), forks(1, 1, 1), secondary);
        Verdicts.Verdict v = only(List.of(r), overhead);
        assertTrue(v.met(), v.toString());
        assertEquals("4.8%", v.figure());

        secondary.put("kernelNanos", forks(150, 104, 106));
        assertFalse(only(List.of(r), overhead).met(), "one slow fork widens the interval past 10%");
    }

    @Test
    void targetsWithoutRowsAreLeftOut() {
        List<Report.Row> rows = rows("ThroughputBenchmark.batch", "ops/s",
                run(Pool.KERNEL, forks(10, 10, 10)), run(Pool.TPE_PBQ, forks(4, 4, 4)));
        List<Verdicts.Verdict> all = Verdicts.judge(rows, Verdicts.TARGETS, C);
        assertEquals(1, all.size(), all.toString()); // only "kernel >= 2x tpe-pbq" has both rows
    }

    // ------------------------------------------------------------------ helpers

    /** One sample per fork, each fork of a single iteration. */
    private static List<double[]> forks(double... perFork) {
        List<double[]> f = new ArrayList<>();
        for (double v : perFork) {
            f.add(new double[] {v});
        }
        return f;
    }

    private static Object[] run(String executor, List<double[]> raw) {
        return new Object[] {executor, raw};
    }

    private static List<Report.Row> rows(String benchmark, String unit, Object[]... runs) {
        List<Report.Row> rows = new ArrayList<>();
        for (Object[] run : runs) {
            @SuppressWarnings("unchecked")
            List<double[]> raw = (List<double[]>) run[1];
            Map<String, String> params = new LinkedHashMap<>();
            params.put("executor", (String) run[0]);
            if (benchmark.startsWith("Admission")) {
                params.put("queued", "0");
            } else {
                params.put("producers", "1");
            }
            rows.add(new Report.Row(benchmark, unit.endsWith("/s") ? "thrpt" : "avgt", params, Double.NaN,
                    Double.NaN, unit, Map.of(), 0, Map.of(), raw, Map.of()));
        }
        return rows;
    }

    private static Verdicts.Target ratioTarget(double threshold) {
        return new Verdicts.Target("1", Verdicts.Kind.RATIO, "ThroughputBenchmark.batch", Pool.KERNEL, Pool.TPE_PBQ,
                Map.of(), threshold);
    }

    private static Verdicts.Verdict only(List<Report.Row> rows, Verdicts.Target t) {
        List<Verdicts.Verdict> v = Verdicts.judge(rows, List.of(t), C);
        assertEquals(1, v.size(), v.toString());
        return v.get(0);
    }
}
