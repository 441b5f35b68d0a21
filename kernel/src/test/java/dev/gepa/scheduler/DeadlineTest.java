package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-task deadlines: a task whose deadline passes while pending never starts; a running one
 * is interrupted; either way it ends FAILED with a TimeoutException when its deadline passes,
 * and the place or slot it held is given back. Time is let pass by waiting on latches; only
 * lower bounds of time are asserted.
 */
@Timeout(60)
class DeadlineTest {
    private static final Duration SHORT = Duration.ofMillis(50);

    @Test
    void aPendingTaskPastItsDeadlineNeverRunsAndFreesItsPlace() throws Exception {
        AtomicBoolean ran = new AtomicBoolean();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(1).build();
             Blocker<Integer> gate = new Blocker<>(0)) {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            TaskHandle<Integer> late = s.submit(TaskSpec.of("late", () -> {
                ran.set(true);
                return 1;
            }).withTimeout(SHORT));

            ExecutionException e = assertThrows(ExecutionException.class, () -> TestSupport.get(late.future()));
            TimeoutException timeout = assertInstanceOf(TimeoutException.class, e.getCause());
            assertTrue(timeout.getMessage().contains("late") && timeout.getMessage().contains("PT0.05S"),
                    timeout.getMessage());
            assertEquals(TaskState.FAILED, late.state());
            assertInstanceOf(TimeoutException.class,
                    assertInstanceOf(TaskResult.Failed.class, s.result(late.id())).error());
            assertTrue(late.startedAt().isEmpty());
            assertTrue(Duration.between(late.submittedAt(), late.finishedAt().orElseThrow()).compareTo(SHORT) >= 0);
            SchedulerStatus st = s.status();
            assertEquals(0, st.pending(), "the place is given back at the deadline");
            assertEquals(1, st.timedOut());
            assertEquals(1, st.failed());
            assertEquals(0, st.cancelled());
            s.submit(TaskSpec.of("next", () -> 2)); // the freed place, at once

            gate.release();
            TestSupport.quietStatus(s);
            assertFalse(ran.get(), "a task timed out while pending never starts");
        }
    }

    @Test
    void aRunningTaskIsInterruptedAtItsDeadlineAndItsSlotFreesWhenItReturns() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<Integer> slow = new Blocker<>(1)) {
            TaskHandle<Integer> h = s.submit(TaskSpec.of("slow", slow).withTimeout(SHORT));
            TaskHandle<Integer> next = s.submit(TaskSpec.of("next", () -> 2));
            ExecutionException e = assertThrows(ExecutionException.class, () -> TestSupport.get(h.future()));
            assertInstanceOf(TimeoutException.class, e.getCause());
            assertEquals(TaskState.FAILED, h.state());
            assertTrue(h.startedAt().isPresent());
            assertEquals(2, TestSupport.get(next), "the slot went to the next task");
            assertTrue(slow.wasInterrupted());
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(1, st.timedOut());
            assertEquals(1, st.failed());
            assertEquals(1, st.completed());
            assertEquals(st.submitted(), st.finished());
        }
    }

    @Test
    void anEvaluatorThatIgnoresTheInterruptKeepsItsSlotAndShowsAsOverrunning() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            TaskHandle<Integer> stubborn = s.submit(TaskSpec.of("stubborn", () -> {
                started.countDown();
                while (true) {
                    try {
                        if (release.await(30, java.util.concurrent.TimeUnit.SECONDS)) {
                            return 1;
                        }
                    } catch (InterruptedException ignored) {
                        // this evaluator will not stop early
                    }
                }
            }).withTimeout(SHORT));
            TestSupport.await(started, "the stubborn task to start");
            TaskHandle<Integer> next = s.submit(TaskSpec.of("next", () -> 2));
            assertThrows(ExecutionException.class, () -> TestSupport.get(stubborn.future()));
            assertEquals(TaskState.FAILED, stubborn.state(), "final at its deadline");
            SchedulerStatus st = s.status();
            assertEquals(1, st.running());
            assertEquals(1, st.overrunning());
            assertEquals(TaskState.PENDING, next.state(), "the slot is still held");

            release.countDown();
            assertEquals(2, TestSupport.get(next));
            st = TestSupport.quietStatus(s);
            assertEquals(0, st.overrunning());
            assertInstanceOf(TimeoutException.class,
                    assertInstanceOf(TaskResult.Failed.class, stubborn.result()).error(), "its value is discarded");
        }
    }

    @Test
    void aTaskThatEndsBeforeItsDeadlineIsNotTouchedByIt() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            TaskHandle<Integer> quick = s.submit(TaskSpec.of("quick", () -> 1).withTimeout(Duration.ofMillis(200)));
            TestSupport.get(quick.future().exceptionally(e -> -1));
            org.junit.jupiter.api.Assumptions.assumeTrue(quick.state() == TaskState.COMPLETED,
                    "the carrier was held up past the quick task's deadline: " + quick.state());
            TaskHandle<Integer> cancelled;
            try (Blocker<Integer> gate = new Blocker<>(0)) {
                s.submit(TaskSpec.of("gate", gate));
                gate.awaitStarted();
                cancelled = s.submit(TaskSpec.of("cancelled", () -> 2).withTimeout(Duration.ofMillis(200)));
                assertTrue(cancelled.cancel(false));
            }
            TestSupport.elapseAtLeast(250); // both deadlines pass
            // a later task's deadline proves the deadline thread has gone past the earlier ones
            TaskHandle<Integer> marker;
            try (Blocker<Integer> gate = new Blocker<>(0)) {
                s.submit(TaskSpec.of("gate-2", gate));
                gate.awaitStarted();
                marker = s.submit(TaskSpec.of("marker", () -> 3).withTimeout(Duration.ofMillis(1)));
                assertThrows(ExecutionException.class, () -> TestSupport.get(marker.future()));
            }
            assertEquals(TaskState.COMPLETED, quick.state());
            assertEquals(TaskState.CANCELLED, cancelled.state());
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(1, st.timedOut());
            assertEquals(1, st.cancelled());
        }
    }

    @Test
    void groupsAndWaitingSubmitsCarryTheirDeadlines() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(2).build();
             Blocker<Integer> gate = new Blocker<>(0)) {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            TaskGroup<Integer> group = s.submitAll(java.util.List.of(
                    TaskSpec.of("a", () -> 1).withTimeout(SHORT), TaskSpec.of("b", () -> 2)));
            TaskHandle<Integer> waited = s.submit(TaskSpec.of("w", () -> 3).withTimeout(SHORT), Duration.ofSeconds(30));
            assertThrows(ExecutionException.class, () -> TestSupport.get(waited.future()));
            assertEquals(Map.of(TaskState.PENDING, 1, TaskState.RUNNING, 0, TaskState.COMPLETED, 0,
                    TaskState.FAILED, 1, TaskState.CANCELLED, 0), group.countByState());
        }
    }

    /**
     * Tasks that finish long before their deadline do not pile up in the deadline thread: it
     * sleeps until the earliest deadline, so it is woken to drain and compact once its hand-over
     * queue outgrows twice the most tasks that can be live. (It held every such task before.)
     */
    @Test
    void finishedTasksWithDistantDeadlinesDoNotPileUp() throws Exception {
        int tasks = 20_000;
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(100).build()) {
            TaskSpec<Integer> spec = TaskSpec.of("quick", () -> 1).withTimeout(Duration.ofHours(1));
            for (int i = 0; i < tasks; i++) {
                s.submit(spec, Duration.ofSeconds(30));
            }
            TestSupport.quietStatus(s);
            int bound = 2 * 2 * (100 + 1) + 64; // hand-over queue and heap, each at most about twice the live tasks
            TestSupport.awaitCondition("the deadline thread holds at most " + bound + " tasks",
                    () -> dev.gepa.scheduler.internal.KernelProbe.deadlinesHeld(s) <= bound);
        }
    }

    /**
     * A timed-out task's callback runs on the deadline thread and may leave its interrupt set;
     * the thread must still park (it spun at full speed before) and keep later deadlines.
     */
    @Test
    void aCallbackThatLeavesAnInterruptDoesNotMakeTheDeadlineThreadSpin() throws Exception {
        String name = "interrupting-callback-" + System.nanoTime();
        try (Scheduler s = Scheduler.builder().name(name).maxConcurrent(1).build();
             Blocker<Integer> gate = new Blocker<>(0)) {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            // long enough that the callback is registered before the deadline, so that it runs on
            // the deadline thread (registered after, it would run here, on the test's thread)
            TaskHandle<Integer> late = s.submit(TaskSpec.of("late", () -> 1).withTimeout(Duration.ofMillis(300)));
            CountDownLatch calledBack = new CountDownLatch(1);
            String[] ranOn = new String[1];
            late.future().whenComplete((v, e) -> {
                ranOn[0] = Thread.currentThread().getName();
                if (ranOn[0].equals(name + "-deadlines")) {
                    Thread.currentThread().interrupt();
                }
                calledBack.countDown();
            });
            TestSupport.await(calledBack, "the callback on the deadline thread");
            org.junit.jupiter.api.Assumptions.assumeTrue(ranOn[0].equals(name + "-deadlines"),
                    "the test thread was held up past the deadline: the callback ran on " + ranOn[0]);
            Thread deadlineThread = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals(name + "-deadlines")).findFirst().orElseThrow();
            // a park with the interrupt set returns at once: the thread must clear it and park,
            // not loop through park for ever (burning a core) with the interrupt still set
            TestSupport.awaitCondition("the deadline thread clears the interrupt and parks",
                    () -> !deadlineThread.isInterrupted() && deadlineThread.getState() == Thread.State.WAITING);
            TaskHandle<Integer> later = s.submit(TaskSpec.of("later", () -> 2).withTimeout(Duration.ofMillis(1)));
            assertThrows(ExecutionException.class, () -> TestSupport.get(later.future()));
        }
    }

    @Test
    void timeoutsAreValidatedByName() {
        TaskSpec<Integer> spec = TaskSpec.of("t", () -> 1);
        assertEquals("timeout must not be null",
                assertThrows(NullPointerException.class, () -> spec.withTimeout(null)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec.withTimeout(Duration.ZERO))
                .getMessage().startsWith("timeout must be positive"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> spec.withTimeout(Duration.ofMillis(-1)))
                .getMessage().startsWith("timeout must be positive"));
        assertEquals(null, spec.timeout());
        assertEquals(SHORT, spec.withTimeout(SHORT).timeout());
        assertEquals(null, spec.withTimeout(SHORT).withoutTimeout().timeout());
        assertEquals(SHORT, spec.withTimeout(SHORT).withPriority(Priority.LOW).timeout());
    }

    @Test
    void tasksWithoutDeadlinesStartNoDeadlineThread() throws Exception {
        String name = "no-deadlines-" + System.nanoTime();
        try (Scheduler s = Scheduler.builder().name(name).maxConcurrent(1).build()) {
            assertEquals(1, TestSupport.get(s.submit(TaskSpec.of("t", () -> 1))));
            assertFalse(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals(name + "-deadlines")));
            assertEquals(2, TestSupport.get(s.submit(TaskSpec.of("d", () -> 2).withTimeout(Duration.ofSeconds(30)))));
            assertTrue(Thread.getAllStackTraces().keySet().stream()
                    .anyMatch(t -> t.getName().equals(name + "-deadlines")));
        }
        TestSupport.awaitCondition("the deadline thread ends with its scheduler", () -> Thread.getAllStackTraces()
                .keySet().stream().noneMatch(t -> t.getName().equals(name + "-deadlines")));
    }
}
