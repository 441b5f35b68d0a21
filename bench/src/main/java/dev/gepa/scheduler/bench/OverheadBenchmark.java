package dev.gepa.scheduler.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Scheduling overhead on real work: each invocation runs {@value #TASKS} tasks that each burn
 * about {@code workMicros} of CPU ({@link org.openjdk.jmh.infra.Blackhole#consumeCPU(long)},
 * calibrated by {@link Cpu}), and the score is tasks per second.
 *
 * <p>The {@code ideal} runner is the same work on {@code workers} plain threads that claim jobs
 * from a shared index ({@link IdealRunner}): no queue, no hand-off, no bookkeeping. So for the kernel,
 * {@code overhead = 1 - kernel / ideal}: the share of the workers' time the scheduler takes.
 * The baselines run the same work for comparison. Every runner is waited for the same way
 * ({@link Counters}), so the fixed per-batch cost of starting and waiting is the same for all
 * and small next to a batch (4 ms of work at 1 µs, 400 ms at 100 µs, per worker).
 *
 * <p>The kernel's submitter is the benchmark thread, which shares the machine with the workers:
 * its submit cost is part of the overhead, as it would be in use.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class OverheadBenchmark {
    /** Tasks per invocation. */
    public static final int TASKS = 8_000;

    /** Plain threads running the work directly: the upper bound. */
    public static final String IDEAL = "ideal";

    /** CPU burnt by each task, in microseconds. */
    @Param({"1", "10", "100"})
    public double workMicros;

    /** {@value #IDEAL} or an executor kind of {@link Pool}. */
    @Param({Pool.KERNEL, IDEAL, Pool.TPE_PBQ, Pool.TPE_LBQ, Pool.FJP})
    public String runner;

    /** Worker threads of every runner. */
    @Param({"2"})
    public int workers;

    private Pool pool;
    private Pool.Submitter submitter;
    private IdealRunner ideal;

    @Setup(Level.Trial)
    public void setUp() {
        Job job = Job.burn(Cpu.tokensFor(workMicros));
        if (IDEAL.equals(runner)) {
            ideal = new IdealRunner(workers, TASKS, workMicros, job);
        } else {
            pool = Pool.create(runner, workers, TASKS);
            submitter = pool.submitter(job);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (ideal != null) {
            ideal.close();
        } else {
            pool.close();
        }
    }

    /** One batch of work, run and waited for. */
    @Benchmark
    @OperationsPerInvocation(TASKS)
    public void batch() {
        if (ideal != null) {
            ideal.runBatch();
            return;
        }
        long target = pool.completed() + TASKS;
        Pool.Submitter s = submitter;
        for (int i = 0; i < TASKS; i++) {
            s.submit(2); // NORMAL
        }
        pool.awaitCompleted(target, null);
    }
}
