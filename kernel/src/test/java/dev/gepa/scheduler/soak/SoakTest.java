package dev.gepa.scheduler.soak;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskResult;
import dev.gepa.scheduler.TaskSpec;
import dev.gepa.scheduler.TaskState;
import dev.gepa.scheduler.internal.KernelProbe;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Soak: millions of tasks through one scheduler from several producers, with random priorities,
 * failures (exceptions and Errors), cancels of pending and running tasks, future callbacks of
 * several kinds (some of them throwing), status and result reads, and a shutdown at the end.
 * Checks that every submitted task ends in exactly one final state, that no evaluator runs twice,
 * that every callback runs once and sees its task final with no interrupt left set, that the
 * counters balance exactly, and that cancel churn grows neither the heap nor the kernel's queues
 * and id table.
 *
 * <p>The bounded run (tag {@code soak}) is part of {@code mvn -B verify}:
 * <pre>mvn -B -pl kernel test -Dtest=SoakTest -Dsoak.tasks=10000000</pre>
 * The long run (tag {@code soak-long}, excluded by default):
 * <pre>mvn -B -pl kernel test -Dgroups=soak-long -DexcludedGroups=none -Dsoak.tasks=200000000</pre>
 * {@code soak.tasks} sets the task count of whichever runs.
 */
class SoakTest {
    private static final int PRODUCERS = 3;
    private static final int MAX_CONCURRENT = 3;
    private static final int MAX_QUEUE_SIZE = 1024;
    private static final int RETENTION = 1024;
    private static final int CHECKPOINTS = 5; // barriers at 1/6 .. 5/6 of each producer's quota
    private static final long HEAP_GROWTH_LIMIT = 32L << 20;

    // per-task ratios, out of 1024
    private static final int FAIL_PER_1024 = 16;
    private static final int SLOW_PER_1024 = 4;
    private static final int ERROR_PER_1024 = 4;
    private static final int CALLBACK_PER_1024 = 64;
    private static final int CANCEL_OWN_PER_1024 = 64;
    private static final int CANCEL_RUNNING_PER_1024 = 16;
    private static final int RESULT_READ_PER_1024 = 16;
    private static final int STATUS_READ_PER_1024 = 1;

    private static final VarHandle RUNS = MethodHandles.arrayElementVarHandle(byte[].class);
    /** Low bits of a task's byte in {@code runs}: how many times its evaluator was invoked. */
    private static final int RUN_COUNT = 0x3F;
    /** High bit of a task's byte: a producer saw it CANCELLED with {@code startedAt()} empty. */
    private static final int SEEN_UNSTARTED_CANCEL = 0x40;
    private static final Map<String, ?> NO_METADATA = Map.of();
    private static final Priority[] PRIORITIES = Priority.values();

    @Test
    @Tag("soak")
    void boundedSoak() throws Exception {
        soak(Long.getLong("soak.tasks", 10_000_000L));
    }

    @Test
    @Tag("soak-long")
    void longSoak() throws Exception {
        soak(Long.getLong("soak.tasks", 200_000_000L));
    }

    // ------------------------------------------------------------------ the run

    private void soak(long tasks) throws Exception {
        assertTrue(tasks >= PRODUCERS && tasks <= Integer.MAX_VALUE - 8,
                "soak.tasks must be between " + PRODUCERS + " and 2^31-9, was " + tasks);
        long started = System.nanoTime();
        Scheduler scheduler = Scheduler.builder().maxConcurrent(MAX_CONCURRENT)
                .maxQueueSize(MAX_QUEUE_SIZE).resultRetention(RETENTION).build();
        Scheduler core = scheduler; // internal seams: queued tasks, id slots
        Shared shared = new Shared((int) tasks);
        CyclicBarrier checkpoint = new CyclicBarrier(PRODUCERS + 1);
        List<Producer> producers = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < PRODUCERS; p++) {
            int from = (int) (tasks * p / PRODUCERS);
            int to = (int) (tasks * (p + 1) / PRODUCERS);
            Producer producer = new Producer(p, scheduler, shared, from, to, checkpoint);
            producers.add(producer);
            Thread t = new Thread(producer, "soak-producer-" + p);
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);

