package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Admission: at most maxQueueSize pending tasks, running ones not counted; rejections change only the rejected count. */
@Timeout(60)
class AdmissionTest {

    /**
     * Proves that with every slot busy and maxQueueSize tasks pending, submit throws QUEUE_FULL
     * and trySubmit returns null, that neither changes anything but the rejected count, and that
     * a rejected evaluator never runs.
     */
    @Test
    void aFullQueueRejectsAndChangesNothingButTheRejectedCount() throws Exception {
        AtomicBoolean rejectedRan = new AtomicBoolean();
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).maxQueueSize(3).build();
             Gate gate = new Gate(2)) {
            List<TaskHandle<Integer>> accepted = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                accepted.add(s.submit(TaskSpec.of("running-" + i, () -> {
                    gate.pass();
                    return 1;
                })));
            }
            gate.awaitArrivals();
            for (int i = 0; i < 3; i++) {
                accepted.add(s.submit(TaskSpec.of("pending-" + i, () -> 2)));
            }
            SchedulerStatus before = s.status();
            assertEquals(2, before.running());
            assertEquals(3, before.pending());
            assertEquals(5, before.submitted());
            assertEquals(0, before.rejected());

            TaskSpec<Integer> overflow = TaskSpec.of("overflow", () -> {
                rejectedRan.set(true);
                return 3;
            });
            RejectedTaskException e = assertThrows(RejectedTaskException.class, () -> s.submit(overflow));
            assertEquals(RejectionReason.QUEUE_FULL, e.reason());
            assertInstanceOf(RejectedExecutionException.class, e);
            assertTrue(e.getMessage().contains("overflow"), e.getMessage());
            assertNull(s.trySubmit(overflow));

            SchedulerStatus after = s.status();
            assertEquals(2, after.rejected());
            assertEquals(withRejected(before, 2), withUptimeOf(after, before));
            for (TaskHandle<Integer> h : accepted.subList(2, 5)) {
                assertEquals(TaskState.PENDING, h.state());
            }

            gate.open();
            for (TaskHandle<Integer> h : accepted) {
                TestSupport.get(h);
            }
            assertFalse(rejectedRan.get(), "a rejected task ran");
            SchedulerStatus end = TestSupport.quietStatus(s);
            assertEquals(5, end.completed());
            assertEquals(5, end.submitted());
        }
    }

    /** Proves that running tasks do not count against the bound: maxConcurrent running plus maxQueueSize pending are accepted. */
    @Test
    void runningTasksDoNotCountAgainstTheBound() throws Exception {
        List<Blocker<Integer>> blockers = new ArrayList<>();
        try (Scheduler s = Scheduler.builder().maxConcurrent(3).maxQueueSize(1).build()) {
            try {
                // one at a time: each must hold a slot before the next is submitted
                for (int i = 0; i < 3; i++) {
                    Blocker<Integer> b = new Blocker<>(i);
                    blockers.add(b);
                    assertNotNull(s.trySubmit(TaskSpec.of("running-" + i, b)), "running-" + i);
                    b.awaitStarted();
                }
                assertNotNull(s.trySubmit(TaskSpec.of("pending", () -> 0)));
                assertNull(s.trySubmit(TaskSpec.of("one-too-many", () -> 0)));
                SchedulerStatus st = s.status();
                assertEquals(3, st.running());
                assertEquals(1, st.pending());
                assertEquals(4, st.submitted());
                assertEquals(1, st.rejected());
            } finally {
                blockers.forEach(Blocker::release);
            }
        }
    }

    /** Proves that a task leaving the queue for a slot frees its place: the next submit is accepted. */
    @Test
    void aDispatchFreesAPlaceInTheBound() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(1).build();
             Blocker<String> first = new Blocker<>("first");
             Blocker<String> second = new Blocker<>("second")) {
            s.submit(TaskSpec.of("first", first));
            first.awaitStarted();
            TaskHandle<String> h2 = s.submit(TaskSpec.of("second", second));
            assertEquals(RejectionReason.QUEUE_FULL, assertThrows(RejectedTaskException.class,
                    () -> s.submit(TaskSpec.of("third", () -> "third"))).reason());
            first.release();
            second.awaitStarted();
            assertEquals(TaskState.RUNNING, h2.state());
            TaskHandle<String> h3 = s.submit(TaskSpec.of("third", () -> "third"));
            second.release();
            assertEquals("third", TestSupport.get(h3));
            assertEquals(1, s.status().rejected());
        }
    }

    /** Proves that producers racing for the last places are admitted exactly up to the bound, never past it. */
    @Test
    void racingProducersAreAdmittedExactlyUpToTheBound() throws Exception {
        int producers = 4;
        int attempts = 200;
        int bound = 100;
        AtomicInteger accepted = new AtomicInteger();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(bound).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            s.submit(TaskSpec.of("blocker", blocker));
            blocker.awaitStarted();
            TestSupport.runInParallel("racer", producers, TestSupport.TIMEOUT, p -> {
                for (int i = 0; i < attempts; i++) {
                    if (s.trySubmit(TaskSpec.of("racer", () -> 0)) != null) {
                        accepted.incrementAndGet();
                    }
                }
            });
            assertEquals(bound, accepted.get());
            SchedulerStatus st = s.status();
            assertEquals(bound, st.pending());
            assertEquals(bound + 1, st.submitted());
            assertEquals((long) producers * attempts - bound, st.rejected());
        }
    }

    /** Proves that after shutdown every submit is rejected for SHUTDOWN, even when the queue is also full, and is counted. */
    @Test
    void afterShutdownEverySubmitIsRejectedForShutdown() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            s.submit(TaskSpec.of("blocker", blocker));
            blocker.awaitStarted();
            TaskHandle<Integer> pending = s.submit(TaskSpec.of("pending", () -> 1));
            s.shutdown();
            RejectedTaskException e = assertThrows(RejectedTaskException.class,
                    () -> s.submit(TaskSpec.of("late", () -> 2)));
            assertEquals(RejectionReason.SHUTDOWN, e.reason());
            assertTrue(e.getMessage().contains("late"), e.getMessage());
            assertNull(s.trySubmit(TaskSpec.of("late", () -> 2)));
            SchedulerStatus st = s.status();
            assertEquals(2, st.rejected());
            assertEquals(2, st.submitted());
            assertEquals(1, st.pending());
            blocker.release();
            assertEquals(1, TestSupport.get(pending));
            assertTrue(s.awaitTermination(TestSupport.TIMEOUT));
            assertEquals(RejectionReason.SHUTDOWN, assertThrows(RejectedTaskException.class,
                    () -> s.submit(TaskSpec.of("after-termination", () -> 3))).reason());
            assertEquals(3, s.status().rejected());
        }
    }

    /** Proves that input is validated before the bound: a full or shut-down scheduler still throws NPE/IAE, and counts no rejection. */
    @Test
    void validationComesBeforeTheBound() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            s.submit(TaskSpec.of("blocker", blocker));
            blocker.awaitStarted();
            s.submit(TaskSpec.of("pending", () -> "p"));
            SchedulerStatus before = s.status();

            assertThrows(NullPointerException.class, () -> s.submit(null));
            assertThrows(NullPointerException.class, () -> s.trySubmit(null));
            assertThrows(IllegalArgumentException.class, () -> s.submit(TaskSpec.of(" ", () -> "x")));
            assertThrows(NullPointerException.class, () -> s.submit(TaskSpec.of("c", null)));
            assertThrows(NullPointerException.class,
                    () -> s.submit(new TaskSpec<>("c", () -> "x", null, Map.of())));
            assertEquals(before.rejected(), s.status().rejected());
            assertEquals(before.submitted(), s.status().submitted());

            s.shutdown();
            assertThrows(NullPointerException.class, () -> s.submit(null));
            assertThrows(NullPointerException.class, () -> s.trySubmit(null));
            assertEquals(0, s.status().rejected());
        }
    }

    private static SchedulerStatus withRejected(SchedulerStatus st, long rejected) {
        return new SchedulerStatus(st.running(), st.pending(), st.submitted(), st.completed(), st.failed(),
                st.cancelled(), st.timedOut(), st.overrunning(), st.started(), rejected, rejected, st.capacity(), st.atCapacityThreshold(), st.maxConcurrent(),
                st.maxQueueSize(), st.throughput(), st.uptime(), st.totalRunTime(), st.meanRunTime(),
                st.totalQueueWait(), st.meanQueueWait(), st.levels());
    }

    /** {@code st} with the figures of {@code other} that move with time: uptime and waits so far. */
    private static SchedulerStatus withUptimeOf(SchedulerStatus st, SchedulerStatus other) {
        List<SchedulerStatus.LevelStatus> levels = new ArrayList<>();
        for (int i = 0; i < st.levels().size(); i++) {
            levels.add(new SchedulerStatus.LevelStatus(st.levels().get(i).priority(),
                    st.levels().get(i).pending(), other.levels().get(i).oldestPendingWait()));
        }
        return new SchedulerStatus(st.running(), st.pending(), st.submitted(), st.completed(), st.failed(),
                st.cancelled(), st.timedOut(), st.overrunning(), st.started(), st.rejected(), st.rejectedQueueFull(), st.capacity(), st.atCapacityThreshold(),
                st.maxConcurrent(), st.maxQueueSize(), other.throughput(), other.uptime(), st.totalRunTime(),
                st.meanRunTime(), st.totalQueueWait(), st.meanQueueWait(), levels);
    }
}
