package dev.gepa.scheduler.bench;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.TaskSpec;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinWorkerThread;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.PriorityBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One executor under test (the kernel or a baseline), built the same way for every benchmark,
 * so that each benchmark compares like with like.
 *
 * <ul>
 * <li>{@value #KERNEL}: the kernel, priorities on; {@code maxConcurrent = workers}.</li>
 * <li>{@value #KERNEL_FIFO}: the kernel, priorities off.</li>
 * <li>{@value #KERNEL_UNTIMED}: the kernel, priorities on, per-task timing off
 *     ({@code taskTiming(false)}: no clock read on a task's path).</li>
 * <li>{@value #TPE_PBQ}: {@link ThreadPoolExecutor} over a {@link PriorityBlockingQueue}; tasks
 *     go in through {@code execute()} wrapped in a {@link Prioritized} that orders by priority,
 *     then by a FIFO sequence number ({@code submit()} would throw ClassCastException: a
 *     {@code FutureTask} is not Comparable). The queue is unbounded: PBQ cannot be bounded.</li>
 * <li>{@value #TPE_LBQ}: {@link ThreadPoolExecutor} over a {@link LinkedBlockingQueue} bounded
 *     like the kernel's queue; no priorities.</li>
 * <li>{@value #FJP}: a {@link ForkJoinPool} in async (FIFO) mode with parallelism
 *     {@code workers}; no priorities, no bound.</li>
 * </ul>
 *
 * Every pool has exactly {@code workers} threads, all started at construction, and every worker
 * thread is a {@link Counted} thread, so a benchmark can wait for a batch without a shared
 * completion counter ({@link Counters}).
 */
abstract class Pool implements AutoCloseable {
    static final String KERNEL = "kernel";
    static final String KERNEL_FIFO = "kernel-fifo";
    static final String KERNEL_UNTIMED = "kernel-untimed";
    static final String TPE_PBQ = "tpe-pbq";
    static final String TPE_LBQ = "tpe-lbq";
    static final String FJP = "fjp";

    /** The priority levels, most urgent first: index {@code p} is {@code Priority.values()[p]}. */
    static final int LEVELS = Priority.values().length;

    final String kind;
    final int workers;
    final Counters counters = new Counters();

    private Pool(String kind, int workers) {
        this.kind = kind;
        this.workers = workers;
    }

    /**
     * Builds a pool.
     *
     * @param kind       one of the kind names above
     * @param workers    worker threads (the kernel's {@code maxConcurrent})
     * @param queueBound the bound on waiting tasks, for the kinds that have one
     */
    static Pool create(String kind, int workers, int queueBound) {
        switch (kind) {
            case KERNEL: return new KernelPool(kind, workers, queueBound, true, true);
            case KERNEL_FIFO: return new KernelPool(kind, workers, queueBound, false, true);
            case KERNEL_UNTIMED: return new KernelPool(kind, workers, queueBound, true, false);
            case TPE_PBQ: return new TpePool(kind, workers, new PriorityBlockingQueue<>());
            case TPE_LBQ: return new TpePool(kind, workers, new LinkedBlockingQueue<>(queueBound));
            case FJP: return new FjPool(kind, workers);
            default: throw new IllegalArgumentException("unknown executor kind: " + kind);
        }
    }

    /** Stops the pool: cancels what is queued, interrupts what runs, waits for the workers. */
    @Override
    public abstract void close();

    /** Returns a submitter of {@code job}; each call to it submits the job once more. */
    abstract Submitter submitter(Job job);

    /** Tasks finished by this pool's workers so far (those whose job ticked). */
    final long completed() {
        return counters.sum();
    }

    /** Waits until {@link #completed()} reaches {@code target}; see {@link Counters#await}. */
    final void awaitCompleted(long target, Crew helpers) {
        counters.await(target, helpers, kind);
    }

    /**
     * Submits one job at a priority (an index into {@link #LEVELS}, 0 most urgent), retrying
     * while the pool's bound refuses it. Kinds without priorities ignore the level.
     */
    interface Submitter {
        void submit(int level);
    }

    /** Backs off once while a bounded queue is full: spin a little, then let others run. */
    static void backOff(int attempt) {
        if (attempt < 64) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    // ------------------------------------------------------------------ the kernel

    static final class KernelPool extends Pool {
        final Scheduler scheduler;

        KernelPool(String kind, int workers, int queueBound, boolean priorities, boolean timing) {
            super(kind, workers);
            this.scheduler = Scheduler.builder()
                    .maxConcurrent(workers)
                    .maxQueueSize(queueBound)
                    .enablePriorities(priorities)
                    .taskTiming(timing)
                    .threadFactory(counters.threadFactory("kernel-carrier"))
                    .build();
        }

        @Override
        Submitter submitter(Job job) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            TaskSpec<Void>[] specs = new TaskSpec[LEVELS];
            for (int p = 0; p < LEVELS; p++) {
                specs[p] = TaskSpec.of(job.name(), Priority.values()[p], job);
            }
            Scheduler s = scheduler;
            return level -> {
                TaskSpec<Void> spec = specs[level];
                for (int attempt = 0; s.trySubmit(spec) == null; attempt++) {
                    if (s.isShutdown()) {
                        throw new IllegalStateException("the scheduler was shut down");
                    }
                    backOff(attempt);
                }
            };
        }

        @Override
        public void close() {
            scheduler.shutdownNow();
            scheduler.close();
        }
    }

    // ------------------------------------------------------------------ ThreadPoolExecutor

    /**
     * A job with a priority and a FIFO sequence number, as the {@link PriorityBlockingQueue}
     * javadoc suggests: lower level first, then earlier submission first.
     */
    static final class Prioritized implements Runnable, Comparable<Prioritized> {
        final int level;
        final long seq;
        final Runnable job;

        Prioritized(int level, long seq, Runnable job) {
            this.level = level;
            this.seq = seq;
            this.job = job;
        }

        @Override
        public void run() {
            job.run();
        }

        @Override
        public int compareTo(Prioritized o) {
            if (level != o.level) {
                return level < o.level ? -1 : 1;
            }
            return Long.compare(seq, o.seq);
        }
    }

    static final class TpePool extends Pool {
        final ThreadPoolExecutor tpe;
        final boolean priorities;
        final AtomicLong sequence = new AtomicLong();
        /** When true a rejection throws (AbortPolicy); when false it is only counted. */
        boolean throwOnReject = true; // read by the rejecting (calling) thread only
        long quietRejections;

        TpePool(String kind, int workers, java.util.concurrent.BlockingQueue<Runnable> queue) {
            super(kind, workers);
            this.priorities = queue instanceof PriorityBlockingQueue;
            RejectedExecutionHandler abort = new ThreadPoolExecutor.AbortPolicy();
            this.tpe = new ThreadPoolExecutor(workers, workers, 60, TimeUnit.SECONDS, queue,
                    counters.threadFactory(kind + "-worker"), (r, e) -> {
                        if (throwOnReject) {
                            abort.rejectedExecution(r, e);
                        } else {
                            quietRejections++;
                        }
                    });
            tpe.prestartAllCoreThreads();
        }

        @Override
        Submitter submitter(Job job) {
            ThreadPoolExecutor e = tpe;
            if (priorities) {
                AtomicLong seq = sequence;
                return level -> e.execute(new Prioritized(level, seq.getAndIncrement(), job));
            }
            return level -> {
                for (int attempt = 0; ; attempt++) {
                    try {
                        e.execute(job);
                        return;
                    } catch (RejectedExecutionException full) {
                        if (e.isShutdown()) {
                            throw full;
                        }
                        backOff(attempt);
                    }
                }
            };
        }

        @Override
        public void close() {
            shutdownAndWait(tpe);
        }
    }

    // ------------------------------------------------------------------ ForkJoinPool

    static final class FjPool extends Pool {
        final ForkJoinPool fjp;

        FjPool(String kind, int workers) {
            super(kind, workers);
            this.fjp = new ForkJoinPool(workers, pool -> counters.register(new CountedFjThread(pool)),
                    null, true);
        }

        @Override
        Submitter submitter(Job job) {
            ForkJoinPool p = fjp;
            return level -> p.execute(job);
        }

        @Override
        public void close() {
            shutdownAndWait(fjp);
        }
    }

    /** A ForkJoinPool worker that counts the jobs it finished. */
    static final class CountedFjThread extends ForkJoinWorkerThread implements Counted {
        private final Counters.Cell cell = new Counters.Cell();

        CountedFjThread(ForkJoinPool pool) {
            super(pool);
            setDaemon(true);
        }

        @Override
        public Counters.Cell cell() {
            return cell;
        }
    }

    static void shutdownAndWait(ExecutorService e) {
        e.shutdownNow();
        try {
            if (!e.awaitTermination(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("executor did not terminate: " + e);
            }
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

    /** How long a benchmark waits for a batch before it declares the executor stuck. */
    static final Duration STUCK = Duration.ofSeconds(60);
}