        long[] heap = new long[CHECKPOINTS];
        int[] queued = new int[CHECKPOINTS];
        int[] slots = new int[CHECKPOINTS];
        for (int c = 0; c < CHECKPOINTS; c++) {
            awaitBarrier(checkpoint, shared); // every producer has paused at this checkpoint
            queued[c] = KernelProbe.queuedTaskCount(core);
            slots[c] = KernelProbe.slotsInUse(core);
            heap[c] = usedHeapAfterGc();
            awaitBarrier(checkpoint, shared); // let them go on
        }
        for (Thread t : threads) {
            t.join();
        }
        shared.rethrow();

        scheduler.shutdown();
        assertTrue(scheduler.awaitTermination(Duration.ofMinutes(2)), "scheduler did not terminate");
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

        // ---- every task ended exactly once; nothing ran twice
        Tally total = new Tally();
        for (Producer p : producers) {
            p.sweep(true); // fails on any handle not final after termination
            total.add(p.tally);
        }
        shared.rethrow();
        assertEquals(0, shared.ranTwice.sum(), "evaluators invoked twice");
        assertEquals(shared.callbacksRegistered.sum(), shared.callbacksRun.sum(),
                "future callbacks registered vs run by termination");
        long ran = 0;
        long invokedAfterUnstartedCancel = 0;
        int example = -1;
        for (int i = 0; i < shared.runs.length; i++) {
            int b = shared.runs[i];
            ran += b & RUN_COUNT;
            if ((b & SEEN_UNSTARTED_CANCEL) != 0 && (b & RUN_COUNT) != 0) {
                invokedAfterUnstartedCancel++;
                example = i;
            }
        }
        // TaskHandle.startedAt: "empty if it has not been (and, if cancelled, never will be)"
        assertEquals(0, invokedAfterUnstartedCancel, "tasks seen CANCELLED with startedAt() empty whose "
                + "evaluator was invoked afterwards (cancel(true) between the carrier's state check and "
                + "its start), e.g. task sequence " + example);
        assertEquals(tasks, total.submitted, "tasks submitted by the producers");
        assertEquals(tasks, total.completed + total.failed + total.cancelledBeforeStart
                + total.cancelledAfterStart, "tasks in a final state");
        assertEquals(ran, total.completed + total.failed + total.cancelledAfterStart,
                "evaluator invocations vs tasks that started");

        // ---- the counters balance exactly
        SchedulerStatus s = scheduler.status();
        assertEquals(tasks, s.submitted(), "status.submitted");
        assertEquals(total.completed, s.completed(), "status.completed");
        assertEquals(total.failed, s.failed(), "status.failed");
        assertEquals(total.cancelledBeforeStart + total.cancelledAfterStart, s.cancelled(), "status.cancelled");
        assertEquals(total.rejected, s.rejected(), "status.rejected");
        assertEquals(s.submitted(), s.finished(), "submitted == completed + failed + cancelled");
        assertEquals(0, s.pending(), "status.pending after termination");
        assertEquals(0, s.running(), "status.running after termination");
        assertTrue(total.cancelledBeforeStart > 0 && total.failed > 0, "the mix must include cancels and failures");
        if (tasks >= 1_000_000) {
            assertTrue(total.cancelledAfterStart > 0, "the mix must include cancels of running tasks");
        }

