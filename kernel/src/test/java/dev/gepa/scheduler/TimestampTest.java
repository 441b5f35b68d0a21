package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Timestamps are truthful (issue 7, item 4): {@code submittedAt <= startedAt <= finishedAt} for
 * every task, a task that never ran has no start, and no figure of {@code status()} is ever
 * negative, over many tasks on reused carriers; a task's start is not taken from before a
 * previous task's callbacks ran.
 */
@Timeout(60)
class TimestampTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    /** Proves the order of the three times for completed, failed and cancelled tasks alike. */
    @Test
    void timesAreOrderedForEveryTask() throws Exception {
        Scheduler s = Scheduler.builder().maxConcurrent(2).maxQueueSize(10_000).build();
        List<TaskHandle<Integer>> all = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            try (Gate gate = new Gate(2)) {
                for (int i = 0; i < 2; i++) {
                    all.add(s.submit(TaskSpec.of("hold", () -> {
                        gate.pass();
                        return 0;
                    })));
                }
                gate.awaitArrivals();
                for (int i = 0; i < 200; i++) {
                    int n = i;
                    TaskHandle<Integer> h = s.submit(TaskSpec.of("t", () -> {
                        if (n % 7 == 0) {
                            throw new IllegalStateException("fails");
                        }
                        return n;
                    }));
                    if (n % 5 == 0) {
                        h.cancel(false); // cancelled while pending: never runs, has no start
                    } else if (n % 3 == 0) {
                        h.future().thenRun(() -> { }); // a callback on the carrier between tasks
                    }
                    all.add(h);
                    checkStatus(s);
                }
            }
            for (int i = 0; i < 200; i++) {
                // submitted while the carriers run: the next start must not predate these submits
                all.add(s.submit(TaskSpec.of("live", () -> 1)));
            }
            checkStatus(s);
        }
        for (TaskHandle<Integer> h : all) {
            try {
                h.future().get(BOUND.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                // failed or cancelled
            }
        }
        for (TaskHandle<Integer> h : all) {
            checkTimes(h);
        }
        checkStatus(s);
        Bounded.close(s, BOUND);
        checkStatus(s);
    }

    /**
     * Proves a task's start is not the previous task's end when that task's callback ran in
     * between on the same carrier: the second task's recorded start comes after the first task's
     * callback began.
     */
    @Test
    void aStartIsNotTakenFromBeforeAPreviousCallback() throws Exception {
        Scheduler s = Scheduler.builder().maxConcurrent(1).build();
        CountDownLatch never = new CountDownLatch(1);
        try (Gate gate = new Gate()) {
            TaskHandle<String> first = s.submit(TaskSpec.of("first", () -> {
                gate.pass();
                return "1";
            }));
            gate.awaitArrivals();
            TaskHandle<String> second = s.submit(TaskSpec.of("second", () -> "2"));
            long[] callbackNanos = new long[1];
            first.future().whenComplete((v, e) -> {
                long t0 = System.nanoTime();
                try {
                    never.await(50, TimeUnit.MILLISECONDS); // the callback takes a measured while
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
                callbackNanos[0] = System.nanoTime() - t0;
            });
            gate.open();
            second.future().get(BOUND.toSeconds(), TimeUnit.SECONDS);
            Instant firstEnd = first.finishedAt().orElseThrow();
            Instant secondStart = second.startedAt().orElseThrow();
            Duration gap = Duration.between(firstEnd, secondStart);
            assertTrue(gap.toNanos() >= callbackNanos[0] - TimeUnit.MILLISECONDS.toNanos(2),
                    () -> "second started " + gap.toMillis() + " ms after first ended, but first's callback took "
                            + TimeUnit.NANOSECONDS.toMillis(callbackNanos[0]) + " ms on the same carrier");
            checkTimes(first);
            checkTimes(second);
        }
        Bounded.close(s, BOUND);
    }

    private static void checkTimes(TaskHandle<?> h) {
        Instant submitted = h.submittedAt();
        Optional<Instant> started = h.startedAt();
        Optional<Instant> finished = h.finishedAt();
        assertTrue(finished.isPresent(), () -> h + " is final without finishedAt");
        if (started.isPresent()) {
            assertFalse(started.get().isBefore(submitted),
                    () -> h + " started " + Duration.between(started.get(), submitted).toNanos() + " ns before it was submitted");
            assertFalse(finished.get().isBefore(started.get()),
                    () -> h + " finished " + Duration.between(finished.get(), started.get()).toNanos() + " ns before it started");
        } else {
            assertTrue(h.state() == TaskState.CANCELLED, () -> h + " ended " + h.state() + " with no start time");
            assertFalse(finished.get().isBefore(submitted), () -> h + " finished before it was submitted");
        }
    }

    private static void checkStatus(Scheduler s) {
        SchedulerStatus st = s.status();
        if (st.running() < 0 || st.pending() < 0 || st.submitted() < 0 || st.completed() < 0 || st.failed() < 0
                || st.cancelled() < 0 || st.rejected() < 0 || st.capacity() < 0 || st.throughput() < 0
                || st.uptime().isNegative() || st.totalRunTime().isNegative() || st.meanRunTime().isNegative()
                || st.totalQueueWait().isNegative() || st.meanQueueWait().isNegative()) {
            fail("a negative figure in " + st);
        }
    }
}
