package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** shutdown, shutdownNow, awaitTermination and close; carriers end with their scheduler. */
@Timeout(60)
class LifecycleTest {

    /**
     * Proves shutdown() lets the running and the pending tasks finish, that awaitTermination
     * returns false while a task is blocked and true once all are done, and that every carrier
     * has then ended.
     */
    @Test
    void shutdownLetsPendingAndRunningTasksFinish() throws Exception {
        CarrierThreads carriers = new CarrierThreads("shutdown");
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).threadFactory(carriers).build();
             Blocker<String> blocker = new Blocker<>("running")) {
            assertFalse(s.isShutdown());
            assertFalse(s.isTerminated());
            TaskHandle<String> running = s.submit(TaskSpec.of("running", blocker));
            blocker.awaitStarted();
            TaskHandle<String> p1 = s.submit(TaskSpec.of("p1", () -> "p1"));
            TaskHandle<String> p2 = s.submit(TaskSpec.of("p2", () -> "p2"));

            s.shutdown();
            s.shutdown(); // idempotent
            assertTrue(s.isShutdown());
            assertFalse(s.isTerminated());
            assertFalse(s.awaitTermination(Duration.ZERO));
            assertFalse(s.awaitTermination(Duration.ofMillis(50)));
            assertEquals(TaskState.PENDING, p1.state());
            assertEquals(TaskState.PENDING, p2.state());

            blocker.release();
            assertTrue(s.awaitTermination(TestSupport.TIMEOUT));
            assertTrue(s.isTerminated());
            assertTrue(s.awaitTermination(Duration.ZERO));
            for (TaskHandle<String> h : List.of(running, p1, p2)) {
                assertEquals(TaskState.COMPLETED, h.state(), h.candidateId());
            }
            assertEquals("p2", p2.future().getNow(null));
            carriers.assertAllEnded();
            SchedulerStatus st = s.status();
            assertEquals(3, st.completed());
            assertEquals(0, st.pending());
            assertEquals(0, st.running());
        }
    }

    /**
     * Proves shutdownNow() returns exactly the pending tasks plus the running ones it cancelled
     * (not finished ones), that each ends CANCELLED, running evaluators are interrupted and
     * pending ones never run.
     */
    @Test
    void shutdownNowReturnsAndCancelsExactlyThePendingAndRunningTasks() throws Exception {
        CarrierThreads carriers = new CarrierThreads("shutdown-now");
        AtomicBoolean pendingRan = new AtomicBoolean();
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).threadFactory(carriers).build();
             Blocker<String> b1 = new Blocker<>("b1");
             Blocker<String> b2 = new Blocker<>("b2")) {
            TaskHandle<String> done = s.submit(TaskSpec.of("done", () -> "done"));
            TestSupport.get(done);
            TestSupport.quietStatus(s);
            TaskHandle<String> r1 = s.submit(TaskSpec.of("b1", b1));
            b1.awaitStarted();
            TaskHandle<String> r2 = s.submit(TaskSpec.of("b2", b2));
            b2.awaitStarted();
            List<TaskHandle<String>> pending = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                pending.add(s.submit(TaskSpec.of("p" + i, () -> {
                    pendingRan.set(true);
                    return "p";
                })));
            }

            List<TaskHandle<?>> cancelled = s.shutdownNow();
            Set<Long> expected = Set.of(r1.id(), r2.id(), pending.get(0).id(), pending.get(1).id(), pending.get(2).id());
            assertEquals(expected, cancelled.stream().map(TaskHandle::id).collect(Collectors.toSet()));
            assertEquals(5, cancelled.size());
            for (TaskHandle<?> h : cancelled) {
                assertEquals(TaskState.CANCELLED, h.state(), h.candidateId());
                assertThrows(CancellationException.class, () -> h.future().getNow(null));
            }
            assertTrue(s.isShutdown());
            assertTrue(s.awaitTermination(TestSupport.TIMEOUT));
            assertTrue(b1.wasInterrupted());
            assertTrue(b2.wasInterrupted());
            assertFalse(pendingRan.get());
            assertEquals(TaskState.COMPLETED, done.state());
            assertEquals(List.of(), s.shutdownNow());
            assertEquals(RejectionReason.SHUTDOWN, assertThrows(RejectedTaskException.class,
                    () -> s.submit(TaskSpec.of("late", () -> "late"))).reason());
            SchedulerStatus st = s.status();
            assertEquals(5, st.cancelled());
            assertEquals(1, st.completed());
            assertEquals(st.submitted(), st.finished());
            carriers.assertAllEnded();
        }
    }

    /** Proves termination waits for a cancelled evaluator that ignores its interrupt, and comes once it returns. */
    @Test
    void terminationWaitsForAnEvaluatorThatIgnoresItsInterrupt() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch letGo = new CountDownLatch(1);
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            TaskHandle<String> stubborn = s.submit(TaskSpec.of("stubborn", () -> {
                started.countDown();
                long deadline = System.nanoTime() + TestSupport.TIMEOUT.toNanos();
                while (true) {
                    try {
                        if (letGo.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS)
                                || System.nanoTime() - deadline > 0) {
                            return "returned";
                        }
                    } catch (InterruptedException ignored) {
                        // keeps waiting
                    }
                }
            }));
            TestSupport.await(started, "the stubborn task to start");
            assertEquals(List.of(stubborn.id()), s.shutdownNow().stream().map(TaskHandle::id).collect(Collectors.toList()));
            assertEquals(TaskState.CANCELLED, stubborn.state());
            assertFalse(s.awaitTermination(Duration.ofMillis(50)));
            assertFalse(s.isTerminated());
            letGo.countDown();
            assertTrue(s.awaitTermination(TestSupport.TIMEOUT));
            assertEquals(TaskState.CANCELLED, stubborn.state());
        }
    }

    /** Proves close() shuts down and returns only after every accepted task, pending ones included, has finished. */
    @Test
    void closeWaitsForEveryAcceptedTask() throws Exception {
        CarrierThreads carriers = new CarrierThreads("close");
        List<TaskHandle<String>> handles = new ArrayList<>();
        try (Blocker<String> blocker = new Blocker<>("running")) {
            Scheduler s = Scheduler.builder().maxConcurrent(1).threadFactory(carriers).build();
            try {
                handles.add(s.submit(TaskSpec.of("running", blocker)));
                blocker.awaitStarted();
                for (int i = 0; i < 3; i++) {
                    String tag = "p" + i;
                    handles.add(s.submit(TaskSpec.of(tag, () -> tag)));
                }
                Thread opener = new Thread(() -> {
                    TestSupport.awaitCondition("close() to shut the scheduler down", s::isShutdown);
                    blocker.release();
                }, "opener");
                opener.start();
                s.close();
                assertTrue(s.isTerminated());
                for (TaskHandle<String> h : handles) {
                    assertEquals(TaskState.COMPLETED, h.state(), h.candidateId());
                }
                opener.join(TestSupport.TIMEOUT.toMillis());
                carriers.assertAllEnded();
                s.close(); // a second close returns at once
            } finally {
                blocker.release();
                s.close();
            }
        }
    }

    /** Proves close() called from inside one of the scheduler's own tasks neither deadlocks nor drops the tasks behind it. */
    @Test
    void closeFromInsideATaskDoesNotDeadlock() throws Exception {
        AtomicReference<Scheduler> self = new AtomicReference<>();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> gate = new Blocker<>("gate")) {
            self.set(s);
            TaskHandle<String> closer = s.submit(TaskSpec.of("closer", () -> {
                gate.call();
                self.get().close();
                return "closed";
            }));
            gate.awaitStarted();
            TaskHandle<String> behind = s.submit(TaskSpec.of("behind", () -> "behind"));
            gate.release();
            assertEquals("closed", TestSupport.get(closer));
            assertTrue(s.isShutdown());
            assertEquals("behind", TestSupport.get(behind));
            assertTrue(s.awaitTermination(TestSupport.TIMEOUT));
        }
    }

    /** Proves an interrupted close() falls back to shutdownNow(), still waits for termination, and restores the interrupt. */
    @Test
    void anInterruptedCloseCancelsEverythingAndRestoresTheInterrupt() throws Exception {
        try (Blocker<String> blocker = new Blocker<>("running")) {
            Scheduler s = Scheduler.builder().maxConcurrent(1).build();
            TaskHandle<String> running = s.submit(TaskSpec.of("running", blocker));
            blocker.awaitStarted();
            TaskHandle<String> pending = s.submit(TaskSpec.of("pending", () -> "pending"));
            Thread.currentThread().interrupt();
            try {
                s.close();
            } finally {
                assertTrue(Thread.interrupted(), "close() did not restore the interrupt");
            }
            assertTrue(s.isTerminated());
            assertEquals(TaskState.CANCELLED, running.state());
            assertEquals(TaskState.CANCELLED, pending.state());
            assertTrue(blocker.wasInterrupted());
        }
    }

    /** Proves awaitTermination throws InterruptedException for an interrupted caller and NullPointerException for a null timeout. */
    @Test
    void awaitTerminationHonoursInterruptsAndRejectsNull() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("running")) {
            s.submit(TaskSpec.of("running", blocker));
            blocker.awaitStarted();
            s.shutdown();
            assertThrows(NullPointerException.class, () -> s.awaitTermination(null));
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> s.awaitTermination(TestSupport.TIMEOUT));
            assertFalse(Thread.currentThread().isInterrupted());
            blocker.release();
            assertTrue(s.awaitTermination(TestSupport.TIMEOUT));
        }
    }

    /** Proves a scheduler that never ran a task, shut down at once after build, terminates and leaves no carrier alive. */
    @Test
    void anUnusedSchedulerTerminates() throws Exception {
        CarrierThreads carriers = new CarrierThreads("unused");
        Scheduler s = Scheduler.builder().maxConcurrent(4).threadFactory(carriers).build();
        s.shutdown();
        assertTrue(s.awaitTermination(TestSupport.TIMEOUT));
        assertTrue(s.isTerminated());
        assertEquals(4, carriers.threads().size());
        carriers.assertAllEnded();
        s.close();
    }

    /** Proves many build/use/close cycles leave no carrier thread alive: carriers never leak across schedulers. */
    @Test
    void repeatedBuildAndCloseLeaksNoCarrier() throws Exception {
        CarrierThreads carriers = new CarrierThreads("cycle");
        for (int i = 0; i < 200; i++) {
            TaskHandle<Integer> a;
            TaskHandle<Integer> b;
            try (Scheduler s = Scheduler.builder().maxConcurrent(2).threadFactory(carriers).build()) {
                a = s.submit(TaskSpec.of("a", () -> 1));
                b = s.submit(TaskSpec.of("b", () -> 2));
                if ((i & 1) == 0) {
                    assertEquals(3, TestSupport.get(a) + TestSupport.get(b));
                }
            }
            assertEquals(TaskState.COMPLETED, a.state(), "close returned before task a finished");
            assertEquals(TaskState.COMPLETED, b.state(), "close returned before task b finished");
        }
        assertEquals(400, carriers.threads().size());
        carriers.assertAllEnded();
        assertEquals(List.of(), carriers.uncaught());
    }
}
