package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Cancellation of pending, running and finished tasks, through the handle, the scheduler and the future. */
@Timeout(60)
class CancellationTest {

    /** Proves a cancelled pending task is CANCELLED at once, never runs, completes its future with CancellationException and is counted once. */
    @ParameterizedTest(name = "mayInterruptIfRunning={0}")
    @ValueSource(booleans = {false, true})
    void aCancelledPendingTaskNeverRuns(boolean mayInterrupt) throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            TaskHandle<String> running = s.submit(TaskSpec.of("blocker", blocker));
            blocker.awaitStarted();
            TaskHandle<String> victim = s.submit(TaskSpec.of("victim", () -> {
                ran.set(true);
                return "ran";
            }));
            assertEquals(1, s.status().pending());

            assertTrue(victim.cancel(mayInterrupt));
            assertEquals(TaskState.CANCELLED, victim.state());
            assertTrue(victim.isDone());
            assertInstanceOf(TaskResult.Cancelled.class, victim.result());
            assertInstanceOf(TaskResult.Cancelled.class, s.result(victim.id()));
            assertTrue(victim.future().isCancelled());
            assertThrows(CancellationException.class, () -> victim.future().get(1, TimeUnit.SECONDS));
            assertTrue(victim.startedAt().isEmpty());
            assertTrue(victim.finishedAt().isPresent());
            assertFalse(victim.cancel(mayInterrupt), "a second cancel won too");
            SchedulerStatus st = s.status();
            assertEquals(0, st.pending());
            assertEquals(1, st.cancelled());

