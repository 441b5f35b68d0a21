package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** status(): each figure measured and counted once, and no impossible snapshot under concurrency. */
@Timeout(60)
class StatusTest {

    /** Proves a fresh scheduler reports its configuration, zero counts, zero durations, and a positive uptime. */
    @Test
    void aFreshSchedulerReportsItsConfigurationAndZeros() {
        try (Scheduler s = Scheduler.builder().maxConcurrent(3).maxQueueSize(7).build()) {
            SchedulerStatus st = s.status();
            assertEquals(3, st.maxConcurrent());
            assertEquals(7, st.maxQueueSize());
            assertEquals(0, st.running());
            assertEquals(0, st.pending());
            assertEquals(0, st.submitted());
            assertEquals(0, st.finished());
            assertEquals(0, st.rejected());
            assertEquals(0.0, st.capacity());
            assertFalse(st.atCapacityThreshold());
            assertEquals(0.0, st.throughput());
            assertTrue(st.uptime().toNanos() > 0);
            assertEquals(Duration.ZERO, st.totalRunTime());
            assertEquals(Duration.ZERO, st.meanRunTime());
            assertEquals(Duration.ZERO, st.totalQueueWait());
            assertEquals(Duration.ZERO, st.meanQueueWait());
        }
    }

    /** Proves running, pending and capacity (running / maxConcurrent) as slots fill, and atCapacityThreshold flipping exactly at the threshold. */
    @Test
    void capacityAndItsThreshold() throws Exception {
        List<Blocker<Integer>> blockers = new ArrayList<>();
        List<TaskHandle<Integer>> handles = new ArrayList<>();
        try (Scheduler s = Scheduler.builder().maxConcurrent(4).capacityThreshold(0.75).build()) {
            try {
                double[] capacities = {0.25, 0.5, 0.75, 1.0};
                boolean[] atThreshold = {false, false, true, true};
                for (int i = 0; i < 4; i++) {
                    Blocker<Integer> b = new Blocker<>(i);
                    blockers.add(b);
                    handles.add(s.submit(TaskSpec.of("b" + i, b)));
                    b.awaitStarted();
                    SchedulerStatus st = s.status();
                    assertEquals(i + 1, st.running());
                    assertEquals(capacities[i], st.capacity(), 1e-12);
                    assertEquals(atThreshold[i], st.atCapacityThreshold(), "with " + (i + 1) + " of 4 running");
                    assertEquals(0, st.pending());
                }
                handles.add(s.submit(TaskSpec.of("p1", () -> 0)));
                handles.add(s.submit(TaskSpec.of("p2", () -> 0)));
                SchedulerStatus st = s.status();
                assertEquals(4, st.running());
                assertEquals(2, st.pending());
                assertEquals(6, st.submitted());
            } finally {
                blockers.forEach(Blocker::release);
            }
            for (TaskHandle<Integer> h : handles) {
                TestSupport.get(h);
            }
            SchedulerStatus end = TestSupport.quietStatus(s);
            assertEquals(0.0, end.capacity());
            assertFalse(end.atCapacityThreshold());
            assertEquals(6, end.completed());
        }
    }

