package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code status()} at quiescence is exact (issue 7, item 11): a snapshot taken right after every
 * task is seen final, with no wait for the carriers, shows nothing pending, nothing running, and
 * {@code submitted == completed + failed + cancelled}; never one completion short. A task
 * cancelled while running is final before its evaluator has returned, so its slot may be counted
 * running until then: that case checks the counts at once and {@code running == 0} once the
 * evaluator has left.
 */
@Timeout(60)
class QuiescentStatusTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    /** Proves 1000 rounds of submit, fail, pending cancel and completion each end in an exact snapshot. */
    @Test
    void everySnapshotAfterTheLastTaskIsFinalIsExact() throws Exception {
        Scheduler s = Scheduler.builder().maxConcurrent(2).maxQueueSize(64).resultRetention(32).build();
        for (int round = 0; round < 1000; round++) {
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            int r = round;
            handles.add(s.submit(TaskSpec.of("ok", () -> r)));
            handles.add(s.submit(TaskSpec.of("fails", () -> {
                throw new IllegalStateException("round " + r);
            })));
            TaskHandle<Integer> cancelled = s.submit(TaskSpec.of("cancelled", () -> r));
            cancelled.cancel(false); // pending or already running: either way it ends
            handles.add(cancelled);
            for (int i = 0; i < (round & 7); i++) {
                handles.add(s.submit(TaskSpec.of("more", () -> r)));
            }
            // half the rounds wait on the futures, half on the states alone (no future is made)
            for (TaskHandle<Integer> h : handles) {
                if ((round & 1) == 0) {
                    try {
                        h.future().get(BOUND.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                        // final
                    }
                } else {
                    TestSupport.awaitCondition("a task is final", h::isDone);
                }
            }
            SchedulerStatus st = s.status(); // at once: no waiting for the carriers
            if (st.pending() != 0 || st.running() != 0 || st.submitted() != st.finished()) {
                fail("round " + round + ": the snapshot after every task was final is not exact: " + st);
            }
        }
        Bounded.close(s, BOUND);
    }

    /** Proves the counts are exact at once after running cancels, and running drops to 0 when the evaluators leave. */
    @Test
    void runningCancelsBalanceAtOnceAndFreeTheirSlot() throws Exception {
        Scheduler s = Scheduler.builder().maxConcurrent(1).build();
        for (int round = 0; round < 200; round++) {
            try (Blocker<Integer> b = new Blocker<>(round)) {
                TaskHandle<Integer> h = s.submit(TaskSpec.of("running", b));
                b.awaitStarted();
                h.cancel(true);
                SchedulerStatus st = s.status();
                assertEquals(0, st.pending(), () -> "pending after a running cancel: " + st);
                assertEquals(st.submitted(), st.finished(), () -> "one completion short after a running cancel: " + st);
            }
            TestSupport.awaitCondition("the cancelled evaluator left its slot", () -> s.status().running() == 0);
        }
        Bounded.close(s, BOUND);
    }
}
