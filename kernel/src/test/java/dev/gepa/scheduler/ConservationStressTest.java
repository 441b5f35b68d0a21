package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.LongAdder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Conservation under concurrency: one million tasks from four producers at random priorities,
 * with random cancels of pending and running tasks and evaluators that sometimes throw. Every
 * accepted task must end in exactly one final state, no evaluator may run twice, and the
 * scheduler's counters must balance exactly against the test's own tallies.
 */
@Timeout(180)
class ConservationStressTest {

    private static final int PRODUCERS = 4;
    private static final int PER_PRODUCER = 250_000;
    private static final int TOTAL = PRODUCERS * PER_PRODUCER;
    /** One task in this many blocks until its producer cancels it while it runs. */
    private static final int LONG_EVERY = 5_000;

    private static final byte PLAIN = 0;
    private static final byte THROWS = 1;
    private static final byte LONG = 2;

    /** Proves every accepted task ends in exactly one final state, runs at most once, and the counters balance exactly. */
    @Test
    void everyAcceptedTaskEndsInExactlyOneFinalState() throws Exception {
        AtomicIntegerArray runs = new AtomicIntegerArray(TOTAL);
        TaskHandle<?>[] handles = new TaskHandle<?>[TOTAL];
        byte[] kinds = new byte[TOTAL];
        LongAdder cancelWins = new LongAdder();
        LongAdder rejections = new LongAdder();
        try (Scheduler s = Scheduler.builder().maxConcurrent(3).maxQueueSize(1024).build()) {
            TestSupport.runInParallel("producer", PRODUCERS, Duration.ofSeconds(120),
                    p -> produce(s, p, runs, handles, kinds, cancelWins, rejections));
            // every task finishes while the scheduler runs; shutdown then only ends idle carriers
            // (draining a queue at shutdown is LifecycleTest's and ShutdownRaceTest's concern)
            for (int idx = 0; idx < TOTAL; idx++) {
                TaskHandle<?> h = handles[idx];
                assertNotNull(h, "task " + idx + " has no handle");
                TestSupport.awaitCondition("task " + idx + " to finish", h::isDone);
            }
            s.shutdown();
            assertTrue(s.awaitTermination(TestSupport.TIMEOUT), "did not terminate");

            long completed = 0;
            long failed = 0;
            long cancelled = 0;
            long cancelledBeforeRunning = 0;
            long cancelledWhileRunning = 0;
            for (int idx = 0; idx < TOTAL; idx++) {
                TaskHandle<?> h = handles[idx];
                assertNotNull(h, "task " + idx + " has no handle");
                int ran = runs.get(idx);
                if (ran > 1) {
                    fail("task " + idx + " ran " + ran + " times: " + h);
                }
                if (h.startedAt().isPresent() != (ran == 1)) {
                    fail("task " + idx + " ran " + ran + " times but startedAt is " + h.startedAt());
                }
                TaskState state = h.state();
                TaskResult<?> result = h.result();
                switch (state) {
                    case COMPLETED:
                        completed++;
                        check(kinds[idx] == PLAIN && ran == 1 && result.equals(new TaskResult.Completed<>(idx))
                                && Integer.valueOf(idx).equals(h.future().getNow(null)), idx, h);
                        break;
                    case FAILED:
                        failed++;
                        check(kinds[idx] == THROWS && ran == 1 && result instanceof TaskResult.Failed
                                && Integer.toString(idx).equals(((TaskResult.Failed<?>) result).error().getMessage())
                                && h.future().isCompletedExceptionally() && !h.future().isCancelled(), idx, h);
                        break;
                    case CANCELLED:
                        cancelled++;
                        if (ran == 0) {
                            cancelledBeforeRunning++;
                        } else {
                            cancelledWhileRunning++;
                        }
                        check(result instanceof TaskResult.Cancelled && h.future().isCancelled(), idx, h);
                        break;
                    default:
                        fail("task " + idx + " is not final after termination: " + h);
                }
                if (kinds[idx] == LONG) {
                    check(state == TaskState.CANCELLED, idx, h);
                }
            }
            SchedulerStatus st = s.status();
            assertEquals(TOTAL, st.submitted());
            assertEquals(completed, st.completed());
            assertEquals(failed, st.failed());
            assertEquals(cancelled, st.cancelled());
            assertEquals(cancelWins.sum(), st.cancelled(), "cancel() calls that returned true");
            assertEquals(rejections.sum(), st.rejected());
            assertEquals(st.submitted(), st.finished());
            assertEquals(0, st.pending());
            assertEquals(0, st.running());
            assertTrue(failed > 0 && cancelledBeforeRunning > 0 && cancelledWhileRunning > 0,
                    "the load did not exercise every outcome: failed " + failed + ", cancelled before running "
                            + cancelledBeforeRunning + ", while running " + cancelledWhileRunning);
        }
    }

