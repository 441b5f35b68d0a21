package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CyclicBarrier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Shutdown racing submits. Each round builds a scheduler whose carriers are all parked, then
 * one thread submits a few tasks while another shuts the scheduler down; whatever was accepted
 * must still reach a final state before the scheduler terminates.
 */
@Timeout(120)
class ShutdownRaceTest {

    private static final int ROUNDS = 1_500;
    private static final int TASKS_PER_ROUND = 4;

    /** Proves that under shutdown() racing submits every accepted task completes before termination: none is stranded. */
    @Test
    void shutdownRacingSubmitsStrandsNoAcceptedTask() throws Exception {
        race(false);
    }

    /** Proves that under shutdownNow() racing submits every accepted task ends final, and every listed task is CANCELLED. */
    @Test
    void shutdownNowRacingSubmitsLeavesEveryAcceptedTaskFinal() throws Exception {
        race(true);
    }

    /**
     * Proves a task handed to an idle carrier at the moment shutdown empties the queue still
     * runs. A long tombstone purge on another thread holds the drain role while every carrier
     * goes idle, one task is submitted and the scheduler is shut down; when the purge ends, that
     * thread claims the task for an idle carrier, and its claim is what leaves nothing pending
     * after shutdown, so every carrier is woken to check whether it may exit.
     */
    @Test
    void aTaskHandedOffAsShutdownEmptiesTheQueueStillRuns() throws Exception {
        int carriers = 32;
        int purgeThreshold = 200_000; // = maxQueueSize
        for (int round = 0; round < 10; round++) {
            Scheduler s = Scheduler.builder().maxConcurrent(carriers).maxQueueSize(purgeThreshold).build();
            try (Gate gate = new Gate(carriers)) {
                for (int i = 0; i < carriers; i++) {
                    s.submit(TaskSpec.of("blocker", Priority.CRITICAL, () -> {
                        gate.pass();
                        return 0;
                    }));
                }
                gate.awaitArrivals();
                TaskSpec<Integer> churn = TaskSpec.of("churn", Priority.CRITICAL, () -> 0);
                for (int i = 0; i < purgeThreshold - 1; i++) {
                    assertTrue(s.submit(churn).cancel(false));
                }
                // the next cancel reaches the purge threshold: that thread purges, holding the drain role
                Thread purger = new Thread(() -> s.submit(churn).cancel(false), "purger");
                purger.start();
                awaitPurgeStarted(purger);
                gate.open();
                TaskHandle<Integer> task = s.submit(TaskSpec.of("task", Priority.LOW, () -> 7));
                s.shutdown();
                purger.join(TestSupport.TIMEOUT.toMillis());
                assertFalse(purger.isAlive());
                assertTrue(s.awaitTermination(TestSupport.TIMEOUT), "round " + round + " did not terminate");
                SchedulerStatus st = s.status();
                assertTrue(task.isDone(), "round " + round + ": accepted task " + task
                        + " was never run, yet the scheduler terminated; status " + st);
                assertEquals(7, task.future().getNow(-1));
                assertEquals(st.submitted(), st.finished(), "round " + round);
            } finally {
                s.shutdownNow();
            }
        }
    }

    /**
     * Proves shutdownNow() lists every task that was pending or running when it was called, even
     * while the carriers it interrupts wake up and look at the queue during its scan.
     */
    @Test
    void shutdownNowListsEveryPendingAndRunningTask() throws Exception {
        int slots = 2;
        int pendingCount = 6;
        for (int round = 0; round < 300; round++) {
            Scheduler s = Scheduler.builder().maxConcurrent(slots).build();
            try (Gate gate = new Gate(slots)) {
                Set<Long> expected = new HashSet<>();
                for (int i = 0; i < slots; i++) {
                    expected.add(s.submit(TaskSpec.of("running-" + i, () -> {
                        gate.pass();
                        return 0;
                    })).id());
                }
                gate.awaitArrivals();
                for (int i = 0; i < pendingCount; i++) {
                    expected.add(s.submit(TaskSpec.of("pending-" + i, () -> 1)).id());
                }
                Set<Long> listed = new HashSet<>();
                for (TaskHandle<?> h : s.shutdownNow()) {
                    listed.add(h.id());
                }
                assertEquals(expected, listed, "round " + round + ": the list of cancelled tasks");
                assertTrue(s.awaitTermination(TestSupport.TIMEOUT));
                assertEquals(slots + pendingCount, s.status().cancelled());
            } finally {
                s.shutdownNow();
            }
        }
    }

    /**
     * Waits (bounded, without sleeping) until the purging thread is inside the kernel's purge,
     * so the carriers go idle while it holds the drain role. If it is never seen there, the
     * round still checks its invariant, it just may not reach the interleaving it aims at.
     */
    private static void awaitPurgeStarted(Thread purger) {
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (System.nanoTime() - deadline < 0 && purger.isAlive()) {
            for (StackTraceElement e : purger.getStackTrace()) {
                if (e.getMethodName().equals("purgeTombstones")) {
                    return;
                }
            }
            Thread.onSpinWait();
        }
    }

    private static void race(boolean now) throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            CarrierThreads carriers = new CarrierThreads("race-" + round);
            Scheduler s = Scheduler.builder().maxConcurrent(2).threadFactory(carriers).build();
            try {
                carriers.awaitAllWaiting();
                CyclicBarrier start = new CyclicBarrier(2);
                List<TaskHandle<Integer>> accepted = new ArrayList<>();
                Thread submitter = new Thread(() -> {
                    try {
                        TestSupport.await(start);
                    } catch (Exception e) {
                        throw new AssertionError(e);
                    }
                    for (int i = 0; i < TASKS_PER_ROUND; i++) {
                        int v = i;
                        TaskHandle<Integer> h = s.trySubmit(TaskSpec.of("t" + i, () -> v));
                        if (h != null) {
                            accepted.add(h);
                        }
                    }
                }, "submitter");
                submitter.start();
                TestSupport.await(start);
                for (int spin = round % 64; spin > 0; spin--) {
                    Thread.onSpinWait(); // slide the shutdown across the submits, round by round
                }
                List<TaskHandle<?>> listed = now ? s.shutdownNow() : List.of();
                if (!now) {
                    s.shutdown();
                }
                submitter.join(TestSupport.TIMEOUT.toMillis());
                assertFalse(submitter.isAlive());
                assertTrue(s.awaitTermination(TestSupport.TIMEOUT), "round " + round + " did not terminate");
                for (TaskHandle<Integer> h : accepted) {
                    assertTrue(h.isDone(), "round " + round + ": accepted task " + h
                            + " never finished, yet the scheduler terminated");
                    if (!now) {
                        assertEquals(TaskState.COMPLETED, h.state(), "round " + round + ": " + h);
                    }
                }
                Set<Long> acceptedIds = new HashSet<>();
                accepted.forEach(h -> acceptedIds.add(h.id()));
                for (TaskHandle<?> h : listed) {
                    assertEquals(TaskState.CANCELLED, h.state(), "round " + round + ": listed " + h);
                    assertTrue(acceptedIds.contains(h.id()), "round " + round + ": listed an unknown task " + h);
                }
                SchedulerStatus st = s.status();
                assertEquals(accepted.size(), st.submitted(), "round " + round);
                assertEquals(st.submitted(), st.finished(), "round " + round + ": " + st);
                carriers.assertAllEnded();
            } finally {
                s.shutdownNow();
            }
        }
    }
}
