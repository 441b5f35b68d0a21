package dev.gepa.scheduler;

import dev.gepa.scheduler.internal.KernelProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memory bound under cancel churn. With every carrier blocked nothing is ever dequeued by
 * dispatch, so cancelled pending tasks (tombstones) could only pile up; the kernel must purge
 * them so that its queues hold at most the live pending tasks plus
 * {@code purgeThreshold = max(64, maxQueueSize)} tombstones, and its id table at most the live,
 * running and retained tasks. Uses the kernel's test seams (tests run inside the kernel's module).
 */
@Timeout(120)
class CancelChurnMemoryTest {

    private static final int MAX_QUEUE_SIZE = 100;
    private static final int SLOTS = 2;
    private static final int RETENTION = 16;
    private static final int LIVE = 50;
    private static final int PURGE_THRESHOLD = Math.max(64, MAX_QUEUE_SIZE);

    /** Proves one million submit+cancel pairs against blocked carriers keep the queues and the id table bounded. */
    @Test
    void oneMillionSubmitCancelPairsDoNotGrowTheQueues() throws Exception {
        int pairs = 1_000_000;
        List<String> ran = new CopyOnWriteArrayList<>();
        try (Scheduler s = newScheduler();
             Gate gate = new Gate(SLOTS)) {
            Scheduler core = s;
            List<TaskHandle<String>> live = fillSlotsAndQueue(s, gate, ran);
            TaskSpec<String> churn = TaskSpec.of("churn", () -> {
                ran.add("churn");
                return "churn";
            });
            // The id table cannot grow, it can only run out: a broken slot invariant spins in submit forever.
            assertTimeoutPreemptively(Duration.ofSeconds(90), () -> {
                for (int i = 1; i <= pairs; i++) {
                    TaskHandle<String> h = s.submit(churn);
                    assertTrue(h.cancel(false));
                    if ((i & 1023) == 0 || i == pairs) {
                        assertBounded(core, i);
                    }
                }
            });
            SchedulerStatus st = s.status();
            assertEquals(pairs, st.cancelled());
            assertEquals(LIVE, st.pending());
            assertEquals(0, st.rejected());
            assertEquals(pairs + LIVE + SLOTS, st.submitted());

            gate.open();
            for (TaskHandle<String> h : live) {
                TestSupport.get(h);
            }
            // two slots run them, so compare as sorted lists: each live task ran once, no churn task ran
            List<String> expected = new ArrayList<>();
            live.forEach(h -> expected.add(h.candidateId()));
            List<String> actual = new ArrayList<>(ran);
            expected.sort(null);
            actual.sort(null);
            assertEquals(expected, actual, "a live task was lost or ran twice, or a cancelled one ran");
            assertTrue(KernelProbe.queuedTaskCount(core) <= PURGE_THRESHOLD, () -> "queued " + KernelProbe.queuedTaskCount(core));
        }
    }

    /**
     * Proves that two threads churning at once do not grow the queues over time: at every pause
     * (both churners stopped at a barrier, so no submit, cancel or purge is in flight) the exact
     * bound holds.
     */
    @Test
    void concurrentChurnIsBoundedAtEveryPause() throws Exception {
        List<Integer> maxMidFlight = new CopyOnWriteArrayList<>();
        churnConcurrently(100, 2_500, (core, pairsSoFar) -> assertBounded(core, pairsSoFar), maxMidFlight);
    }

    /**
     * Proves that tombstones cannot pile up while two threads churn without pause: sampled mid-flight, the
     * queues stay within ten times the documented bound (the margin covers submits in flight and
     * the seam's inexact count while the kernel runs; a kernel that honours the bound never comes
     * near it).
     */
    @Test
    void concurrentChurnNeverLetsTombstonesPileUp() throws Exception {
        List<Integer> maxMidFlight = new CopyOnWriteArrayList<>();
        churnConcurrently(1, 500_000, (core, pairsSoFar) -> { }, maxMidFlight);
        int limit = 10 * (MAX_QUEUE_SIZE + PURGE_THRESHOLD);
        for (int max : maxMidFlight) {
            assertTrue(max <= limit, "mid-flight the queues held " + max + " tasks (maxQueueSize "
                    + MAX_QUEUE_SIZE + ", live " + LIVE + ", purge threshold " + PURGE_THRESHOLD
                    + "); limit checked " + limit);
        }
    }

