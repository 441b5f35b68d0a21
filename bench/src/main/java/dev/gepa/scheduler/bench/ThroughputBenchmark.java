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
 * End-to-end throughput: each invocation submits a batch of {@value #BATCH} no-op tasks of
 * mixed priorities (levels 0..3 in turn) and waits until every one has run. The score is
 * tasks per second, submit to completion, so it charges an executor for everything a task
 * costs: admission, queueing, hand-off to a worker, wake-ups, running and bookkeeping.
 *
 * <p>{@code producers} threads submit (the benchmark thread plus {@code producers - 1} helpers
 * started for the trial), each an interleaved share of the batch. The kernel's
 * {@code maxQueueSize} and the bounded baseline's queue capacity are both {@value #BATCH}, so a
 * batch always fits; submitters still retry if refused. ForkJoinPool and the
 * PriorityBlockingQueue executor have no bound.
 *
 * <p>Completion is counted in a per-worker cell ({@link Counters}), not in a shared atomic, so
 * the benchmark measures the executor rather than a contended counter; the waiting thread parks
 * between checks and takes no core from the workers.
 *
 * <p>Run with {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per task, end
 * to end, by all threads (the kernel's task objects, the baseline's wrappers and queue nodes).
 *
 * <p>Counters ({@link Wakeups}): {@code waits} of the executor's worker threads ({@link Waits})
 * and {@code tasks} run, per iteration; {@code waits / tasks} is the executor's parks per task,
 * which an executor that wakes a worker per task drives towards one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class ThroughputBenchmark {
    /** Tasks per invocation. */
    public static final int BATCH = 10_000;

    /** The executor under test; see {@link Pool}. */
    @Param({Pool.KERNEL, Pool.KERNEL_FIFO, Pool.KERNEL_UNTIMED, Pool.TPE_PBQ, Pool.TPE_LBQ, Pool.FJP})
    public String executor;

    /** Threads submitting the batch together. */
    @Param({"1", "2"})
    public int producers;

    /** Worker threads of every executor (the kernel's maxConcurrent). */
    @Param({"2"})
    public int workers;

    private Pool pool;
    private Pool.Submitter submitter;
    private Crew helpers;

    @Setup(Level.Trial)
    public void setUp() {
        pool = Pool.create(executor, workers, BATCH);
        submitter = pool.submitter(Job.noOp());
        helpers = producers > 1
                ? new Crew("producer", producers - 1, k -> submitShare(k + 1), null)
                : null;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (helpers != null) {
            helpers.close();
        }
        pool.close();
    }

    /** Producer {@code k}'s share: tasks k, k + producers, k + 2 * producers, ... */
    private void submitShare(int k) {
        Pool.Submitter s = submitter;
        for (int i = k; i < BATCH; i += producers) {
            s.submit(i & 3);
        }
    }

    /** Parks of the executor's workers and tasks run, per iteration. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.EVENTS)
    public static class Wakeups {
        /** Waits (parks, monitor waits) of the executor's workers during the iteration. */
        public long waits;
        /** Tasks run during the iteration. */
        public long tasks;

        private long waitsAtStart;
        private long tasksRun;

        @Setup(Level.Iteration)
        public void start(ThroughputBenchmark b) {
            tasksRun = 0;
            waitsAtStart = Waits.of(b.pool.counters.threadIds());
        }

        @TearDown(Level.Iteration)
        public void finish(ThroughputBenchmark b) {
            waits = Waits.of(b.pool.counters.threadIds()) - waitsAtStart;
            tasks = tasksRun;
        }
    }

    /** One batch, submitted by all producers and waited for. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void batch(Wakeups wakeups) {
        wakeups.tasksRun += BATCH;
        long target = pool.completed() + BATCH;
        if (helpers != null) {
            helpers.startRound();
        }
        submitShare(0);
        pool.awaitCompleted(target, helpers);
    }
}
