package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A throwing evaluator fails its own task with that exact throwable; the carrier and later tasks are unaffected. */
@Timeout(60)
class FailureIsolationTest {

    static Stream<Throwable> throwables() {
        return Stream.of(
                new IllegalStateException("unchecked"),
                new IOException("checked"),
                new Error("error"),
                new StackOverflowError("stack overflow"),
                new Throwable("a bare Throwable, thrown sneakily"));
    }

    /**
     * Proves an evaluator's throwable (unchecked, checked, Error, bare Throwable) makes that task
     * FAILED with that same instance, by handle, by id and through the future, and that the one
     * carrier survives (no uncaught exception) to complete the tasks after it.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("throwables")
    void aThrowableFailsOnlyItsOwnTask(Throwable thrown) throws Exception {
        CarrierThreads carriers = new CarrierThreads("failure");
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).threadFactory(carriers).build();
             Blocker<String> gate = new Blocker<>("gate")) {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            TaskHandle<String> bad = s.submit(TaskSpec.of("bad", () -> {
                throw TestSupport.sneakyThrow(thrown);
            }));
            List<TaskHandle<Thread>> after = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                after.add(s.submit(TaskSpec.of("after-" + i, Thread::currentThread)));
            }
            gate.release();

            ExecutionException ee = assertThrows(ExecutionException.class, () -> TestSupport.get(bad));
            assertSame(thrown, ee.getCause());
            CompletionException ce = assertThrows(CompletionException.class, () -> bad.future().join());
            assertSame(thrown, ce.getCause());
            assertTrue(bad.future().isCompletedExceptionally());
            assertEquals(TaskState.FAILED, bad.state());
            TaskResult.Failed<?> byHandle = assertInstanceOf(TaskResult.Failed.class, bad.result());
            assertSame(thrown, byHandle.error());
            TaskResult.Failed<?> byId = assertInstanceOf(TaskResult.Failed.class, s.result(bad.id()));
            assertSame(thrown, byId.error());

            Thread carrier = gate.thread();
            for (TaskHandle<Thread> h : after) {
                assertSame(carrier, TestSupport.get(h), "a later task ran on another carrier");
            }
            assertEquals(1, carriers.threads().size());
            assertTrue(carrier.isAlive());
            assertEquals(List.of(), carriers.uncaught());
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(1, st.failed());
            assertEquals(4, st.completed());
        }
    }

    /** Proves many failures in a row, interleaved with successes, never disturb the successes or the counts. */
    @Test
    void alternatingFailuresAndSuccessesAreEachAccountedFor() throws Exception {
        CarrierThreads carriers = new CarrierThreads("alternating");
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).maxQueueSize(1000).threadFactory(carriers).build()) {
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                int v = i;
                handles.add(s.submit(TaskSpec.of("t" + i, () -> {
                    if (v % 2 == 1) {
                        throw new IllegalArgumentException("odd " + v);
                    }
                    return v;
                })));
            }
            for (int i = 0; i < handles.size(); i++) {
                TaskHandle<Integer> h = handles.get(i);
                if (i % 2 == 0) {
                    assertEquals(i, TestSupport.get(h));
                } else {
                    ExecutionException e = assertThrows(ExecutionException.class, () -> TestSupport.get(h));
                    assertEquals("odd " + i, e.getCause().getMessage());
                }
            }
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(500, st.completed());
            assertEquals(500, st.failed());
            assertEquals(List.of(), carriers.uncaught());
        }
    }

    /** Proves an evaluator returning null completes normally with a null value (null is not a failure). */
    @Test
    void aNullValueIsACompletion() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            TaskHandle<String> h = s.submit(TaskSpec.of("null", () -> null));
            assertEquals(null, TestSupport.get(h));
            assertEquals(TaskState.COMPLETED, h.state());
            assertEquals(new TaskResult.Completed<String>(null), h.result());
            assertEquals(0, s.status().failed());
        }
    }
}