    private static void produce(Scheduler s, int producer, AtomicIntegerArray runs,
                                TaskHandle<?>[] handles, byte[] kinds, LongAdder cancelWins,
                                LongAdder rejections) throws Exception {
        SplittableRandom rnd = new SplittableRandom(0x5EED + producer);
        Priority[] levels = Priority.values();
        List<TaskHandle<?>> longOnes = new ArrayList<>();
        int base = producer * PER_PRODUCER;
        for (int i = 0; i < PER_PRODUCER; i++) {
            int idx = base + i;
            byte kind = i % LONG_EVERY == LONG_EVERY / 2 ? LONG : rnd.nextInt(100) < 5 ? THROWS : PLAIN;
            kinds[idx] = kind;
            TaskSpec<Integer> spec = TaskSpec.of("c" + idx, levels[rnd.nextInt(levels.length)], evaluator(kind, idx, runs));
            TaskHandle<Integer> h;
            while ((h = s.trySubmit(spec)) == null) {
                rejections.increment();
                cancelRunning(longOnes, cancelWins);
                Thread.yield();
            }
            handles[idx] = h;
            if (kind == LONG) {
                longOnes.add(h);
            }
            if (rnd.nextInt(100) < 4) {
                TaskHandle<?> victim = handles[idx - rnd.nextInt(Math.min(i + 1, 64))];
                if (victim.cancel(rnd.nextBoolean())) {
                    cancelWins.increment();
                }
            }
            if ((i & 63) == 0) {
                cancelRunning(longOnes, cancelWins);
            }
        }
        long deadline = System.nanoTime() + TestSupport.TIMEOUT.toNanos();
        while (!longOnes.isEmpty()) {
            for (Iterator<TaskHandle<?>> it = longOnes.iterator(); it.hasNext(); ) {
                TaskHandle<?> h = it.next();
                if (h.cancel(true)) {
                    cancelWins.increment();
                }
                if (h.isDone()) {
                    it.remove();
                }
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("long tasks never finished: " + longOnes);
            }
            Thread.yield();
        }
    }

    /** Cancels, with interrupt, each of this producer's long tasks that is running now. */
    private static void cancelRunning(List<TaskHandle<?>> longOnes, LongAdder cancelWins) {
        for (Iterator<TaskHandle<?>> it = longOnes.iterator(); it.hasNext(); ) {
            TaskHandle<?> h = it.next();
            if (h.state() == TaskState.RUNNING && h.cancel(true)) {
                cancelWins.increment();
            }
            if (h.isDone()) {
                it.remove();
            }
        }
    }

    private static Callable<Integer> evaluator(byte kind, int idx, AtomicIntegerArray runs) {
        switch (kind) {
            case THROWS:
                return () -> {
                    runs.incrementAndGet(idx);
                    throw new IllegalStateException(Integer.toString(idx));
                };
            case LONG:
                return () -> {
                    runs.incrementAndGet(idx);
                    new CountDownLatch(1).await(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                    throw new TimeoutException("task " + idx + " was never cancelled");
                };
            default:
                return () -> {
                    runs.incrementAndGet(idx);
                    return idx;
                };
        }
    }

    private static void check(boolean ok, int idx, TaskHandle<?> h) {
        if (!ok) {
            fail("task " + idx + " ended inconsistently: " + h + ", result " + h.result());
        }
    }
}
