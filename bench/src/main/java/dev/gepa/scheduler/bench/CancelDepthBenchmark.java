package dev.gepa.scheduler.bench;

import dev.gepa.scheduler.Priority;
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
import java.util.concurrent.TimeUnit;

/**
 * Cancelling one pending task out of a deep queue: every worker is held by a task blocked on a
 * gate and {@code depth} tasks of mixed priorities wait. One operation cancels the oldest of
 * them still pending and submits its replacement at the same priority, so the depth stays
 * constant; the submit is the same cheap step at every depth, so what grows with depth is the
 * cancel. Average time per operation.
 *
 * <p>The kernel cancels a pending task in place (its place in the queue becomes a tombstone).
 * The {@code ThreadPoolExecutor} over a {@code PriorityBlockingQueue} has no cancel that frees
 * the queue: {@code remove()} takes the queue's lock and scans its array, O(depth).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class CancelDepthBenchmark {
    static final int WORKERS = 2;

    /** The executor under test. */
    @Param({Pool.KERNEL, Pool.TPE_PBQ})
    public String executor;

    /** Tasks pending behind the held workers. */
    @Param({"1000", "10000", "100000", "1000000"})
    public int depth;

    private final CountDownLatch gate = new CountDownLatch(1);
    private final CountDownLatch started = new CountDownLatch(WORKERS);
    private final Job idle = Job.noOp();
    private Pool pool;
    private Scheduler scheduler;              // kernel only
    private TaskSpec<?>[] specs;              // kernel only, per level
    private TaskHandle<?>[] handles;          // kernel only: the pending tasks, oldest at next
    private Pool.Prioritized[] queued;        // tpe-pbq only: the same
    private long sequence;
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        pool = Pool.create(executor, WORKERS, depth + 16);
        Pool.Submitter blocker = pool.submitter(Job.gate(started, gate));
        for (int i = 0; i < WORKERS; i++) {
            blocker.submit(0);
        }
        awaitWorkersHeld();
        if (pool instanceof Pool.KernelPool) {
            scheduler = ((Pool.KernelPool) pool).scheduler;
            specs = new TaskSpec<?>[Pool.LEVELS];
            for (int p = 0; p < Pool.LEVELS; p++) {
                specs[p] = TaskSpec.of("pending", Priority.values()[p], idle);
            }
            handles = new TaskHandle<?>[depth];
            for (int i = 0; i < depth; i++) {
                handles[i] = scheduler.submit(specs[i & 3]);
            }
        } else {
            queued = new Pool.Prioritized[depth];
            for (int i = 0; i < depth; i++) {
                queued[i] = new Pool.Prioritized(i & 3, sequence++, idle);
                ((Pool.TpePool) pool).tpe.execute(queued[i]);
            }
        }
    }

    /**
     * Waits until every gate task runs. (ThreadPoolExecutor's {@code getActiveCount()} would not
     * do: it counts a worker whose thread has not started yet as active.)
     */
    private void awaitWorkersHeld() {
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

    /** Cancel the oldest pending task, submit its replacement at the same priority. */
    @Benchmark
    public boolean cancelOneAndReplace() {
        int i = next;
        next = i + 1 == depth ? 0 : i + 1;
        boolean removed;
        if (scheduler != null) {
            removed = handles[i].cancel(false);
            handles[i] = scheduler.submit(specs[i & 3]);
        } else {
            java.util.concurrent.ThreadPoolExecutor tpe = ((Pool.TpePool) pool).tpe;
            removed = tpe.remove(queued[i]);
            queued[i] = new Pool.Prioritized(i & 3, sequence++, idle);
            tpe.execute(queued[i]);
        }
        if (!removed) {
            throw new IllegalStateException(executor + ": pending task " + i + " was not cancelled; " + pool.completed() + " tasks ran");
        }
        return removed;
    }
}