            blocker.release();
            assertEquals("blocker", TestSupport.get(running));
            // one more task through the only slot: if the victim were going to run, it would have by now
            assertEquals("after", TestSupport.get(s.submit(TaskSpec.of("after", () -> "after"))));
            assertFalse(ran.get(), "the cancelled task ran");
            assertEquals(TaskState.CANCELLED, victim.state());
            SchedulerStatus end = TestSupport.quietStatus(s);
            assertEquals(1, end.cancelled());
            assertEquals(2, end.completed());
        }
    }

    /** Proves cancelling a pending task frees its place in the bound at once: a submit that was QUEUE_FULL now succeeds. */
    @Test
    void cancellingAPendingTaskFreesItsPlaceAtOnce() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(2).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            s.submit(TaskSpec.of("blocker", blocker));
            blocker.awaitStarted();
            TaskHandle<String> p1 = s.submit(TaskSpec.of("p1", () -> "p1"));
            TaskHandle<String> p2 = s.submit(TaskSpec.of("p2", () -> "p2"));
            assertEquals(RejectionReason.QUEUE_FULL, assertThrows(RejectedTaskException.class,
                    () -> s.submit(TaskSpec.of("p3", () -> "p3"))).reason());
            assertTrue(p1.cancel(false));
            TaskHandle<String> p3 = s.submit(TaskSpec.of("p3", () -> "p3"));
            assertEquals(2, s.status().pending());
            blocker.release();
            assertEquals("p2", TestSupport.get(p2));
            assertEquals("p3", TestSupport.get(p3));
            assertEquals(TaskState.CANCELLED, p1.state());
        }
    }

    /** Proves cancel(false) of a running task returns false and the task completes normally with its value. */
    @Test
    void cancelWithoutInterruptLeavesARunningTaskAlone() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("value")) {
            TaskHandle<String> h = s.submit(TaskSpec.of("running", blocker));
            blocker.awaitStarted();
            assertFalse(h.cancel(false));
            assertFalse(s.cancel(h.id(), false));
            assertFalse(h.future().cancel(false));
            assertEquals(TaskState.RUNNING, h.state());
            blocker.release();
            assertEquals("value", TestSupport.get(h));
            assertEquals(TaskState.COMPLETED, h.state());
            assertFalse(blocker.wasInterrupted());
            SchedulerStatus end = TestSupport.quietStatus(s);
            assertEquals(0, end.cancelled());
            assertEquals(1, end.completed());
        }
    }

    /** Proves cancel(true) of a running task interrupts its evaluator and the task ends CANCELLED with a cancelled future. */
    @Test
    void cancelWithInterruptStopsARunningTask() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("value")) {
            TaskHandle<String> h = s.submit(TaskSpec.of("running", blocker));
            blocker.awaitStarted();
            assertTrue(h.cancel(true));
            assertEquals(TaskState.CANCELLED, h.state());
            assertThrows(CancellationException.class, () -> TestSupport.get(h));
            assertInstanceOf(TaskResult.Cancelled.class, h.result());
            assertTrue(h.startedAt().isPresent());
            // the carrier survives: the next task runs, which also means the evaluator has returned
            assertEquals("next", TestSupport.get(s.submit(TaskSpec.of("next", () -> "next"))));
            assertTrue(blocker.wasInterrupted(), "the evaluator was not interrupted");
            assertEquals(TaskState.CANCELLED, h.state());
            assertFalse(h.cancel(true));
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(1, st.cancelled());
            assertEquals(0, st.failed());
            assertEquals(1, st.completed());
        }
    }

    /** Proves a task cancelled while running ends CANCELLED even if its evaluator swallows the interrupt and returns a value. */
    @Test
    void aCancelledRunningTaskStaysCancelledWhateverItsEvaluatorReturns() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch returned = new CountDownLatch(1);
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            TaskHandle<String> h = s.submit(TaskSpec.of("stubborn", () -> {
                started.countDown();
                try {
                    new CountDownLatch(1).await(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException swallowed) {
                    // ignores the request and returns a value anyway
                }
                returned.countDown();
                return "value";
            }));
            TestSupport.await(started, "the stubborn task to start");
            assertTrue(h.cancel(true));
            TestSupport.await(returned, "the stubborn evaluator to return");
            assertEquals("next", TestSupport.get(s.submit(TaskSpec.of("next", () -> "next"))));
            assertEquals(TaskState.CANCELLED, h.state());
            assertInstanceOf(TaskResult.Cancelled.class, h.result());
            assertTrue(h.future().isCancelled());
            SchedulerStatus end = TestSupport.quietStatus(s);
            assertEquals(1, end.cancelled());
            assertEquals(1, end.completed());
        }
    }

    /** Proves finished tasks (completed or failed) cannot be cancelled by any route and keep their outcome. */
    @Test
    void aFinishedTaskCannotBeCancelled() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            TaskHandle<String> done = s.submit(TaskSpec.of("done", () -> "v"));
            TestSupport.get(done);
            IllegalStateException boom = new IllegalStateException("boom");
            TaskHandle<String> failed = s.submit(TaskSpec.of("failed", () -> {
                throw boom;
            }));
            TestSupport.awaitCondition("the failing task to finish", failed::isDone);
            for (TaskHandle<String> h : List.of(done, failed)) {
                for (boolean mayInterrupt : new boolean[] {false, true}) {
                    assertFalse(h.cancel(mayInterrupt));
                    assertFalse(s.cancel(h.id(), mayInterrupt));
                    assertFalse(h.future().cancel(mayInterrupt));
                }
            }
            assertEquals(TaskState.COMPLETED, done.state());
            assertEquals("v", done.future().getNow(null));
            assertEquals(TaskState.FAILED, failed.state());
            assertEquals(new TaskResult.Failed<String>(boom), failed.result());
            assertEquals(0, s.status().cancelled());
        }
    }

    /** Proves scheduler.cancel(id, ...) cancels pending and running tasks like the handle does, and is false for an unknown id. */
    @Test
    void cancelByIdThroughTheScheduler() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("value")) {
            TaskHandle<String> running = s.submit(TaskSpec.of("running", blocker));
            blocker.awaitStarted();
            TaskHandle<String> pending = s.submit(TaskSpec.of("pending", () -> "p"));
            assertTrue(s.cancel(pending.id(), false));
            assertEquals(TaskState.CANCELLED, pending.state());
            assertFalse(s.cancel(pending.id(), true));
            assertFalse(s.cancel(-1L, true));
            assertFalse(s.cancel(Long.MAX_VALUE, true));
            assertTrue(s.cancel(running.id(), true));
            assertEquals(TaskState.CANCELLED, running.state());
            assertThrows(CancellationException.class, () -> TestSupport.get(running));
            assertEquals("next", TestSupport.get(s.submit(TaskSpec.of("next", () -> "next"))));
            assertTrue(blocker.wasInterrupted());
            assertEquals(2, s.status().cancelled());
        }
    }

    /** Proves cancelling the handle's future cancels the task: pending, running with interrupt, and not running without. */
    @Test
    void cancelThroughTheFuture() throws Exception {
        AtomicBoolean pendingRan = new AtomicBoolean();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> first = new Blocker<>("first");
             Blocker<String> second = new Blocker<>("second")) {
            TaskHandle<String> h1 = s.submit(TaskSpec.of("first", first));
            first.awaitStarted();
            TaskHandle<String> pending = s.submit(TaskSpec.of("pending", () -> {
                pendingRan.set(true);
                return "p";
            }));
            TaskHandle<String> h2 = s.submit(TaskSpec.of("second", second));

            assertTrue(pending.future().cancel(false));
            assertEquals(TaskState.CANCELLED, pending.state());
            assertTrue(pending.future().isCancelled());

            assertFalse(h1.future().cancel(false));
            assertEquals(TaskState.RUNNING, h1.state());
            first.release();
            assertEquals("first", TestSupport.get(h1));

            second.awaitStarted();
            assertTrue(h2.future().cancel(true));
            assertEquals(TaskState.CANCELLED, h2.state());
            assertThrows(CancellationException.class, () -> h2.future().join());
            assertEquals("next", TestSupport.get(s.submit(TaskSpec.of("next", () -> "next"))));
            assertTrue(second.wasInterrupted());
            assertFalse(pendingRan.get());
            assertEquals(2, s.status().cancelled());
        }
    }

    /** Proves that of several threads cancelling one task at once (pending or running), exactly one call returns true. */
    @ParameterizedTest(name = "running={0}")
    @ValueSource(booleans = {false, true})
    void ofRacingCancelsExactlyOneWins(boolean running) throws Exception {
        int rounds = 200;
        int racers = 4;
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(4).build()) {
            for (int round = 0; round < rounds; round++) {
                try (Blocker<String> blocker = new Blocker<>("blocker")) {
                    TaskHandle<String> blocking = s.submit(TaskSpec.of("blocker", blocker));
                    blocker.awaitStarted();
                    TaskHandle<String> target = running ? blocking : s.submit(TaskSpec.of("target", () -> "t"));
                    AtomicInteger wins = new AtomicInteger();
                    TestSupport.runInParallel("canceller", racers, TestSupport.TIMEOUT, r -> {
                        boolean viaScheduler = (r & 1) == 1;
                        if (viaScheduler ? s.cancel(target.id(), true) : target.cancel(true)) {
                            wins.incrementAndGet();
                        }
                    });
                    assertEquals(1, wins.get(), "round " + round);
                    assertEquals(TaskState.CANCELLED, target.state());
                    blocker.release();
                    TestSupport.awaitCondition("the blocker to finish", blocking::isDone);
                }
            }
            s.shutdown();
            assertTrue(s.awaitTermination(TestSupport.TIMEOUT));
            SchedulerStatus st = s.status();
            assertEquals(rounds, st.cancelled());
            assertEquals(running ? 0 : rounds, st.completed());
            assertEquals(st.submitted(), st.finished());
        }
    }

    /** Proves the interrupt of a cancel(true) does not reach the next task on the same carrier. */
    @Test
    void theInterruptOfACancelDoesNotReachTheNextTask() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("value")) {
            TaskHandle<String> h = s.submit(TaskSpec.of("victim", blocker));
            blocker.awaitStarted();
            TaskHandle<Boolean> next = s.submit(TaskSpec.of("next", () -> Thread.currentThread().isInterrupted()));
            assertTrue(h.cancel(true));
            assertFalse(TestSupport.get(next), "the next task started with its carrier interrupted");
        }
    }

    /**
     * Proves an interrupt an evaluator leaves set on its own thread (as code that catches
     * InterruptedException and restores the flag does) does not reach the next task on that carrier.
     */
    @Test
    void anInterruptLeftByAnEvaluatorDoesNotReachTheNextTask() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> gate = new Blocker<>("gate")) {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            TaskHandle<String> selfInterrupting = s.submit(TaskSpec.of("self-interrupting", () -> {
                Thread.currentThread().interrupt();
                return "done";
            }));
            TaskHandle<Boolean> next = s.submit(TaskSpec.of("next", () -> Thread.currentThread().isInterrupted()));
            gate.release();
            assertEquals("done", TestSupport.get(selfInterrupting));
            assertFalse(TestSupport.get(next), "the next task started with its carrier interrupted");
        }
    }
}
