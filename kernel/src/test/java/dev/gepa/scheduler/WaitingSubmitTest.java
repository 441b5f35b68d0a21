package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code submit(spec, maxWait)}: waits for room instead of being refused, is woken by whatever
 * frees a place (never by polling), serves waiters in arrival order, and ends by timeout,
 * interrupt or shutdown with nothing submitted. A waiter is known to wait when its thread is
 * parked.
 */
@Timeout(60)
class WaitingSubmitTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    /** A thread that makes one waiting submit; its outcome lands in {@link #outcome}. */
    private static final class Waiter {
        final CompletableFuture<TaskHandle<Integer>> outcome = new CompletableFuture<>();
        final Thread thread;

        Waiter(Scheduler s, String candidate, Duration maxWait) {
            thread = new Thread(() -> {
                try {
                    outcome.complete(s.submit(TaskSpec.of(candidate, () -> 1), maxWait));
                } catch (Throwable t) {
                    outcome.completeExceptionally(t);
                }
            }, "waiter-" + candidate);
            thread.start();
        }

        /** Waits until the thread parks in its wait (or has already finished). */
        Waiter parked() {
            TestSupport.awaitCondition(thread.getName() + " to wait",
                    () -> thread.getState() == Thread.State.TIMED_WAITING || outcome.isDone());
            assertFalse(outcome.isDone(), () -> thread.getName() + " did not wait: " + outcome);
            return this;
        }

        TaskHandle<Integer> admitted() throws Exception {
            return TestSupport.get(outcome);
        }

        Throwable failure() throws InterruptedException {
            ExecutionException e = assertThrows(ExecutionException.class, () -> TestSupport.get(outcome));
            return e.getCause();
        }
    }

    /** A scheduler whose one slot is held by a gate and whose one queue place is taken. */
    private static final class Full implements AutoCloseable {
        final Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(1).build();
        final Blocker<Integer> gate = new Blocker<>(0);
        final TaskHandle<Integer> queued;

        Full() throws InterruptedException {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            queued = s.submit(TaskSpec.of("queued", () -> 2));
        }

        @Override
        public void close() {
            gate.release();
            s.close();
        }
    }

    @Test
    void aClaimLetsTheWaiterIn() throws Exception {
        try (Full f = new Full()) {
            Waiter w = new Waiter(f.s, "w", LONG).parked();
            f.gate.release(); // the carrier claims "queued": a place frees
            assertEquals(1, TestSupport.get(w.admitted()));
            assertEquals(0, f.s.status().rejected());
        }
    }

    @Test
    void aPendingCancelLetsTheWaiterInAtOnce() throws Exception {
        try (Full f = new Full()) {
            Waiter w = new Waiter(f.s, "w", LONG).parked();
            assertTrue(f.queued.cancel(false));
            TaskHandle<Integer> h = w.admitted(); // while the gate still holds the slot
            assertEquals(TaskState.PENDING, h.state());
            assertFalse(f.gate.calls() > 1);
        }
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        try (Full f = new Full()) {
            Waiter first = new Waiter(f.s, "first", LONG).parked();
            Waiter second = new Waiter(f.s, "second", LONG).parked();
            assertTrue(f.queued.cancel(false)); // one place
            TaskHandle<Integer> h = first.admitted();
            second.parked(); // tried after the first left, found the bound full again
            assertTrue(h.cancel(false)); // another place
            assertEquals("second", second.admitted().candidateId());
        }
    }

    @Test
    void placesFreedTogetherAdmitWaitersOneAfterAnother() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(3).build();
             Blocker<Integer> gate = new Blocker<>(0)) {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            List<TaskSpec<Integer>> specs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                specs.add(TaskSpec.of("old-" + i, () -> 0));
            }
            TaskGroup<Integer> old = s.submitAll(specs);
            List<Waiter> waiters = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                waiters.add(new Waiter(s, "new-" + i, LONG).parked());
            }
            assertEquals(3, old.cancel(false));
            for (Waiter w : waiters) {
                assertNotNull(w.admitted());
            }
            assertEquals(3, s.status().pending());
        }
    }

    @Test
    void aWaitThatRunsOutIsRefusedForAFullQueue() throws Exception {
        try (Full f = new Full()) {
            SchedulerStatus before = f.s.status();
            RejectedTaskException e = assertThrows(RejectedTaskException.class,
                    () -> f.s.submit(TaskSpec.of("late", () -> 3), Duration.ofMillis(20)));
            assertEquals(RejectionReason.QUEUE_FULL, e.reason());
            assertTrue(e.getMessage().contains("late") && e.getMessage().contains("PT0.02S"), e.getMessage());
            SchedulerStatus after = f.s.status();
            assertEquals(before.submitted(), after.submitted());
            assertEquals(1, after.rejectedQueueFull());
            // zero: one try, no wait
            assertEquals(RejectionReason.QUEUE_FULL, assertThrows(RejectedTaskException.class,
                    () -> f.s.submit(TaskSpec.of("now", () -> 3), Duration.ZERO)).reason());
        }
    }

    @Test
    void withRoomItReturnsAtOnce() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            assertEquals(5, TestSupport.get(s.submit(TaskSpec.of("t", () -> 5), Duration.ZERO)));
            assertEquals(6, TestSupport.get(s.submit(TaskSpec.of("u", () -> 6), LONG)));
        }
    }

    @Test
    void anInterruptEndsTheWaitWithNothingSubmitted() throws Exception {
        try (Full f = new Full()) {
            Waiter w = new Waiter(f.s, "w", LONG).parked();
            w.thread.interrupt();
            assertInstanceOf(InterruptedException.class, w.failure());
            assertEquals(2, f.s.status().submitted());
            assertEquals(0, f.s.status().rejected());
            // the next waiter is not held up by the one that left
            Waiter next = new Waiter(f.s, "next", LONG).parked();
            assertTrue(f.queued.cancel(false));
            assertNotNull(next.admitted());

            Thread.currentThread().interrupt(); // interrupted before the call: nothing happens
            assertThrows(InterruptedException.class, () -> f.s.submit(TaskSpec.of("x", () -> 1), LONG));
            assertFalse(Thread.interrupted());
            assertEquals(3, f.s.status().submitted());
        }
    }

    @Test
    void shutdownWakesEveryWaiterWithShutdown() throws Exception {
        try (Full f = new Full()) {
            Waiter a = new Waiter(f.s, "a", LONG).parked();
            Waiter b = new Waiter(f.s, "b", LONG).parked();
            f.s.shutdown();
            for (Waiter w : List.of(a, b)) {
                RejectedTaskException e = assertInstanceOf(RejectedTaskException.class, w.failure());
                assertEquals(RejectionReason.SHUTDOWN, e.reason());
            }
            assertEquals(2, f.s.status().rejectedShutdown());
            assertEquals(RejectionReason.SHUTDOWN, assertThrows(RejectedTaskException.class,
                    () -> f.s.submit(TaskSpec.of("after", () -> 1), LONG)).reason());
        }
    }

    @Test
    void badArgumentsAreNamedAndChangeNothing() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            TaskSpec<Integer> spec = TaskSpec.of("t", () -> 1);
            assertEquals("spec must not be null",
                    assertThrows(NullPointerException.class, () -> s.submit(null, LONG)).getMessage());
            assertEquals("maxWait must not be null",
                    assertThrows(NullPointerException.class, () -> s.submit(spec, null)).getMessage());
            assertTrue(assertThrows(IllegalArgumentException.class,
                    () -> s.submit(spec, Duration.ofMillis(-1))).getMessage().startsWith("maxWait must not be negative"));
            assertEquals(0, s.status().submitted());
            assertEquals(0, s.status().rejected());
        }
    }
}
