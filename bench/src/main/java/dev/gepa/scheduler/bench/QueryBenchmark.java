package dev.gepa.scheduler.bench;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskResult;
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

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * What it costs to look at an executor while it works: the benchmark thread queries while the
 * workers run a steady load of short tasks ({@link Background}: 2 µs LOW tasks, eight more
 * chains than workers, so a few are always queued). Average time per query.
 *
 * <ul>
 * <li>{@link #status}: the kernel's {@code status()} snapshot, lock-free, against what the
 *     baselines offer for the same figures (running, pending, completed, submitted):
 *     ThreadPoolExecutor's getters (three of them take the pool's main lock) and ForkJoinPool's
 *     (which scan its work queues). Each returns its figures in a fresh object, as
 *     {@code status()} does. {@code kernel-fifo} (priorities off) has no levels: beside
 *     {@code kernel}, it shows what the per-level figures (each level's pending count, and a
 *     look at each level's oldest task under the consumer role) add to a snapshot.</li>
 * <li>{@link #resultOfRecent}: the kernel's {@code result(id)} for a task that finished a
 *     moment ago and is still retained, the common "poll for my result" case. The baselines
 *     have no lookup by id, so this one is the kernel's alone.</li>
 * </ul>
 *
 * {@code workers} defaults to 1 so that the querying thread has the other core of a two-core
 * machine.
 *
 * <p>{@link #statusManyCarriers}: the same snapshot with {@code carriers} carriers, each running
 * a chain of tasks that block for {@value #CROWD_BLOCK_MILLIS} ms (eight more chains than
 * carriers, so a few wait), as in the many-carriers shape: the kernel's {@code status()} reads
 * a line per carrier, ThreadPoolExecutor's {@code getActiveCount()} walks its workers under the
 * main lock.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class QueryBenchmark {
    static final int CHAINS_ABOVE_WORKERS = 8;
    static final double BACKGROUND_MICROS = 2.0;
    static final int CROWD_BLOCK_MILLIS = 10;

    /** An executor under a steady background load. */
    @State(Scope.Benchmark)
    public static class Loaded {
        @Param({Pool.KERNEL, Pool.KERNEL_FIFO, Pool.TPE_PBQ, Pool.TPE_LBQ, Pool.FJP})
        public String executor;

        @Param({"1"})
        public int workers;

        Pool pool;
        Background background;

        @Setup(Level.Trial)
        public void setUp() {
            pool = Pool.create(executor, workers, 1024);
            background = new Background(pool, workers + CHAINS_ABOVE_WORKERS, BACKGROUND_MICROS);
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            background.close();
            pool.close();
        }
    }

    /** Many carriers, each running a chain of blocking tasks. */
    @State(Scope.Benchmark)
    public static class Crowded {
        @Param({Pool.KERNEL, Pool.TPE_PBQ})
        public String executor;

        @Param({"16", "64", "256"})
        public int carriers;

        Pool pool;
        volatile boolean running = true;

        @Setup(Level.Trial)
        public void setUp() {
            pool = Pool.create(executor, carriers, carriers + 1024);
            Pool.Submitter[] self = new Pool.Submitter[1];
            Job chain = new Job() {
                @Override
                public void run() {
                    java.util.concurrent.locks.LockSupport.parkNanos(CROWD_BLOCK_MILLIS * 1_000_000L);
                    try {
                        if (running) {
                            self[0].submit(3);
                        }
                    } catch (RuntimeException refused) {
                        if (running) { // refused while the trial runs: a real failure
                            throw refused;
                        }
                    }
                }

                @Override
                String name() {
                    return "blocking-chain";
                }
            };
            self[0] = pool.submitter(chain);
            for (int i = 0; i < carriers + CHAINS_ABOVE_WORKERS; i++) {
                self[0].submit(3);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            running = false;
            pool.close();
        }
    }

    /** The kernel under load, its tasks' ids recorded as they are submitted. */
    @State(Scope.Benchmark)
    public static class KernelLoaded {
        @Param({"1"})
        public int workers;

        Scheduler scheduler;
        /** Ids of recent background submissions; written by carriers, read racily by queries. */
        final long[] recentIds = new long[64];
        volatile long submissions;
        volatile boolean running = true;

        @Setup(Level.Trial)
        public void setUp() {
            scheduler = Scheduler.builder().maxConcurrent(workers).maxQueueSize(1024).build();
            long tokens = Cpu.tokensFor(BACKGROUND_MICROS);
            TaskSpec<?>[] self = new TaskSpec<?>[1];
            self[0] = TaskSpec.of("background", Priority.LOW, () -> {
                org.openjdk.jmh.infra.Blackhole.consumeCPU(tokens);
                if (running) {
                    record(scheduler.submit(self[0]));
                }
                return null;
            });
            for (int i = 0; i < workers + CHAINS_ABOVE_WORKERS; i++) {
                record(scheduler.submit(self[0]));
            }
        }

        private synchronized void record(TaskHandle<?> h) { // contention: carriers only
            long n = submissions;
            recentIds[(int) (n & 63)] = h.id();
            submissions = n + 1;
        }

        /** An id submitted some 32 submissions ago: finished by now, and still retained. */
        long recentFinishedId() {
            return recentIds[(int) ((submissions - 32) & 63)];
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            running = false;
            scheduler.shutdownNow();
            scheduler.close();
        }
    }

    /** The executor's running, pending, completed and submitted counts, as one snapshot. */
    @Benchmark
    public Object status(Loaded s) {
        return snapshot(s.pool);
    }

    /** The same snapshot with many carriers. */
    @Benchmark
    public Object statusManyCarriers(Crowded s) {
        return snapshot(s.pool);
    }

    private static Object snapshot(Pool pool) {
        if (pool instanceof Pool.KernelPool) {
            return ((Pool.KernelPool) pool).scheduler.status();
        }
        if (pool instanceof Pool.TpePool) {
            ThreadPoolExecutor e = ((Pool.TpePool) pool).tpe;
            return new long[] {e.getActiveCount(), e.getQueue().size(),
                    e.getCompletedTaskCount(), e.getTaskCount()};
        }
        ForkJoinPool f = ((Pool.FjPool) pool).fjp;
        return new long[] {f.getActiveThreadCount(), f.getQueuedSubmissionCount() + f.getQueuedTaskCount(),
                f.getStealCount(), f.getPoolSize()};
    }

    /** The result of a task that finished a moment ago. */
    @Benchmark
    public TaskResult<?> resultOfRecent(KernelLoaded s) {
        return s.scheduler.result(s.recentFinishedId());
    }
}