        // ---- cancel churn grows neither the queues, the id table nor the heap
        int queueBound = MAX_QUEUE_SIZE /* live */ + Math.max(64, MAX_QUEUE_SIZE) /* tombstones */
                + PRODUCERS /* submits in flight */;
        // TaskIndex notes: slots in use <= maxQueueSize + 2 * maxConcurrent + retention + one per
        // canceller between publishing and retiring; plus slack for carriers finishing meanwhile.
        // Counted at checkpoints only: the count is a scan of the table, which under load counts a
        // slot given back and taken again during the scan twice
        int slotBound = MAX_QUEUE_SIZE + 2 * MAX_CONCURRENT + RETENTION + PRODUCERS + 32;
        // sampled while producers, carriers and cancels ran: the counts are then approximate
        assertTrue(shared.maxQueued.get() <= queueBound + 256, "queued tasks sampled under load: "
                + shared.maxQueued.get() + " > " + queueBound + " + 256");
        for (int c = 0; c < CHECKPOINTS; c++) {
            assertTrue(queued[c] <= queueBound, "queued tasks at checkpoint " + c + ": " + queued[c]
                    + " > " + queueBound);
            assertTrue(slots[c] <= slotBound, "id slots at checkpoint " + c + ": " + slots[c] + " > " + slotBound);
        }
        long growth = 0;
        for (int c = 1; c < CHECKPOINTS; c++) {
            growth = Math.max(growth, heap[c] - heap[0]);
        }
        String report = String.format("soak: %,d tasks in %,d ms (%,.0f tasks/s): completed %,d, failed %,d, "
                        + "cancelled pending %,d, cancelled running %,d, rejected submits %,d; "
                        + "heap after GC at checkpoints (MB) %s; queued %s (max sampled %d); id slots %s",
                tasks, elapsedMs, tasks * 1000.0 / Math.max(1, elapsedMs), total.completed, total.failed,
                total.cancelledBeforeStart, total.cancelledAfterStart, total.rejected,
                mb(heap), Arrays.toString(queued), shared.maxQueued.get(),
                Arrays.toString(slots));
        System.out.println(report);
        assertTrue(growth <= HEAP_GROWTH_LIMIT, "heap after GC grew by " + (growth >> 20)
                + " MB over the soak (limit " + (HEAP_GROWTH_LIMIT >> 20) + " MB): " + report);
    }

    /**
     * Heap in use after two full collections, from the platform MemoryMXBean. Reached through
     * reflection: this test runs patched into the kernel's module, which does not read
     * java.management (core reflection needs no readability edge).
     */
    private static long usedHeapAfterGc() throws ReflectiveOperationException {
        System.gc();
        System.gc();
        Object bean = Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getMemoryMXBean").invoke(null);
        Method heapUsage = Class.forName("java.lang.management.MemoryMXBean").getMethod("getHeapMemoryUsage");
        Object usage = heapUsage.invoke(bean);
        return (long) Class.forName("java.lang.management.MemoryUsage").getMethod("getUsed").invoke(usage);
    }

    private static String mb(long[] bytes) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < bytes.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(bytes[i] >> 20);
        }
        return sb.append(']').toString();
    }

    private static void awaitBarrier(CyclicBarrier barrier, Shared shared) throws Exception {
        try {
            barrier.await(10, TimeUnit.MINUTES);
        } catch (BrokenBarrierException | TimeoutException e) {
            shared.rethrow();
            throw e;
        }
    }

    // ------------------------------------------------------------------ shared state

    /** State shared by producers and evaluators. */
    private static final class Shared {
        /** Per task sequence number: evaluator invocations (RUN_COUNT bits) and SEEN_UNSTARTED_CANCEL. */
        final byte[] runs;
        final LongAdder ranTwice = new LongAdder();
        /** Jobs whose evaluator is running now, for cancels of running tasks. */
        final AtomicReferenceArray<Job> runningNow = new AtomicReferenceArray<>(64);
        final ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        /** Largest queued-task count sampled while the producers ran. */
        final AtomicInteger maxQueued = new AtomicInteger();
        /** Future callbacks registered by producers, and run. */
        final LongAdder callbacksRegistered = new LongAdder();
        final LongAdder callbacksRun = new LongAdder();

        Shared(int tasks) {
            runs = new byte[tasks];
        }

        void rethrow() {
            Throwable t = failures.peek();
            if (t != null) {
                fail("a soak thread failed: " + t, t);
            }
        }
    }

    /** The exception of failing tasks: shared, without a stack trace, so failing is cheap. */
    private static final RuntimeException FAILURE = new RuntimeException("soak failure", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    /** The Error of failing tasks of kind 3: shared, without a stack trace. */
    private static final Error ERROR = new Error("soak error", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    /** Thrown by some callbacks: the future swallows it, the scheduler must not notice. */
    private static final RuntimeException CALLBACK_FAILURE = new RuntimeException("soak callback", null, false, false) {
        private static final long serialVersionUID = 1L;
    };

    /** One task's evaluator. Its value is itself, so a result can be traced to its task. */
    private static final class Job implements Callable<Object> {
        final int seq;
        final int kind; // 0 value, 1 fails, 2 slow value, 3 throws an Error
        final Shared shared;
        volatile TaskHandle<Object> handle; // set by the producer after submit

        Job(int seq, int kind, Shared shared) {
            this.seq = seq;
            this.kind = kind;
            this.shared = shared;
        }

        @Override
        public Object call() {
            if (((byte) RUNS.getAndAdd(shared.runs, seq, (byte) 1) & RUN_COUNT) != 0) {
                shared.ranTwice.increment();
            }
            int slot = seq & (shared.runningNow.length() - 1);
            shared.runningNow.lazySet(slot, this);
            if (kind == 2) {
                for (int i = 0; i < 200; i++) {
                    Thread.onSpinWait(); // long enough to be cancelled while running, now and then
                }
            }
            if (kind == 1) {
                throw FAILURE;
            }
            if (kind == 3) {
                throw ERROR;
            }
            return this;
        }
    }

    /** Final-state counts, by who saw them. */
    private static final class Tally {
        long submitted;
        long rejected;
        long completed;
        long failed;
        long cancelledBeforeStart;
        long cancelledAfterStart;

        void add(Tally o) {
            submitted += o.submitted;
            rejected += o.rejected;
            completed += o.completed;
            failed += o.failed;
            cancelledBeforeStart += o.cancelledBeforeStart;
            cancelledAfterStart += o.cancelledAfterStart;
        }
    }

    // ------------------------------------------------------------------ producers

    private static final class Producer implements Runnable {
        private final int index;
        private final Scheduler scheduler;
        private final Shared shared;
        private final int from;
        private final int to;
        private final CyclicBarrier checkpoint;
        private final SplittableRandom random;
        final Tally tally = new Tally();

        /** Handles not yet seen final. */
        private TaskHandle<?>[] open = new TaskHandle<?>[4096];
        private int[] openSeq = new int[4096];
        private int openCount;
        private SchedulerStatus lastStatus;

        Producer(int index, Scheduler scheduler, Shared shared, int from, int to, CyclicBarrier checkpoint) {
            this.index = index;
            this.scheduler = scheduler;
            this.shared = shared;
            this.from = from;
            this.to = to;
            this.checkpoint = checkpoint;
            this.random = new SplittableRandom(0x5eed + index);
        }

        @Override
        public void run() {
            try {
                int quota = to - from;
                int next = 0;
                for (int c = 1; c <= CHECKPOINTS; c++) {
                    int until = (int) ((long) quota * c / (CHECKPOINTS + 1));
                    produce(from + next, from + until);
                    next = until;
                    checkpoint.await();
                    checkpoint.await();
                }
                produce(from + next, to);
            } catch (Throwable t) {
                shared.failures.add(t);
                checkpoint.reset(); // break the barrier for everyone
            }
        }

        private void produce(int fromSeq, int toSeq) {
            for (int seq = fromSeq; seq < toSeq; seq++) {
                int dice = random.nextInt(1024);
                int kind = dice < FAIL_PER_1024 ? 1 : dice < FAIL_PER_1024 + SLOW_PER_1024 ? 2
                        : dice < FAIL_PER_1024 + SLOW_PER_1024 + ERROR_PER_1024 ? 3 : 0;
                Job job = new Job(seq, kind, shared);
                TaskSpec<Object> spec = new TaskSpec<>("soak", job, PRIORITIES[random.nextInt(PRIORITIES.length)],
                        NO_METADATA);
                TaskHandle<Object> h;
                while ((h = scheduler.trySubmit(spec)) == null) {
                    tally.rejected++;
                    Thread.onSpinWait();
                    if ((tally.rejected & 63) == 0) {
                        Thread.yield(); // the queue is full: let the carriers run
                    }
                }
                job.handle = h;
                tally.submitted++;
                track(h, seq);
                if (random.nextInt(1024) < CALLBACK_PER_1024) {
                    attachCallback(h, random.nextInt(3));
                }

                int action = random.nextInt(1024);
                if (action < CANCEL_OWN_PER_1024) {
                    h.cancel(random.nextBoolean()); // most often still pending
                } else if (action < CANCEL_OWN_PER_1024 + CANCEL_RUNNING_PER_1024) {
                    Job running = shared.runningNow.get(random.nextInt(shared.runningNow.length()));
                    TaskHandle<Object> rh = running == null ? null : running.handle;
                    if (rh != null) {
                        if (random.nextBoolean()) {
                            rh.cancel(true);
                        } else {
                            scheduler.cancel(rh.id(), true);
                        }
                    }
                } else if (action < CANCEL_OWN_PER_1024 + CANCEL_RUNNING_PER_1024 + RESULT_READ_PER_1024) {
                    checkResult(open[random.nextInt(openCount)]);
                } else if (action < CANCEL_OWN_PER_1024 + CANCEL_RUNNING_PER_1024 + RESULT_READ_PER_1024
                        + STATUS_READ_PER_1024) {
                    checkStatus(scheduler.status());
                    Scheduler core = scheduler;
                    shared.maxQueued.accumulateAndGet(KernelProbe.queuedTaskCount(core), Math::max);
                }
            }
        }

        /** Registers a callback that checks what it sees; kind 1 and 2 also throw, kind 1 through handle(). */
        private void attachCallback(TaskHandle<Object> h, int kind) {
            shared.callbacksRegistered.increment();
            java.util.concurrent.CompletableFuture<Object> f = h.future();
            switch (kind) {
                case 0:
                    f.whenComplete((v, e) -> seeFinal(h));
                    break;
                case 1:
                    f.handle((v, e) -> {
                        seeFinal(h);
                        throw CALLBACK_FAILURE;
                    });
                    break;
                default:
                    f.whenComplete((v, e) -> {
                        seeFinal(h);
                        throw CALLBACK_FAILURE;
                    });
            }
        }

        /** In a callback: the task is final, has its end time, and no evaluator's interrupt is set. */
        private void seeFinal(TaskHandle<Object> h) {
            shared.callbacksRun.increment();
            if (!h.isDone() || h.finishedAt().isEmpty()) {
                shared.failures.add(new AssertionError("a callback of task " + h.id() + " ran while it was "
                        + h.state() + " (finishedAt " + h.finishedAt() + ")"));
            }
            if (Thread.currentThread().isInterrupted()) {
                shared.failures.add(new AssertionError("a callback of task " + h.id() + " on "
                        + Thread.currentThread().getName() + " saw an interrupt left set"));
            }
        }

        private void track(TaskHandle<?> h, int seq) {
            if (openCount == open.length) {
                sweep(false);
                if (openCount > open.length / 2) {
                    open = Arrays.copyOf(open, open.length * 2);
                    openSeq = Arrays.copyOf(openSeq, openSeq.length * 2);
                }
            }
            open[openCount] = h;
            openSeq[openCount++] = seq;
        }

        /** Accounts for every final handle and drops it; with {@code all}, every one must be final. */
        void sweep(boolean all) {
            int kept = 0;
            for (int i = 0; i < openCount; i++) {
                TaskHandle<?> h = open[i];
                TaskState state = h.state();
                if (state.isFinal()) {
                    account(h, openSeq[i], state);
                } else if (all) {
                    fail("task " + h.id() + " is " + state + " after the scheduler terminated: " + h);
                } else {
                    openSeq[kept] = openSeq[i];
                    open[kept++] = h;
                }
            }
            Arrays.fill(open, kept, openCount, null);
            openCount = kept;
        }

        private void account(TaskHandle<?> h, int seq, TaskState state) {
            TaskResult<?> r = h.result();
            switch (state) {
                case COMPLETED: {
                    Object v = ((TaskResult.Completed<?>) r).value();
                    if (!(v instanceof Job) || ((Job) v).handle != h || (shared.runs[((Job) v).seq] & RUN_COUNT) != 1) {
                        fail("completed task " + h.id() + " has a foreign or unrun value " + v);
                    }
                    tally.completed++;
                    break;
                }
                case FAILED:
                    Throwable error = ((TaskResult.Failed<?>) r).error();
                    if (error != FAILURE && error != ERROR) {
                        fail("failed task " + h.id() + " has a foreign error", ((TaskResult.Failed<?>) r).error());
                    }
                    tally.failed++;
                    break;
                case CANCELLED:
                    if (!(r instanceof TaskResult.Cancelled)) {
                        fail("cancelled task " + h.id() + " reports " + r);
                    }
                    if (h.startedAt().isPresent()) {
                        tally.cancelledAfterStart++;
                    } else {
                        tally.cancelledBeforeStart++;
                        RUNS.getAndBitwiseOr(shared.runs, seq, (byte) SEEN_UNSTARTED_CANCEL);
                    }
                    break;
                default:
                    fail("not final: " + state);
            }
        }

        /**
         * result(id) read between two reads of the handle's state must lie between them in the
         * task's life, and a final result must be the task's own; NotFound only once evicted.
         */
        private void checkResult(TaskHandle<?> h) {
            TaskState before = h.state();
            TaskResult<?> byId = scheduler.result(h.id());
            TaskState after = h.state();
            int rank = rank(byId);
            if (byId instanceof TaskResult.NotFound) {
                if (!after.isFinal()) {
                    fail("result(" + h.id() + ") is NotFound while the task is " + after);
                }
                return;
            }
            if (rank < rank(before) || rank > rank(after)) {
                fail("result(" + h.id() + ") = " + byId + " outside [" + before + ", " + after + "]");
            }
            if (byId instanceof TaskResult.Completed) {
                Object v = ((TaskResult.Completed<?>) byId).value();
                if (!(v instanceof Job) || ((Job) v).handle != h) {
                    fail("result(" + h.id() + ") carries a foreign value " + v);
                }
            }
            if (rank == 2 && !kindOf(byId).equals(after)) {
                fail("result(" + h.id() + ") = " + byId + " but the handle is " + after);
            }
        }

        private static int rank(TaskResult<?> r) {
            if (r instanceof TaskResult.Pending) {
                return 0;
            }
            return r instanceof TaskResult.Running ? 1 : 2;
        }

        private static int rank(TaskState s) {
            return s == TaskState.PENDING ? 0 : s == TaskState.RUNNING ? 1 : 2;
        }

        private static TaskState kindOf(TaskResult<?> r) {
            if (r instanceof TaskResult.Completed) {
                return TaskState.COMPLETED;
            }
            return r instanceof TaskResult.Failed ? TaskState.FAILED : TaskState.CANCELLED;
        }

        private void checkStatus(SchedulerStatus s) {
            if (s.running() < 0 || s.running() > MAX_CONCURRENT || s.pending() < 0 || s.pending() > MAX_QUEUE_SIZE
                    || s.finished() > s.submitted() || s.completed() < 0 || s.failed() < 0 || s.cancelled() < 0
                    || s.rejected() < 0) {
                fail("impossible status snapshot: " + s);
            }
            SchedulerStatus last = lastStatus;
            if (last != null && (s.submitted() < last.submitted() || s.completed() < last.completed()
                    || s.failed() < last.failed() || s.cancelled() < last.cancelled()
                    || s.rejected() < last.rejected())) {
                fail("a status counter went back: " + last + " then " + s);
            }
            lastStatus = s;
        }
    }
}
