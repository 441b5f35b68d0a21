package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Tasks made from a {@link Runnable} by {@link TaskSpec#ofRunnable}: value, failure, statistics, validation. */
@Timeout(60)
class RunnableTaskSpecTest {

    /** A runnable whose toString is known, to find it in the adapter's. */
    private static final Runnable NAMED = new Runnable() {
        @Override
        public void run() { }

        @Override
        public String toString() {
            return "the-named-runnable";
        }
    };

    private static <T extends Throwable> void assertNames(Class<T> type, String field, Executable call) {
        T e = assertThrows(type, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(field),
                () -> "message does not name '" + field + "': " + e.getMessage());
    }

    /** Proves a runnable task runs once, completes with a null value and carries the spec's fields. */
    @Test
    void aRunnableTaskCompletesWithNull() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            TaskHandle<Void> h = s.submit(TaskSpec.ofRunnable("r", Priority.HIGH, runs::incrementAndGet));
            assertNull(TestSupport.get(h));
            assertEquals(1, runs.get());
            assertEquals(TaskState.COMPLETED, h.state());
            assertInstanceOf(TaskResult.Completed.class, h.result());
            assertNull(((TaskResult.Completed<Void>) h.result()).value());
            assertEquals("r", h.candidateId());
            assertEquals(Priority.HIGH, h.priority());
            assertEquals(Map.of(), h.metadata());
        }
    }

    /** Proves the two-argument factory gives priority NORMAL and no metadata. */
    @Test
    void theShortFactoryDefaultsToNormal() {
        TaskSpec<Void> spec = TaskSpec.ofRunnable("r", NAMED);
        assertEquals("r", spec.candidateId());
        assertEquals(Priority.NORMAL, spec.priority());
        assertEquals(Map.of(), spec.metadata());
    }

    /** Proves a throwing runnable ends FAILED with the very throwable it threw, checked as the cause of get(). */
    @Test
    void aThrowingRunnableTaskFailsWithItsThrowable() throws Exception {
        IllegalStateException boom = new IllegalStateException("boom");
        AssertionError error = new AssertionError("an error");
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            TaskHandle<Void> h = s.submit(TaskSpec.ofRunnable("fails", () -> {
                throw boom;
            }));
            ExecutionException e = assertThrows(ExecutionException.class, () -> TestSupport.get(h));
            assertSame(boom, e.getCause());
            assertEquals(TaskState.FAILED, h.state());
            assertSame(boom, ((TaskResult.Failed<Void>) h.result()).error());

            TaskHandle<Void> h2 = s.submit(TaskSpec.ofRunnable("errs", () -> {
                throw error;
            }));
            assertSame(error, assertThrows(ExecutionException.class, () -> TestSupport.get(h2)).getCause());
            assertEquals(TaskState.FAILED, h2.state());
        }
    }

    /** Proves the statistics count runnable tasks like any other: completed, failed, cancelled, submitted. */
    @Test
    void statisticsCountRunnableTasks() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            for (int i = 0; i < 3; i++) {
                TestSupport.get(s.submit(TaskSpec.ofRunnable("ok-" + i, () -> { })));
            }
            for (int i = 0; i < 2; i++) {
                TaskHandle<Void> h = s.submit(TaskSpec.ofRunnable("bad-" + i, () -> {
                    throw new IllegalArgumentException("bad");
                }));
                assertThrows(ExecutionException.class, () -> TestSupport.get(h));
            }
            TaskHandle<String> running = s.submit(TaskSpec.of("blocker", blocker));
            blocker.awaitStarted();
            TaskHandle<Void> pending = s.submit(TaskSpec.ofRunnable("pending", () -> { }));
            assertEquals(1, s.status().pending());
            assertTrue(pending.cancel(false));
            blocker.release();
            TestSupport.get(running);

            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(7, st.submitted());
            assertEquals(4, st.completed()); // three runnables and the blocker
            assertEquals(2, st.failed());
            assertEquals(1, st.cancelled());
        }
    }

    /** Proves null and blank arguments are refused with exceptions naming the argument. */
    @Test
    void badArgumentsAreNamed() {
        assertNames(NullPointerException.class, "task", () -> TaskSpec.ofRunnable("c", null));
        assertNames(NullPointerException.class, "task", () -> TaskSpec.ofRunnable("c", Priority.LOW, null));
        assertNames(NullPointerException.class, "candidateId", () -> TaskSpec.ofRunnable(null, NAMED));
        assertNames(IllegalArgumentException.class, "candidateId", () -> TaskSpec.ofRunnable(" ", NAMED));
        assertNames(NullPointerException.class, "priority", () -> TaskSpec.ofRunnable("c", null, NAMED));
    }

    /** Proves the adapter names the runnable, and two specs made from one runnable are equal. */
    @Test
    void theAdapterNamesItsRunnable() {
        TaskSpec<Void> a = TaskSpec.ofRunnable("c", Priority.LOW, NAMED);
        TaskSpec<Void> b = TaskSpec.ofRunnable("c", Priority.LOW, NAMED);
        assertTrue(a.evaluator().toString().contains("the-named-runnable"), a.evaluator().toString());
        assertTrue(a.toString().contains("the-named-runnable"), a.toString());
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertEquals(a.withPriority(Priority.HIGH).evaluator(), a.evaluator());
    }

    /** Proves the evaluator of a runnable spec returns null when called directly, after running the task. */
    @Test
    void theEvaluatorRunsTheTaskAndReturnsNull() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        TaskSpec<Void> spec = TaskSpec.ofRunnable("c", runs::incrementAndGet);
        assertNull(spec.evaluator().call());
        assertEquals(1, runs.get());
    }
}
