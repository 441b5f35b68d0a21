package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static dev.gepa.scheduler.Priority.CRITICAL;
import static dev.gepa.scheduler.Priority.HIGH;
import static dev.gepa.scheduler.Priority.LOW;
import static dev.gepa.scheduler.Priority.NORMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The starvation guard ({@link SchedulerBuilder#starvationBound(Duration)}): dispatch order,
 * asserted exactly. The only carrier is held by a gate task that has provably started, so every
 * task is pending before the first is dispatched. Tasks submitted before the test lets more
 * than the bound pass ({@link TestSupport#elapseAtLeast}) are provably overdue when dispatch
 * begins. Tasks submitted after it are "fresh": not overdue as long as they are dispatched
 * within the bound of their submit. Each evaluator reads the clock as it starts, after its
 * dispatch read it; should a stalled machine let a fresh task's dispatch come later than the
 * bound, the order would rightly differ, and the test is aborted (not passed) rather than fail.
 */
@Timeout(60)
class StarvationGuardTest {

    /** Long against a dispatch, so that fresh tasks stay fresh; short, since every test waits it out. */
    private static final Duration BOUND = Duration.ofMillis(400);

    /** Proves an overdue LOW task runs before fresher CRITICAL and HIGH ones, which then run by priority. */
    @Test
    void anOverdueLowTaskRunsBeforeFresherUrgentOnes() throws Exception {
        try (Run run = new Run(Scheduler.builder().maxConcurrent(1).starvationBound(BOUND))) {
            run.submit("LOW-1", LOW);
            run.letTheBoundPass();
            run.submit("HIGH-1", HIGH);
            run.submit("CRITICAL-1", CRITICAL);
            run.releaseAndAwaitAll();
            run.assumeFreshWhenStarting("CRITICAL-1"); // HIGH-1 not overdue at that dispatch
            assertEquals(List.of("LOW-1", "CRITICAL-1", "HIGH-1"), run.ran);
        }
    }

    /** Proves that without the guard the same sequence runs strictly by priority. */
    @Test
    void withoutTheGuardTheSameSequenceRunsByPriority() throws Exception {
        try (Run run = new Run(Scheduler.builder().maxConcurrent(1))) {
            run.submit("LOW-1", LOW);
            run.letTheBoundPass();
            run.submit("HIGH-1", HIGH);
            run.submit("CRITICAL-1", CRITICAL);
            run.releaseAndAwaitAll();
            assertEquals(List.of("CRITICAL-1", "HIGH-1", "LOW-1"), run.ran);
        }
    }

    /** Proves that with the guard on and nothing overdue, dispatch is strictly by priority, FIFO within a level. */
    @Test
    void withNothingOverdueDispatchIsStrictPriority() throws Exception {
        try (Run run = new Run(Scheduler.builder().maxConcurrent(1).starvationBound(Duration.ofHours(1)))) {
            Priority[] levels = {LOW, NORMAL, HIGH, CRITICAL, LOW, CRITICAL, NORMAL, HIGH, HIGH, LOW, CRITICAL, NORMAL};
            for (int i = 0; i < levels.length; i++) {
                run.submit(levels[i] + "-" + i, levels[i]);
            }
            run.releaseAndAwaitAll();
            assertEquals(List.of(
                    "CRITICAL-3", "CRITICAL-5", "CRITICAL-10",
                    "HIGH-2", "HIGH-7", "HIGH-8",
                    "NORMAL-1", "NORMAL-6", "NORMAL-11",
                    "LOW-0", "LOW-4", "LOW-9"), run.ran);
        }
    }

    /**
     * Proves overdue tasks run oldest first whatever their levels (FIFO by submission, not by
     * priority), all before every fresh task, and the fresh ones then by priority.
     */
    @Test
    void overdueTasksRunOldestFirstAcrossLevels() throws Exception {
        try (Run run = new Run(Scheduler.builder().maxConcurrent(1).starvationBound(BOUND))) {
            run.submit("NORMAL-0", NORMAL);
            run.submit("LOW-1", LOW);
            run.submit("CRITICAL-2", CRITICAL);
            run.submit("LOW-3", LOW);
            run.submit("HIGH-4", HIGH);
            run.letTheBoundPass();
            run.submit("LOW-5", LOW);
            run.submit("HIGH-6", HIGH);
            run.submit("CRITICAL-7", CRITICAL);
            run.releaseAndAwaitAll();
            run.assumeFreshWhenStarting("HIGH-6"); // LOW-5 not overdue at the last dispatch that matters
            assertEquals(List.of("NORMAL-0", "LOW-1", "CRITICAL-2", "LOW-3", "HIGH-4",
                    "CRITICAL-7", "HIGH-6", "LOW-5"), run.ran);
        }
    }

    /**
     * Proves a cancelled overdue task left at the head of its level (a tombstone) is skipped and
     * never run, and that its submit time does not stand for its level: the LOW task behind it
     * is younger than the NORMAL one and runs after it.
     */
    @Test
    void aCancelledOverdueHeadIsSkipped() throws Exception {
        try (Run run = new Run(Scheduler.builder().maxConcurrent(1).starvationBound(BOUND))) {
            TaskHandle<String> cancelled = run.submit("LOW-0", LOW);
            run.submit("NORMAL-1", NORMAL);
            run.submit("LOW-2", LOW);
            run.letTheBoundPass();
            run.submit("HIGH-3", HIGH);
            assertTrue(cancelled.cancel(false));
            run.releaseAndAwaitAll(); // HIGH-3, overdue or not, is younger than the others
            assertEquals(List.of("NORMAL-1", "LOW-2", "HIGH-3"), run.ran);
            assertFalse(run.started.containsKey("LOW-0"), "a cancelled task ran");
        }
    }

    /**
     * Proves the bound is accepted with priorities off and changes nothing: dispatch stays FIFO
     * by submission, which already runs the longest-waiting task first.
     */
    @Test
    void withPrioritiesOffTheGuardKeepsFifo() throws Exception {
        try (Run run = new Run(Scheduler.builder().maxConcurrent(1).enablePriorities(false).starvationBound(BOUND))) {
            run.submit("LOW-0", LOW);
            run.submit("CRITICAL-1", CRITICAL);
            run.letTheBoundPass();
            run.submit("HIGH-2", HIGH);
            run.submit("LOW-3", LOW);
            run.submit("CRITICAL-4", CRITICAL);
            run.releaseAndAwaitAll();
            assertEquals(List.of("LOW-0", "CRITICAL-1", "HIGH-2", "LOW-3", "CRITICAL-4"), run.ran);
        }
    }

    /**
     * One scheduler whose only carrier is held by a gate task, the tasks submitted while it is
     * held, the order their evaluators ran in and the clock as each started.
     */
    private static final class Run implements AutoCloseable {
        final List<String> ran = new CopyOnWriteArrayList<>();
        final Map<String, Long> started = new ConcurrentHashMap<>();
        private final Scheduler scheduler;
        private final Blocker<String> gate = new Blocker<>("gate");
        private final List<TaskHandle<String>> handles = new ArrayList<>();
        /** The clock after the last submit returned: the next submit must read a later one. */
        private long lastSubmitReturned;
        /** Whether the bound has passed since the first submit. */
        private boolean boundPassed;
        /** Whether a submit followed the bound's passing (a fresh one). */
        private boolean freshBegun;
        /** The clock before the first fresh submit. */
        private long freshFrom;

        Run(SchedulerBuilder builder) throws InterruptedException {
            scheduler = builder.build();
            scheduler.submit(TaskSpec.of("gate", CRITICAL, gate));
            gate.awaitStarted();
        }

        /**
         * Submits a task that records its run, with a submit time later than every earlier
         * submit's: it waits first for the clock to move past the last submit's return.
         */
        TaskHandle<String> submit(String tag, Priority priority) {
            long now;
            while ((now = System.nanoTime()) - lastSubmitReturned <= 0) {
                Thread.onSpinWait(); // one clock tick at most
            }
            if (boundPassed && !freshBegun) {
                freshBegun = true;
                freshFrom = now;
            }
            Callable<String> evaluator = () -> {
                started.put(tag, System.nanoTime());
                ran.add(tag);
                return tag;
            };
            TaskHandle<String> handle = scheduler.submit(TaskSpec.of(tag, priority, evaluator));
            lastSubmitReturned = System.nanoTime();
            assertEquals(TaskState.PENDING, handle.state(), tag);
            handles.add(handle);
            return handle;
        }

        /** Lets more than the bound pass: every task submitted so far is overdue from now on. */
        void letTheBoundPass() throws InterruptedException {
            TestSupport.elapseAtLeast(BOUND.toMillis() + 1);
            boundPassed = true;
        }

        /** Releases the gate and waits for every task submitted, cancelled ones aside. */
        void releaseAndAwaitAll() throws Exception {
            gate.release();
            for (TaskHandle<String> h : handles) {
                if (h.state() != TaskState.CANCELLED) {
                    assertEquals(h.candidateId(), TestSupport.get(h));
                }
            }
        }

        /**
         * Aborts the test unless the task tagged {@code tag} started within the bound of the
         * first fresh submit: every fresh task was then not yet overdue when that task, and any
         * task before it, was dispatched.
         */
        void assumeFreshWhenStarting(String tag) {
            assertTrue(freshBegun, "no fresh task was submitted");
            long waited = started.get(tag) - freshFrom;
            assumeTrue(waited <= BOUND.toNanos(), () -> "the machine stalled: " + tag + " started "
                    + TimeUnit.NANOSECONDS.toMillis(waited) + " ms after the fresh submits began");
        }

        @Override
        public void close() {
            gate.release();
            try {
                Bounded.close(scheduler, TestSupport.TIMEOUT);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while closing the scheduler", e);
            }
        }
    }
}
