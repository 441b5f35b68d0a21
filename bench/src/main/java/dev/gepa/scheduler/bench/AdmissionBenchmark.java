package dev.gepa.scheduler.bench;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.RejectedTaskException;
import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskSpec;
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

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Admission and cancellation against a saturated executor: every worker is held by a task
 * blocked on a gate, so nothing submitted here ever runs and the hot paths are measured alone
 * (average time per operation, on the calling thread).
 *
 * <ul>
 * <li>{@link #submitThenCancel}: submit a task, then cancel it while it is pending, leaving
 *     the queue as it was. The kernel cancels in O(1) and frees its bound at once (the task
 *     stays as a tombstone, purged in bulk). The baselines have no cancel that frees the queue,
 *     so they {@code remove()} the task, which locks the queue and scans it: {@code queued}
 *     tasks are waiting ahead of it to show that cost.</li>
 * <li>{@link #rejectQuietly}: the queue is full; the kernel's {@code trySubmit} returns null.
 *     Baseline: {@code execute()} on a full bounded ThreadPoolExecutor with a handler that only
 *     counts the rejection.</li>
 * <li>{@link #rejectThrowing}: the queue is full; the kernel's {@code submit} throws
 *     {@link RejectedTaskException}. Baseline: {@code execute()} with the AbortPolicy, which
 *     throws {@link RejectedExecutionException}. Both build an exception with a stack trace.</li>
 * </ul>
 *
 * PriorityBlockingQueue cannot be bounded and ForkJoinPool has neither bound nor removal, so
 * they appear only where the operation exists.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class AdmissionBenchmark {
    static final int BOUND = 1024;
    static final int WORKERS = 2;
    static final int LOW = 3;

    /** A pool whose workers are all held by gate tasks. */
    abstract static class Saturated {
        Pool pool;
        final CountDownLatch gate = new CountDownLatch(1);
        final CountDownLatch started = new CountDownLatch(WORKERS);
        final Job idle = Job.noOp();

        void saturate(String executor, int queued) {
            pool = Pool.create(executor, WORKERS, BOUND);
            Pool.Submitter blocker = pool.submitter(Job.gate(started, gate));
            for (int i = 0; i < WORKERS; i++) {
                blocker.submit(0);
            }
            awaitAllHeld();
            Pool.Submitter filler = pool.submitter(idle);
            for (int i = 0; i < queued; i++) {
                filler.submit(LOW);
            }
        }

        /**
         * Waits until every gate task runs. (ThreadPoolExecutor's {@code getActiveCount()} would
         * not do: it counts a worker whose thread has not started yet as active, and a queued
         * task could then reach a worker.)
         */
        private void awaitAllHeld() {
            try {
                if (!started.await(10, TimeUnit.SECONDS)) {
                    throw new IllegalStateException(pool.kind + ": workers did not start");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            gate.countDown();
            pool.close();
        }
    }

    /** Saturated workers, {@code queued} tasks waiting, room in the queue. */
    @State(Scope.Benchmark)
    public static class CancelState extends Saturated {
        @Param({Pool.KERNEL, Pool.TPE_PBQ, Pool.TPE_LBQ})
        public String executor;

        @Param({"0", "512"})
        public int queued;

        TaskSpec<Void> spec;
        long sequence;

        @Setup(Level.Trial)
        public void setUp() {
            saturate(executor, queued);
            spec = TaskSpec.of("cancelled", Priority.NORMAL, idle);
        }
    }

    /** Saturated workers and a full queue. */
    @State(Scope.Benchmark)
    public static class FullState extends Saturated {
        @Param({Pool.KERNEL, Pool.TPE_LBQ})
        public String executor;

        TaskSpec<Void> spec;

        @Setup(Level.Trial)
        public void setUp() {
            saturate(executor, BOUND);
            spec = TaskSpec.of("refused", Priority.NORMAL, idle);
        }
    }

    /** Submit a task and cancel it while pending, leaving the queue as it was. */
    @Benchmark
    public boolean submitThenCancel(CancelState s) {
        Pool pool = s.pool;
        if (pool instanceof Pool.KernelPool) {
            TaskHandle<Void> h = ((Pool.KernelPool) pool).scheduler.submit(s.spec);
            return h.cancel(false);
        }
        Pool.TpePool tpe = (Pool.TpePool) pool;
        Runnable task = tpe.priorities
                ? new Pool.Prioritized(2, s.sequence++, s.idle)
                : new FutureTask<Void>(s.idle, null);
        tpe.tpe.execute(task);
        if (task instanceof FutureTask) {
            ((FutureTask<?>) task).cancel(false);
        }
        return tpe.tpe.remove(task);
    }

    /** A refused submit that reports the refusal without an exception. */
    @Benchmark
    public Object rejectQuietly(FullState s) {
        Pool pool = s.pool;
        if (pool instanceof Pool.KernelPool) {
            TaskHandle<Void> h = ((Pool.KernelPool) pool).scheduler.trySubmit(s.spec);
            if (h != null) {
                throw new IllegalStateException("the queue should be full");
            }
            return null;
        }
        Pool.TpePool tpe = (Pool.TpePool) pool;
        tpe.throwOnReject = false;
        long before = tpe.quietRejections;
        tpe.tpe.execute(s.idle);
        if (tpe.quietRejections == before) {
            throw new IllegalStateException("the queue should be full");
        }
        return null;
    }

    /** A refused submit that throws. */
    @Benchmark
    public Object rejectThrowing(FullState s) {
        Pool pool = s.pool;
        try {
            if (pool instanceof Pool.KernelPool) {
                Scheduler scheduler = ((Pool.KernelPool) pool).scheduler;
                scheduler.submit(s.spec);
            } else {
                Pool.TpePool tpe = (Pool.TpePool) pool;
                tpe.throwOnReject = true;
                tpe.tpe.execute(s.idle);
            }
        } catch (RejectedExecutionException expected) { // RejectedTaskException is one too
            return expected;
        }
        throw new IllegalStateException("the queue should be full");
    }
}
