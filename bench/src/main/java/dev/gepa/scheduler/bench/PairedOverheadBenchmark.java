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
 * The kernel's overhead measured in pairs: each invocation runs one batch of CPU-burning tasks
 * through the kernel and the same batch on plain threads ({@link IdealRunner}), in the same
 * fork, and adds each one's wall time to its own counter. Overhead is
 * {@code 1 - idealNanos / kernelNanos}.
 *
 * <p>Why pairs: {@link OverheadBenchmark} runs the kernel and the ideal in different forks, at
 * different minutes; on a shared machine the load of other processes changes by more than the 1%
 * being measured between them. Alternating batches within one fork exposes both runners to the
 * same load, so the ratio holds better when the absolute figures move. A batch is about
 * {@value #BATCH_MILLIS} ms of work, so that even a short run has dozens of pairs, and which
 * runner goes first alternates.
 *
 * <p>Each batch's process CPU time is recorded too: {@code 1 - idealCpuNanos / kernelCpuNanos}
 * is the CPU the kernel adds per unit of work. Unlike wall time it hardly moves when other
 * processes take the cores, so it is the steadier figure on a shared machine; it does not see
 * workers left idle by slow hand-offs, which wall time does.
 *
 * <p>The primary score (pairs per second) is not the result; the counters are:
 * {@code kernelNanos}, {@code idealNanos}, {@code kernelCpuNanos}, {@code idealCpuNanos} and
 * {@code tasks} (per runner), summed per iteration.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class PairedOverheadBenchmark {
    /** Wall time of one batch on the ideal runner, in milliseconds. */
    static final int BATCH_MILLIS = 40;

    /** CPU burnt by each task, in microseconds. */
    @Param({"1", "10", "100"})
    public double workMicros;

    /** Worker threads of both runners. */
    @Param({"2"})
    public int workers;

    private int tasks;
    private Pool kernel;
    private Pool.Submitter submitter;
    private IdealRunner ideal;
    private boolean kernelFirst;

    /** Wall time spent in each runner's batches, and tasks run by each, during one iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Nanos {
        public long kernelNanos;
        public long idealNanos;
        public long kernelCpuNanos;
        public long idealCpuNanos;
        public long tasks;

        @Setup(Level.Iteration)
        public void reset() {
            kernelNanos = 0;
            idealNanos = 0;
            kernelCpuNanos = 0;
            idealCpuNanos = 0;
            tasks = 0;
        }
    }

    @Setup(Level.Trial)
    public void setUp() {
        tasks = (int) Math.round(workers * BATCH_MILLIS * 1000 / workMicros);
        Job job = Job.burn(Cpu.tokensFor(workMicros));
        kernel = Pool.create(Pool.KERNEL, workers, tasks);
        submitter = kernel.submitter(job);
        ideal = new IdealRunner(workers, tasks, workMicros, job);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        ideal.close();
        kernel.close();
    }

    private void kernelBatch(Nanos nanos) {
        long c0 = processCpuNanos();
        long t0 = System.nanoTime();
        long target = kernel.completed() + tasks;
        Pool.Submitter s = submitter;
        for (int i = 0; i < tasks; i++) {
            s.submit(2); // NORMAL
        }
        kernel.awaitCompleted(target, null);
        nanos.kernelNanos += System.nanoTime() - t0;
        nanos.kernelCpuNanos += processCpuNanos() - c0;
    }

    private void idealBatch(Nanos nanos) {
        long c0 = processCpuNanos();
        long t0 = System.nanoTime();
        ideal.runBatch();
        nanos.idealNanos += System.nanoTime() - t0;
        nanos.idealCpuNanos += processCpuNanos() - c0;
    }

    /** CPU time of the whole process (all threads: workers, submitter, GC, JIT), in ns. */
    private static long processCpuNanos() {
        return OS.getProcessCpuTime();
    }

    private static final com.sun.management.OperatingSystemMXBean OS =
            (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();

    /** One kernel batch and one ideal batch, in alternating order, each timed into its counter. */
    @Benchmark
    @OperationsPerInvocation(2)
    public void kernelAndIdeal(Nanos nanos) {
        kernelFirst = !kernelFirst;
        if (kernelFirst) {
            kernelBatch(nanos);
            idealBatch(nanos);
        } else {
            idealBatch(nanos);
            kernelBatch(nanos);
        }
        nanos.tasks += tasks;
    }
}
