package dev.gepa.scheduler.bench;

import org.openjdk.jmh.infra.Blackhole;

import java.util.Locale;

/**
 * How many {@link Blackhole#consumeCPU(long)} tokens burn one microsecond on this machine.
 *
 * <p>The kernel and the "ideal" runner of {@link OverheadBenchmark} run in different forks; if
 * each fork calibrated for itself, the calibration noise (easily a percent or two on a shared
 * machine) would swamp a 1% overhead target. So a value given as the system property
 * {@value #PROPERTY} wins, and {@code Main} calibrates once and passes it to every fork. Without
 * it a fork calibrates by itself: the minimum over many short timed runs, which is the
 * figure least disturbed by other processes.
 */
final class Cpu {
    static final String PROPERTY = "bench.tokensPerMicro";

    private static volatile double tokensPerMicro;

    private Cpu() { }

    /** Tokens per microsecond: the system property if set, else a calibration (done once). */
    static double tokensPerMicro() {
        double t = tokensPerMicro;
        if (t == 0) {
            String given = System.getProperty(PROPERTY);
            t = given != null ? Double.parseDouble(given) : calibrate();
            tokensPerMicro = t;
        }
        return t;
    }

    /** Tokens that burn about {@code micros} microseconds. */
    static long tokensFor(double micros) {
        return Math.max(1L, Math.round(micros * tokensPerMicro()));
    }

    /** Measures tokens per microsecond: warm up, then the fastest of many ~1 ms runs. */
    static double calibrate() {
        long tokens = 2_000;
        for (int i = 0; i < 2_000; i++) { // let the JIT compile consumeCPU
            Blackhole.consumeCPU(tokens);
        }
        // size a run to about 1 ms
        for (;;) {
            long t0 = System.nanoTime();
            Blackhole.consumeCPU(tokens);
            long ns = System.nanoTime() - t0;
            if (ns >= 1_000_000L) {
                break;
            }
            tokens *= 2;
        }
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 200; i++) {
            long t0 = System.nanoTime();
            Blackhole.consumeCPU(tokens);
            best = Math.min(best, System.nanoTime() - t0);
        }
        return tokens / (best / 1_000.0);
    }

    static String format(double tokensPerMicro) {
        return String.format(Locale.ROOT, "%.3f", tokensPerMicro);
    }
}
