package dev.gepa.scheduler.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Latency from submit to start, as percentiles ({@link Mode#SampleTime}): each sample is the
 * time from the submit call until the submitted task has started on a worker, seen by the
 * submitting thread spinning on a counter the task increments first thing.
 *
 * <ul>
 * <li>{@link #parked}: the workers are idle and parked (a 200 µs gap, not measured, before
 *     every sample), so each sample includes waking a worker.</li>
 * <li>{@link #busy}: the workers are busy with a steady background load of 2 µs LOW tasks
 *     ({@link Background}); the probe is CRITICAL, so an executor with priorities starts it as
 *     soon as a worker frees up, while FIFO executors start it after the queued background.</li>
 * <li>{@link #coldBurst}: after a 10 ms idle gap (not measured), a burst of {@value #BURST}
 *     tasks of mixed priorities; the sample is the time until all of them have started: the
 *     cold-wake cost an executor that stays awake between bursts would hide.</li>
 * </ul>
 *
 * <p>ForkJoinPool is left out of {@link #busy}; see {@link Busy}.
 *
 * <p>{@code workers} defaults to 1, so on a two-core machine the spinning measurer has a core
 * of its own and does not delay the worker it measures; raise it on bigger machines. A sample
 * that does not start within 10 s fails the benchmark instead of hanging it.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class LatencyBenchmark {
    /** Tasks per cold burst. */
    public static final int BURST = 32;

    private static final int CRITICAL = 0;

    /** An executor under test, with a probe task that counts its starts. */
    abstract static class Target {
        final AtomicLong started = new AtomicLong();
        Pool pool;
        Pool.Submitter probe;
        Background background;
        String executor;

        void start(String kind, int workers) {
            executor = kind;
            pool = Pool.create(kind, workers, 1024);
            AtomicLong counter = started;
            probe = pool.submitter(new Job() {
                @Override
                public void run() {
                    counter.incrementAndGet();
                }

                @Override
                String name() {
                    return "probe";
                }
            });
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (background != null) {
                background.close();
            }
            pool.close();
        }

        /** Submits {@code n} probes (levels in turn from {@code firstLevel}) and spins until all started. */
        void submitAndAwait(int n, int firstLevel) {
            long target = started.get() + n;
            for (int i = 0; i < n; i++) {
                probe.submit((firstLevel + i) & 3);
            }
            long spins = 0;
            long deadline = 0;
            while (started.get() < target) {
                Thread.onSpinWait();
                if ((++spins & 0xFFF) == 0) {
                    long now = System.nanoTime();
                    if (deadline == 0) {
                        deadline = now + 10_000_000_000L;
                    } else if (now - deadline > 0) {
                        throw new IllegalStateException(executor + ": probe did not start in 10 s");
                    }
                }
            }
        }
    }

    /** An idle executor: its workers park between samples. */
    @State(Scope.Benchmark)
    public static class Idle extends Target {
        @Param({Pool.KERNEL, Pool.TPE_PBQ, Pool.TPE_LBQ, Pool.FJP})
        public String executor;

        @Param({"1"})
        public int workers;

        @Setup(Level.Trial)
        public void setUp() {
            start(executor, workers);
        }
    }

    /**
     * An executor kept busy by {@link Background} chains. ForkJoinPool is not here: its worker
     * runs its own local queue dry before it looks at external submissions, and the chains
     * resubmit from the worker, so the probe would never start (observed: not within 10 s).
     */
    @State(Scope.Benchmark)
    public static class Busy extends Target {
        @Param({Pool.KERNEL, Pool.TPE_PBQ, Pool.TPE_LBQ})
        public String executor;

        @Param({"1"})
        public int workers;

        @Setup(Level.Trial)
        public void setUp() {
            start(executor, workers);
            background = new Background(pool, workers + 1, 2.0);
        }
    }

    /** A short idle gap before each sample: long enough for the workers to park. */
    @State(Scope.Thread)
    public static class ShortGap {
        @Setup(Level.Invocation)
        public void gap() {
            LockSupport.parkNanos(200_000L);
        }
    }

    /** A long idle gap before each burst. */
    @State(Scope.Thread)
    public static class LongGap {
        @Setup(Level.Invocation)
        public void gap() {
            LockSupport.parkNanos(10_000_000L);
        }
    }

    /** Submit to start of one CRITICAL task, the workers parked. */
    @Benchmark
    public void parked(Idle t, ShortGap gap) {
        t.submitAndAwait(1, CRITICAL);
    }

    /** Submit to start of one CRITICAL task, the workers busy with LOW background work. */
    @Benchmark
    public void busy(Busy t) {
        t.submitAndAwait(1, CRITICAL);
    }

    /** Submit of the first to start of the last of a burst after a 10 ms idle gap. */
    @Benchmark
    public void coldBurst(Idle t, LongGap gap) {
        t.submitAndAwait(BURST, CRITICAL);
    }
}
