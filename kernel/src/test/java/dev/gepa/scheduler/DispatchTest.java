package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Dynamic dispatch: a free slot takes a task at once, every completion starts the next, idle carriers park. */
@Timeout(60)
class DispatchTest {

    /**
     * Proves that a task submitted while every carrier is parked is taken by a carrier that the
     * submit woke, with no other event: the submitter only wakes, the carrier claims.
     */
    @Test
    void aTaskSubmittedToAnIdleSchedulerIsDispatchedAtOnce() throws Exception {
        CarrierThreads carriers = new CarrierThreads("idle-submit");
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).threadFactory(carriers).build();
             Blocker<String> b = new Blocker<>("first")) {
            carriers.awaitAllWaiting();
            TaskHandle<String> h = s.submit(TaskSpec.of("first", b));
            b.awaitStarted();
            assertEquals(TaskState.RUNNING, h.state());
            assertEquals(0, s.status().pending());
            assertTrue(carriers.contains(b.thread()));
            b.release();
            assertEquals("first", TestSupport.get(h));
        }
    }

    /**
     * Proves that each completion, in whatever order the running tasks finish, starts exactly
     * the next pending task, with no other event to trigger it.
     */
    @Test
    void eachCompletionStartsTheNextPendingTask() throws Exception {
        int slots = 2;
        int n = 8;
        List<Blocker<Integer>> blockers = new ArrayList<>();
        List<TaskHandle<Integer>> handles = new ArrayList<>();
        try (Scheduler s = Scheduler.builder().maxConcurrent(slots).build()) {
            try {
                for (int i = 0; i < n; i++) {
                    Blocker<Integer> b = new Blocker<>(i);
                    blockers.add(b);
                    handles.add(s.submit(TaskSpec.of("t" + i, b)));
                }
                blockers.get(0).awaitStarted();
                blockers.get(1).awaitStarted();
                int[] releaseOrder = {1, 0, 3, 2, 4, 6, 5, 7}; // varying completion times
                int nextToStart = slots;
                for (int r : releaseOrder) {
                    blockers.get(r).release();
                    assertEquals(r, TestSupport.get(handles.get(r)));
                    if (nextToStart < n) {
                        blockers.get(nextToStart).awaitStarted();
                        nextToStart++;
                    }
                    for (int later = nextToStart; later < n; later++) {
                        assertEquals(TaskState.PENDING, handles.get(later).state(), "t" + later);
                        assertFalse(blockers.get(later).hasStarted(), "t" + later + " started early");
                    }
                }
                assertEquals(n, TestSupport.quietStatus(s).completed());
            } finally {
                blockers.forEach(Blocker::release);
            }
        }
    }

    /** Proves that idle carriers park (Thread.State.WAITING): before any work and after a burst. */
    @Test
    void idleCarriersPark() throws Exception {
        CarrierThreads carriers = new CarrierThreads("park");
        try (Scheduler s = Scheduler.builder().maxConcurrent(3).maxQueueSize(1000).threadFactory(carriers).build()) {
            carriers.awaitAllWaiting();
            assertEquals(3, carriers.threads().size());
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int v = i;
                handles.add(s.submit(TaskSpec.of("burst", () -> v)));
            }
            for (TaskHandle<Integer> h : handles) {
                TestSupport.get(h);
            }
            carriers.awaitAllWaiting();
            assertEquals(3, carriers.threads().size());
        }
    }

    /**
     * Proves no wake-up is lost: many rounds that each submit to parked carriers and wait for the
     * result (a lost wake-up would leave a round's task pending, and the bounded wait fails).
     */
    @Test
    void noWakeUpIsLostAcrossManyIdleRoundTrips() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).build()) {
            for (int round = 0; round < 20_000; round++) {
                int v = round;
                TaskHandle<Integer> a = s.submit(TaskSpec.of("a", () -> v));
                if ((round & 1) == 0) {
                    TaskHandle<Integer> b = s.submit(TaskSpec.of("b", () -> -v));
                    assertEquals(-v, TestSupport.get(b));
                }
                assertEquals(v, TestSupport.get(a));
            }
            assertEquals(30_000, TestSupport.quietStatus(s).completed());
        }
    }

    /**
     * Proves a burst fans out to every idle carrier: each round submits as many blocking tasks
     * as there are carriers, all idle, and every task must reach a carrier (a wake-up lost in
     * the fan-out leaves a task queued behind parked carriers, and the bounded wait fails).
     */
    @Test
    void aBurstReachesEveryIdleCarrier() throws Exception {
        int carriers = 32;
        try (Scheduler s = Scheduler.builder().maxConcurrent(carriers).build()) {
            for (int round = 0; round < 300; round++) {
                List<TaskHandle<Integer>> handles = new ArrayList<>();
                try (Gate gate = new Gate(carriers)) {
                    for (int i = 0; i < carriers; i++) {
                        handles.add(s.submit(TaskSpec.of("burst-" + i, Priority.values()[i & 3], () -> {
                            gate.pass();
                            return 1;
                        })));
                    }
                    gate.awaitArrivals();
                }
                for (TaskHandle<Integer> h : handles) {
                    assertEquals(1, TestSupport.get(h), "round " + round);
                }
            }
        }
    }

    /** Proves that a continuous stream of submissions from two producers keeps completing to the last task. */
    @Test
    void continuousSubmissionIsCompletedToTheLastTask() throws Exception {
        int perProducer = 50_000;
        AtomicLong sum = new AtomicLong();
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).maxQueueSize(64).build()) {
            AtomicReferenceArray<TaskHandle<Integer>> last = new AtomicReferenceArray<>(2);
            TestSupport.runInParallel("producer", 2, TestSupport.TIMEOUT, id -> {
                for (int i = 1; i <= perProducer; i++) {
                    int v = i;
                    TaskSpec<Integer> spec = TaskSpec.of("p" + id, () -> {
                        sum.addAndGet(v);
                        return v;
                    });
                    TaskHandle<Integer> h;
                    while ((h = s.trySubmit(spec)) == null) {
                        Thread.yield();
                    }
                    last.set(id, h);
                }
            });
            assertEquals(perProducer, TestSupport.get(last.get(0)));
            assertEquals(perProducer, TestSupport.get(last.get(1)));
            s.shutdown();
            assertTrue(s.awaitTermination(TestSupport.TIMEOUT));
            long expected = 2L * perProducer * (perProducer + 1) / 2;
            assertEquals(expected, sum.get());
            assertEquals(2L * perProducer, s.status().completed());
            assertTrue(s.status().throughput() > 0);
        }
    }

    /** Proves that evaluators run on the scheduler's carrier, never on the thread that submits them. */
    @Test
    void evaluatorsRunOnTheCarrierNotOnTheSubmitter() throws Exception {
        CarrierThreads carriers = new CarrierThreads("one");
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).threadFactory(carriers).build()) {
            List<TaskHandle<Thread>> handles = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                handles.add(s.submit(TaskSpec.of("who", Thread::currentThread)));
            }
            assertEquals(1, carriers.threads().size());
            Thread only = carriers.threads().get(0);
            assertNotSame(Thread.currentThread(), only);
            for (TaskHandle<Thread> h : handles) {
                assertSame(only, TestSupport.get(h));
            }
        }
    }
}
