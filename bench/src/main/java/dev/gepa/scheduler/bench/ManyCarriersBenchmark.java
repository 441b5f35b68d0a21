package dev.gepa.scheduler.bench;

import org.openjdk.jmh.annotations.AuxCounters;
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

import java.lang.management.ThreadInfo;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Many carriers, few cores: the shape of "hundreds of concurrent evaluations". One producer (the
 * benchmark thread) submits a generation of {@value #TASKS_PER_CARRIER} tasks per carrier, each
 * blocking (parked, as if waiting on I/O) for a fixed-seed duration between 0.2 and 4 ms at a
 * mixed priority, and waits until all have run. The score is milliseconds per generation.
 *
 * <p>The floor is {@value #IDEAL}: the same jobs on {@code carriers} plain threads that claim
 * them from a shared index, in submission order, with no queue and no hand-off. An executor that
 * keeps every carrier busy while work is pending matches it; one that leaves carriers parked
 * between evaluations is slower by the time the slots stay free.
 *
 * <p>{@code stretch} multiplies every duration; 0 (the default) means 1 up to 64 carriers and 4
 * above, so that two cores can serve the wake-ups of 256 carriers and the floor is stable.
 *
 * <p>Counters ({@link Slots}), per iteration:
 * <ul>
 * <li>{@code gapMedianMicros}, {@code gapP90Micros}: how long a freed slot stays free. With
 *     every task's start and end time taken on the carrier, sorted, the i-th end frees a slot
 *     that the {@code (carriers + i)}-th start takes: the gap is the difference. It is the
 *     executor's hand-off delay seen from outside, whichever carrier takes the next task.</li>
 * <li>{@code waits} and {@code tasks}: waits ({@link ThreadInfo#getWaitedCount()}: parks and
 *     monitor waits) of the executor's threads during the iteration, less the parks the jobs
 *     themselves make to block, and the tasks run. {@code waits / tasks} is the executor's
 *     parks per task; the kernel exposes no count of its own, so this one is taken from
 *     outside, the same way for every executor.</li>
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class ManyCarriersBenchmark {
    /** The floor: plain threads claiming the generation's jobs from a shared index. */
    static final String IDEAL = "ideal";
    /** Tasks per carrier in one generation. */
    static final int TASKS_PER_CARRIER = 8;
    static final long MIN_NANOS = 200_000L;
    static final long MAX_NANOS = 4_000_000L;
    static final long SEED = 0x5eed_2026L;

    /** The executor under test, or the floor. */
    @Param({Pool.KERNEL, Pool.TPE_PBQ, IDEAL})
    public String executor;

    /** Carrier threads (the kernel's maxConcurrent, the pool's size, the plain threads). */
    @Param({"16", "64", "256"})
    public int carriers;

    /** Duration multiplier; 0 = 1 up to 64 carriers, 4 above. */
    @Param({"0"})
    public int stretch;

    int tasks;
    private Blocking[] jobs;
    private int[] levels;
    private Pool pool;
    private Pool.Submitter[] submitters;
    private Crew ideal;
    private Counters idealCounters;
    private final AtomicInteger nextClaim = new AtomicInteger();

    // Timestamps of the current generation, taken on the carriers.
    long[] starts;
    long[] ends;
    final AtomicInteger startCursor = new AtomicInteger();
    final AtomicInteger endCursor = new AtomicInteger();
    /** Parks made by the jobs themselves (to block), not by the executor. */
    final LongAdder jobParks = new LongAdder();

    @Setup(Level.Trial)
    public void setUp() {
        tasks = carriers * TASKS_PER_CARRIER;
        long factor = stretch > 0 ? stretch : carriers > 64 ? 4 : 1;
        SplittableRandom random = new SplittableRandom(SEED);
        starts = new long[tasks];
        ends = new long[tasks];
        jobs = new Blocking[tasks];
        levels = new int[tasks];
        for (int i = 0; i < tasks; i++) {
            jobs[i] = new Blocking(factor * random.nextLong(MIN_NANOS, MAX_NANOS + 1));
            levels[i] = random.nextInt(Pool.LEVELS);
        }
        if (executor.equals(IDEAL)) {
            idealCounters = new Counters();
            ideal = new Crew(IDEAL, carriers, k -> {
                for (int i; (i = nextClaim.getAndIncrement()) < tasks; ) {
                    jobs[i].run();
                }
            }, idealCounters);
        } else {
            pool = Pool.create(executor, carriers, tasks);
            submitters = new Pool.Submitter[tasks];
            for (int i = 0; i < tasks; i++) {
                submitters[i] = pool.submitter(jobs[i]);
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (ideal != null) {
            ideal.close();
        }
        if (pool != null) {
            pool.close();
        }
    }

    /** The ids of the threads that run the jobs. */
    long[] carrierIds() {
        return (pool != null ? pool.counters : idealCounters).threadIds();
    }

    /** One generation: submit every task, wait for all, record the slot gaps. */
    @Benchmark
    public void generation(Slots slots) {
        startCursor.set(0);
        endCursor.set(0);
        if (ideal != null) {
            long target = idealCounters.sum() + tasks;
            nextClaim.set(0);
            ideal.startRound();
            idealCounters.await(target, ideal, IDEAL);
        } else {
            long target = pool.completed() + tasks;
            for (int i = 0; i < tasks; i++) {
                submitters[i].submit(levels[i]);
            }
            pool.awaitCompleted(target, null);
        }
        slots.record(this);
    }

    /** A job that blocks its thread for a fixed time and stamps its start and end. */
    final class Blocking extends Job {
        final long nanos;

        Blocking(long nanos) {
            this.nanos = nanos;
        }

        @Override
        public void run() {
            long t0 = System.nanoTime();
            starts[startCursor.getAndIncrement()] = t0;
            long end = t0 + nanos;
            int parks = 0;
            for (long left; (left = end - System.nanoTime()) > 0; parks++) {
                LockSupport.parkNanos(left);
            }
            jobParks.add(parks);
            ends[endCursor.getAndIncrement()] = System.nanoTime();
            Counters.tick();
        }

        @Override
        String name() {
            return "blocking";
        }
    }

    /** The slot gaps and the executor's waits, per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Slots {
        /** Median time a freed slot stayed free, µs. */
        public double gapMedianMicros;
        /** 90th percentile of the same, µs. */
        public double gapP90Micros;
        /** Waits of the executor's threads, less the jobs' own parks. */
        public long waits;
        /** Tasks run. */
        public long tasks;

        private long[] gaps = new long[0x10000];
        private int gapCount;
        private long waitsAtStart;
        private long tasksRun;

        @Setup(Level.Iteration)
        public void start(ManyCarriersBenchmark b) {
            gapCount = 0;
            tasksRun = 0;
            waitsAtStart = Waits.of(b.carrierIds()) - b.jobParks.sum();
        }

        void record(ManyCarriersBenchmark b) {
            long[] s = Arrays.copyOf(b.starts, b.tasks);
            long[] e = Arrays.copyOf(b.ends, b.tasks);
            Arrays.sort(s);
            Arrays.sort(e);
            int n = b.tasks - b.carriers;
            if (gapCount + n > gaps.length) {
                gaps = Arrays.copyOf(gaps, Math.max(gaps.length * 2, gapCount + n));
            }
            for (int i = 0; i < n; i++) {
                gaps[gapCount++] = Math.max(0, s[b.carriers + i] - e[i]);
            }
            tasksRun += b.tasks;
        }

        @TearDown(Level.Iteration)
        public void finish(ManyCarriersBenchmark b) {
            long[] g = Arrays.copyOf(gaps, gapCount);
            Arrays.sort(g);
            gapMedianMicros = percentile(g, 0.5) / 1e3;
            gapP90Micros = percentile(g, 0.9) / 1e3;
            waits = Waits.of(b.carrierIds()) - b.jobParks.sum() - waitsAtStart;
            tasks = tasksRun;
        }

        private static double percentile(long[] sorted, double p) {
            return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
        }
    }
}