    /** At a pause: the churners are both parked at the barrier. */
    private interface PauseCheck {
        void check(Scheduler core, int pairsSoFar);
    }

    private static void churnConcurrently(int rounds, int pairsPerRound, PauseCheck atPause,
                                          List<Integer> maxMidFlight) throws Exception {
        int threads = 2;
        List<String> ran = new CopyOnWriteArrayList<>();
        try (Scheduler s = newScheduler();
             Gate gate = new Gate(SLOTS)) {
            Scheduler core = s;
            List<TaskHandle<String>> live = fillSlotsAndQueue(s, gate, ran);
            int[] round = {0};
            CyclicBarrier pause = new CyclicBarrier(threads,
                    () -> atPause.check(core, ++round[0] * threads * pairsPerRound));
            TestSupport.runInParallel("churner", threads, Duration.ofSeconds(60), t -> {
                int max = 0;
                try {
                    TaskSpec<String> churn = TaskSpec.of("churn", () -> "churn");
                    for (int r = 0; r < rounds; r++) {
                        TestSupport.await(pause);
                        for (int i = 0; i < pairsPerRound; i++) {
                            // QUEUE_FULL is a fair answer here (queued tombstones are memory too): retry
                            TaskHandle<String> h;
                            while ((h = s.trySubmit(churn)) == null) {
                                Thread.yield();
                            }
                            if (!h.cancel(false)) {
                                throw new AssertionError("could not cancel a pending task: " + h);
                            }
                            if ((i & 127) == 0) {
                                max = Math.max(max, KernelProbe.queuedTaskCount(core));
                            }
                        }
                    }
                    TestSupport.await(pause);
                } catch (Exception | Error e) {
                    pause.reset(); // frees the other churner at once
                    throw e;
                } finally {
                    maxMidFlight.add(max);
                }
            });
            assertEquals((long) rounds * threads * pairsPerRound, s.status().cancelled());
            gate.open();
            for (TaskHandle<String> h : live) {
                TestSupport.get(h);
            }
            assertEquals(LIVE, ran.size());
        }
    }

    private static Scheduler newScheduler() {
        return Scheduler.builder().maxConcurrent(SLOTS).maxQueueSize(MAX_QUEUE_SIZE)
                .resultRetention(RETENTION).build();
    }

    private static List<TaskHandle<String>> fillSlotsAndQueue(Scheduler s, Gate gate, List<String> ran)
            throws InterruptedException {
        for (int i = 0; i < SLOTS; i++) {
            s.submit(TaskSpec.of("blocker-" + i, () -> {
                gate.pass();
                return "blocker";
            }));
        }
        gate.awaitArrivals();
        List<TaskHandle<String>> live = new ArrayList<>();
        for (int i = 0; i < LIVE; i++) {
            String tag = "live-" + i;
            live.add(s.submit(TaskSpec.of(tag, () -> {
                ran.add(tag);
                return tag;
            })));
        }
        return live;
    }

    private static void assertBounded(Scheduler core, int afterPairs) {
        int queued = KernelProbe.queuedTaskCount(core);
        int slots = KernelProbe.slotsInUse(core);
        assertTrue(queued <= LIVE + PURGE_THRESHOLD,
                () -> "after " + afterPairs + " pairs the queues hold " + queued + " tasks; bound "
                        + (LIVE + PURGE_THRESHOLD));
        assertTrue(slots <= LIVE + SLOTS + RETENTION,
                () -> "after " + afterPairs + " pairs the id table holds " + slots + " tasks; bound "
                        + (LIVE + SLOTS + RETENTION));
    }
}
