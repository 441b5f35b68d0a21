package dev.gepa.scheduler.bench;

import org.openjdk.jmh.annotations.AuxCounters;
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
 * The kernel's overhead measured in pairs: each invocation runs one batch of
 * {@value OverheadBenchmark#TASKS} CPU-burning tasks through the kernel and then the same batch on
 * plain threads ({@link IdealRunner}), in the same fork, and adds each one's wall time to its own counter. Overhead is
 * {@code 1 - idealNanos / kernelNanos}.
 *
 * <p>Why pairs: {@link OverheadBenchmark} runs the kernel and the ideal in different forks, at
 * different minutes; on a shared machine the load of other processes changes by more than the 1%
 * being measured between them. Alternating batches within one fork exposes both runners to the
 * same load, so the ratio holds better when the absolute figures move. The primary score (batches
 * per second, both runners together) is not the result; the counters are: {@code kernelNanos},
 * {@code idealNanos} and {@code batches} (pairs run), summed per iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class PairedOverheadBenchmark {
    static final int TASKS = OverheadBenchmark.TASKS;

    /** CPU burnt by each task, in microseconds. */
    @Param({"1", "10", "100"})
    public double workMicros;

    /** Worker threads of both runners. */
    @Param({"2"})
    public int workers;

    private Pool kernel;
    private Pool.Submitter submitter;
    private IdealRunner ideal;

    /** Wall time spent in each runner's batches during one iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Nanos {
        public long kernelNanos;
        public long idealNanos;
        public long batches;

        @Setup(Level.Iteration)
        public void reset() {
            kernelNanos = 0;
            idealNanos = 0;
            batches = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        Job job = Job.burn(Cpu.tokensFor(workMicros));
        kernel = Pool.create(Pool.KERNEL, workers, TASKS);
        submitter = kernel.submitter(job);
        ideal = new IdealRunner(workers, TASKS, workMicros, job);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ideal.close();
        kernel.close();
    }

    /** One kernel batch, then one ideal batch, each timed into its counter. */
    @Benchmark
    @OperationsPerInvocation(2)
    public void kernelThenIdeal(Nanos nanos) {
        long t0 = System.nanoTime();
        long target = kernel.completed() + TASKS;
        Pool.Submitter s = submitter;
        for (int i = 0; i < TASKS; i++) {
            s.submit(2); // NORMAL
        }
        kernel.awaitCompleted(target, null);
        long t1 = System.nanoTime();
        ideal.runBatch();
        long t2 = System.nanoTime();
        nanos.kernelNanos += t1 - t0;
        nanos.idealNanos += t2 - t1;
        nanos.batches++;
    }
}