    /** Proves submitted, completed, failed, cancelled (pending and running) and rejected each count their own events exactly. */
    @Test
    void eachOutcomeIsCountedOnceUnderItsOwnName() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(2).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            for (int i = 0; i < 3; i++) {
                TestSupport.get(s.submit(TaskSpec.of("ok", () -> "ok")));
            }
            for (int i = 0; i < 2; i++) {
                TaskHandle<String> f = s.submit(TaskSpec.of("bad", () -> {
                    throw new IllegalStateException("bad");
                }));
                TestSupport.awaitCondition("a failure", f::isDone);
            }
            TaskHandle<String> running = s.submit(TaskSpec.of("blocker", blocker));
            blocker.awaitStarted();
            TaskHandle<String> p1 = s.submit(TaskSpec.of("p1", () -> "p1"));
            TaskHandle<String> p2 = s.submit(TaskSpec.of("p2", () -> "p2"));
            assertThrows(RejectedTaskException.class, () -> s.submit(TaskSpec.of("x", () -> "x")));
            assertNull(s.trySubmit(TaskSpec.of("y", () -> "y")));
            assertTrue(p1.cancel(false));
            assertTrue(running.cancel(true));
            assertEquals("p2", TestSupport.get(p2));

            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(8, st.submitted());
            assertEquals(4, st.completed());
            assertEquals(2, st.failed());
            assertEquals(2, st.cancelled());
            assertEquals(2, st.rejected());
            assertEquals(8, st.finished());
        }
    }

    /** Proves throughput is completed tasks per second of uptime, positive once tasks complete. */
    @Test
    void throughputIsCompletionsPerSecondOfUptime() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).build()) {
            for (int i = 0; i < 20; i++) {
                TestSupport.get(s.submit(TaskSpec.of("t", () -> 1)));
            }
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(20, st.completed());
            assertTrue(st.throughput() > 0);
            double expected = st.completed() / (st.uptime().toNanos() / 1e9);
            assertEquals(expected, st.throughput(), expected * 1e-9);
        }
    }

    /** Proves uptime grows by at least the wall time measured between two snapshots. */
    @Test
    void uptimeGrowsWithTime() throws Exception {
        try (Scheduler s = Scheduler.builder().build()) {
            Duration first = s.status().uptime();
            long elapsed = TestSupport.elapseAtLeast(20);
            Duration second = s.status().uptime();
            assertTrue(second.minus(first).toNanos() >= elapsed,
                    "uptime grew " + second.minus(first) + " over " + Duration.ofNanos(elapsed));
        }
    }

    /**
     * Proves run time and queue wait are really measured: a task held on a gate for a measured
     * interval has at least that run time, and a task pending behind it at least that wait; the
     * means are the totals over completed+failed and over started tasks.
     */
    @Test
    void runTimeAndQueueWaitAreMeasured() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("held")) {
            TaskHandle<String> held = s.submit(TaskSpec.of("held", blocker));
            blocker.awaitStarted();
            TaskHandle<String> waiting = s.submit(TaskSpec.of("waiting", () -> "waited"));
            long interval = TestSupport.elapseAtLeast(50);
            blocker.release();
            TestSupport.get(held);
            TestSupport.get(waiting);
            SchedulerStatus st = TestSupport.quietStatus(s);

            assertTrue(st.totalRunTime().toNanos() >= interval,
                    "total run time " + st.totalRunTime() + " < held interval " + Duration.ofNanos(interval));
            assertEquals(Duration.ofNanos(st.totalRunTime().toNanos() / 2), st.meanRunTime());
            assertTrue(st.totalQueueWait().toNanos() >= interval,
                    "total queue wait " + st.totalQueueWait() + " < " + Duration.ofNanos(interval));
            assertEquals(Duration.ofNanos(st.totalQueueWait().toNanos() / 2), st.meanQueueWait());

            Duration ran = Duration.between(held.startedAt().orElseThrow(), held.finishedAt().orElseThrow());
            assertTrue(ran.toNanos() >= interval, "held ran " + ran);
            Duration waited = Duration.between(waiting.submittedAt(), waiting.startedAt().orElseThrow());
            assertTrue(waited.toNanos() >= interval, "waiting waited " + waited);
        }
    }

    /** Proves a failed task's run time is counted, while a task cancelled mid-run adds no run time. */
    @Test
    void failedRunsCountTowardRunTimeAndCancelledRunsDoNot() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> failing = new Blocker<>("unused");
             Blocker<String> cancelled = new Blocker<>("unused")) {
            TaskHandle<String> f = s.submit(TaskSpec.of("failing", () -> {
                failing.call();
                throw new IllegalStateException("after the wait");
            }));
            failing.awaitStarted();
            long interval = TestSupport.elapseAtLeast(30);
            failing.release();
            TestSupport.awaitCondition("the failing task to finish", f::isDone);
            SchedulerStatus afterFailure = TestSupport.quietStatus(s);
            assertEquals(1, afterFailure.failed());
            assertTrue(afterFailure.totalRunTime().toNanos() >= interval);
            assertEquals(afterFailure.totalRunTime(), afterFailure.meanRunTime());

            TaskHandle<String> c = s.submit(TaskSpec.of("cancelled", cancelled));
            cancelled.awaitStarted();
            TestSupport.elapseAtLeast(30);
            assertTrue(c.cancel(true));
            SchedulerStatus end = TestSupport.quietStatus(s);
            assertEquals(1, end.cancelled());
            assertEquals(afterFailure.totalRunTime(), end.totalRunTime());
            assertEquals(afterFailure.meanRunTime(), end.meanRunTime());
        }
    }

    /**
     * Proves status() read concurrently from several threads while producers submit, cancel and
     * fail tasks never shows a negative figure, more finished than submitted, more running than
     * slots or more pending than the bound, and that at quiescence the counters balance exactly
     * against the tests' own tallies.
     */
    @Test
    void concurrentSnapshotsAreNeverImpossibleAndBalanceAtQuiescence() throws Exception {
        int producers = 2;
        int perProducer = 20_000;
        int readers = 3;
        int maxConcurrent = 3;
        int maxQueueSize = 256;
        double threshold = 0.5;
        AtomicLong reads = new AtomicLong();
        AtomicLong cancelWins = new AtomicLong();
        AtomicLong rejections = new AtomicLong();
        List<String> violations = new CopyOnWriteArrayList<>();
        List<TaskHandle<Integer>> all = new CopyOnWriteArrayList<>();
        try (Scheduler s = Scheduler.builder().maxConcurrent(maxConcurrent).maxQueueSize(maxQueueSize)
                .capacityThreshold(threshold).build()) {
            AtomicInteger producersDone = new AtomicInteger();
            TestSupport.runInParallel("status", producers + readers, Duration.ofSeconds(60), index -> {
                if (index >= producers) { // a reader: until the producers are done and the load has drained
                    SchedulerStatus st;
                    do {
                        st = s.status();
                        String v = impossible(st, maxConcurrent, maxQueueSize, threshold);
                        if (v != null) {
                            violations.add(v);
                        }
                        reads.incrementAndGet();
                    } while (producersDone.get() < producers || st.running() + st.pending() > 0);
                    return;
                }
                List<TaskHandle<Integer>> mine = new ArrayList<>();
                for (int i = 0; i < perProducer; i++) {
                    int v = i;
                    TaskSpec<Integer> spec = TaskSpec.of("c", () -> {
                        if (v % 10 == 0) {
                            throw new IllegalStateException("fail " + v);
                        }
                        return v;
                    });
                    TaskHandle<Integer> h;
                    while ((h = s.trySubmit(spec)) == null) {
                        rejections.incrementAndGet();
                        Thread.yield();
                    }
                    mine.add(h);
                    if (i % 7 == 0 && h.cancel(true)) {
                        cancelWins.incrementAndGet();
                    }
                }
                all.addAll(mine);
                producersDone.incrementAndGet();
            });
            for (TaskHandle<Integer> h : all) {
                TestSupport.awaitCondition("task " + h + " to finish", h::isDone);
            }
            SchedulerStatus end = TestSupport.quietStatus(s);
            assertEquals(List.of(), violations);
            assertTrue(reads.get() > 0);

            long completed = 0;
            long failed = 0;
            long cancelled = 0;
            for (TaskHandle<Integer> h : all) {
                switch (h.state()) {
                    case COMPLETED: completed++; break;
                    case FAILED: failed++; break;
                    case CANCELLED: cancelled++; break;
                    default: throw new AssertionError("not final at quiescence: " + h);
                }
            }
            assertEquals((long) producers * perProducer, all.size());
            assertEquals(all.size(), end.submitted());
            assertEquals(end.submitted(), end.finished());
            assertEquals(completed, end.completed());
            assertEquals(failed, end.failed());
            assertEquals(cancelled, end.cancelled());
            assertEquals(cancelWins.get(), end.cancelled());
            assertEquals(rejections.get(), end.rejected());
            assertTrue(failed > 0 && cancelled > 0, "the load exercised failures and cancels");
        }
    }

    /** Returns what is impossible about the snapshot, or null if nothing is. */
    private static String impossible(SchedulerStatus st, int maxConcurrent, int maxQueueSize, double threshold) {
        if (st.running() < 0 || st.pending() < 0 || st.submitted() < 0 || st.completed() < 0
                || st.failed() < 0 || st.cancelled() < 0 || st.rejected() < 0) {
            return "negative count: " + st;
        }
        if (st.finished() > st.submitted()) {
            return "finished > submitted: " + st;
        }
        if (st.running() > maxConcurrent || st.pending() > maxQueueSize) {
            return "running or pending over its limit: " + st;
        }
        if (st.capacity() < 0 || st.capacity() > 1 || st.capacity() != (double) st.running() / maxConcurrent) {
            return "capacity inconsistent: " + st;
        }
        if (st.atCapacityThreshold() != (st.capacity() >= threshold)) {
            return "atCapacityThreshold inconsistent: " + st;
        }
        if (st.throughput() < 0 || st.uptime().isNegative() || st.totalRunTime().isNegative()
                || st.meanRunTime().isNegative() || st.totalQueueWait().isNegative()
                || st.meanQueueWait().isNegative()) {
            return "negative rate or duration: " + st;
        }
        return null;
    }
}
