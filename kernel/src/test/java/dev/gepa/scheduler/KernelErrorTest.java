package dev.gepa.scheduler;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * An Error thrown inside the kernel on a caller's thread never wedges it (issue 7, item 1). A
 * caller near its stack limit gets a {@link StackOverflowError} inside {@code submit()} or
 * {@code cancel()}, catches it and carries on. Each test sweeps the stack depth with
 * {@link StackEdge} so that the error lands at every method entry of the call, then checks that
 * the scheduler is whole: every call took effect completely or not at all (every accepted task
 * runs exactly once or is cancelled, and its future completes), the carriers keep dispatching,
 * the counters balance at quiescence, the queue bound is intact, and {@code close()} returns.
 *
 * <p>OutOfMemoryError is {@link OutOfMemoryTest}'s: it fills the heap of a JVM of its own, since
 * exhausting this shared test JVM's heap would disturb every other test.
 */
@Timeout(120)
class KernelErrorTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    /** Calibrate-and-sweep rounds per test: the first runs partly interpreted, later ones compiled. */
    private static final int ROUNDS = 2;
    /** A sweep stops after this many consecutive depths at which the call returned. */
    private static final int STREAK = 96;
    /** A sweep never goes further than this many frames below the calibrated edge. */
    private static final int MAX_WINDOW = 6000;
    private static final long SWEEP_STACK = 512 * 1024;
    /** The current test's carriers, so that a failure can show where they are. */
    private static volatile CarrierThreads CARRIERS;

    @BeforeEach
    void newCarriers(TestInfo test) {
        CARRIERS = new CarrierThreads(test.getTestMethod().map(m -> m.getName()).orElse("kernel-error"));
    }

    /** One depth of a sweep: what to set up at the top of the stack, what to call at the edge. */
    private interface DepthStep {
        StackEdge.Action prepare() throws Exception;

        void after(StackEdge.Outcome outcome, int depth) throws Exception;
    }

    /** Proves a StackOverflowError anywhere in submit() leaves no trace but, at most, a whole task. */
    @Test
    void submitSurvivesAStackOverflowAtEveryDepth() throws Exception {
        AtomicLong runs = new AtomicLong();
        Scheduler s = Scheduler.builder().threadFactory(CARRIERS).maxConcurrent(2).maxQueueSize(256).resultRetention(64).build();
        TaskSpec<Long> spec = TaskSpec.of("edge", runs::incrementAndGet);
        List<TaskHandle<Long>> handles = new ArrayList<>();
        warm(s, spec, handles);
        AtomicReference<TaskHandle<Long>> last = new AtomicReference<>();
        int[] counts = sweep("submit()", new DepthStep() {
            @Override
            public StackEdge.Action prepare() {
                last.set(null);
                return () -> {
                    try {
                        last.set(s.submit(spec));
                    } catch (RejectedTaskException full) {
                        // the carriers fell behind: a refusal is a whole outcome too
                    }
                };
            }

            @Override
            public void after(StackEdge.Outcome outcome, int depth) {
                TaskHandle<Long> h = last.get();
                if (h != null) {
                    handles.add(h);
                }
            }
        });
        assertWhole(s, handles, runs, "after " + describe(counts));
    }

    /**
     * Proves the same at the queue bound: with every carrier held and the queue full, each submit
     * is refused (building its exception) or overflows; no admission count leaks.
     */
    @Test
    void rejectedSubmitSurvivesAStackOverflowAtEveryDepth() throws Exception {
        AtomicLong runs = new AtomicLong();
        Scheduler s = Scheduler.builder().threadFactory(CARRIERS).maxConcurrent(1).maxQueueSize(4).resultRetention(64).build();
        TaskSpec<Long> spec = TaskSpec.of("edge", runs::incrementAndGet);
        List<TaskHandle<Long>> handles = new ArrayList<>();
        warm(s, spec, handles);
        try (Blocker<Long> blocker = new Blocker<>(-1L)) {
            TaskHandle<Long> held = s.submit(TaskSpec.of("held", blocker));
            handles.add(held);
            blocker.awaitStarted();
            for (int i = 0; i < 4; i++) {
                handles.add(s.submit(spec));
            }
            int[] counts = sweep("a refused submit()", new DepthStep() {
                @Override
                public StackEdge.Action prepare() {
                    return () -> {
                        try {
                            s.submit(spec);
                            fail("a submit beyond the bound was accepted");
                        } catch (RejectedTaskException expected) {
                            // the refusal
                        }
                    };
                }

                @Override
                public void after(StackEdge.Outcome outcome, int depth) {
                    SchedulerStatus st = s.status();
                    assertEquals(4, st.pending(), () -> "pending changed at depth " + depth + " (" + outcome + "): " + st);
                }
            });
            blocker.release();
            TestSupport.get(held);
            assertWhole(s, handles, runs, "after " + describe(counts));
        }
    }

    /** Proves a StackOverflowError anywhere in a pending cancel (and its purge) wedges nothing. */
    @Test
    void pendingCancelSurvivesAStackOverflowAtEveryDepth() throws Exception {
        AtomicLong runs = new AtomicLong();
        AtomicLong callbacks = new AtomicLong();
        // a bound of 64 makes the purge threshold 64: cancels here also purge tombstones
        Scheduler s = Scheduler.builder().threadFactory(CARRIERS).maxConcurrent(1).maxQueueSize(64).resultRetention(64).build();
        TaskSpec<Long> spec = TaskSpec.of("edge", runs::incrementAndGet);
        List<TaskHandle<Long>> handles = new ArrayList<>();
        warm(s, spec, handles);
        try (Blocker<Long> blocker = new Blocker<>(-1L)) {
            TaskHandle<Long> held = s.submit(TaskSpec.of("held", blocker));
            handles.add(held);
            blocker.awaitStarted();
            Deque<TaskHandle<Long>> leftovers = new ArrayDeque<>();
            AtomicReference<TaskHandle<Long>> target = new AtomicReference<>();
            int[] counts = sweep("a pending cancel", new DepthStep() {
                @Override
                public StackEdge.Action prepare() {
                    TaskHandle<Long> h = s.trySubmit(spec);
                    while (h == null && !leftovers.isEmpty()) { // make room: cancel a survivor in full
                        TaskHandle<Long> left = leftovers.poll();
                        assertTrue(left.cancel(false), () -> "task " + left.id() + ", whose cancel overflowed, reads "
                                + left.state() + " but can no longer be cancelled: stuck between PENDING and CANCELLED");
                        h = s.trySubmit(spec);
                    }
                    assertNotNull(h, () -> "the queue is full with nothing left to cancel: " + s.status());
                    h.future().whenComplete((v, e) -> callbacks.incrementAndGet());
                    handles.add(h);
                    target.set(h);
                    TaskHandle<Long> t = h;
                    return () -> t.cancel(false);
                }

                @Override
                public void after(StackEdge.Outcome outcome, int depth) {
                    TaskHandle<Long> h = target.get();
                    TaskState state = h.state();
                    if (outcome == StackEdge.Outcome.RETURNED) {
                        assertEquals(TaskState.CANCELLED, state, "a returned cancel left the task " + state);
                    } else if (state == TaskState.PENDING) {
                        leftovers.add(h); // the cancel took no effect: the task is still live
                    }
                }
            });
            blocker.release();
            TestSupport.get(held);
            assertWhole(s, handles, runs, "after " + describe(counts));
        }
    }

    /** Proves a StackOverflowError anywhere in an interrupting cancel of a running task wedges nothing. */
    @Test
    void runningCancelSurvivesAStackOverflowAtEveryDepth() throws Exception {
        AtomicLong runs = new AtomicLong();
        Scheduler s = Scheduler.builder().threadFactory(CARRIERS).maxConcurrent(1).maxQueueSize(16).resultRetention(64).build();
        TaskSpec<Long> spec = TaskSpec.of("edge", runs::incrementAndGet);
        List<TaskHandle<Long>> handles = new ArrayList<>();
        warm(s, spec, handles);
        AtomicReference<Blocker<Long>> blocker = new AtomicReference<>();
        AtomicReference<TaskHandle<Long>> target = new AtomicReference<>();
        int[] counts = sweep("a running cancel", new DepthStep() {
            @Override
            public StackEdge.Action prepare() throws Exception {
                Blocker<Long> b = new Blocker<>(-1L);
                // not counted in runs: a cancelled one started but did not complete (see blockerRuns)
                TaskHandle<Long> h = s.submit(TaskSpec.of("running", b::call));
                h.future(); // a future to complete, as most callers have
                b.awaitStarted();
                blocker.set(b);
                target.set(h);
                handles.add(h);
                return () -> s.cancel(h.id(), true);
            }

            @Override
            public void after(StackEdge.Outcome outcome, int depth) throws Exception {
                TaskHandle<Long> h = target.get();
                blocker.get().release(); // if the cancel took no effect, the task completes
                awaitDone(h.future(), "the task cancelled at depth " + depth + " (" + outcome + ", state "
                        + h.state() + ")");
                if (outcome == StackEdge.Outcome.RETURNED) {
                    assertEquals(TaskState.CANCELLED, h.state(), "a returned cancel(true) did not cancel");
                }
            }
        });
        assertWhole(s, handles, runs, "after " + describe(counts));
    }

    // ------------------------------------------------------------------ the sweep

    /**
     * On a thread of its own, calibrates the stack edge and steps down from it one frame at a
     * time, calling the step's action at each depth, until the action has returned at
     * {@value #STREAK} depths in a row; {@value #ROUNDS} times. Fails if no error ever landed
     * inside the action (the sweep would prove nothing). Returns the outcome counts.
     */
    private static int[] sweep(String what, DepthStep step) throws Exception {
        int[] counts = new int[StackEdge.Outcome.values().length];
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                StackEdge edge = new StackEdge();
                for (int round = 0; round < ROUNDS; round++) {
                    int cap = edge.calibrate();
                    int streak = 0;
                    for (int d = cap + 4; d >= 0 && d > cap - MAX_WINDOW && streak < STREAK; d--) {
                        StackEdge.Action action = step.prepare();
                        StackEdge.Outcome o = edge.at(d, action);
                        counts[o.ordinal()]++;
                        streak = o == StackEdge.Outcome.RETURNED ? streak + 1 : 0;
                        step.after(o, d);
                    }
                }
            } catch (Throwable e) {
                error.set(e);
            }
        }, "stack-edge", SWEEP_STACK);
        t.setDaemon(true);
        t.start();
        Bounded.join(t, "the sweep of " + what, Duration.ofSeconds(20));
        if (error.get() != null) {
            throw new AssertionError("the sweep of " + what + " failed: " + error.get(), error.get());
        }
        assertTrue(counts[StackEdge.Outcome.OVERFLOW_INSIDE.ordinal()] > 0,
                () -> "no StackOverflowError landed inside " + what + ": " + describe(counts));
        return counts;
    }

    private static String describe(int[] counts) {
        return counts[0] + " overflows before the call, " + counts[1] + " inside it, " + counts[2] + " returns";
    }

    /** Compiles the submit, dispatch and cancel paths, so the sweep does not only see the interpreter. */
    private static void warm(Scheduler s, TaskSpec<Long> spec, List<TaskHandle<Long>> handles) throws Exception {
        for (int i = 0; i < 4000; i++) {
            TaskHandle<Long> h = s.trySubmit(spec);
            if (h != null && (i & 3) == 0) {
                h.cancel(false);
            }
        }
        TaskHandle<Long> h;
        while ((h = s.trySubmit(spec)) == null) {
            Thread.yield(); // the carriers are still busy with the warm-up
        }
        handles.add(h);
        TestSupport.get(h);
        awaitQuiet(s, "after the warm-up");
    }

    // ------------------------------------------------------------------ the checks

    /**
     * The scheduler is whole: every handle's future completes and its state is final; the
     * scheduler becomes quiet with balanced counters and one run per completed task; new tasks
     * run; the queue bound admits exactly maxQueueSize; close() returns.
     */
    private static void assertWhole(Scheduler s, List<TaskHandle<Long>> handles, AtomicLong runs, String context)
            throws Exception {
        for (TaskHandle<Long> h : handles) {
            awaitDone(h.future(), "task " + h.id() + " (state " + h.state() + ") " + context + ", " + s.status());
            assertTrue(h.isDone(), () -> "future done but task " + h.id() + " is " + h.state() + " " + context);
            assertTrue(h.finishedAt().isPresent(), () -> "task " + h.id() + " final without finishedAt " + context);
        }
        awaitQuiet(s, context);
        SchedulerStatus st = s.status();
        assertEquals(st.submitted(), st.completed() + st.failed() + st.cancelled(),
                () -> "counters do not balance at quiescence " + context + ": " + st);
        // every accepted counting task ran once or was cancelled; the blockers ran once each too
        assertEquals(st.completed() + st.failed(), runs.get() + blockerRuns(handles),
                () -> "runs do not match completions " + context + ": runs=" + runs.get() + " " + st);

        // the carriers keep dispatching
        List<CompletableFuture<Long>> more = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            TaskHandle<Long> h = s.trySubmit(TaskSpec.of("after", runs::incrementAndGet));
            if (h == null) {
                awaitDone(more.get(more.size() - 1), "a task submitted after the sweep " + context);
                i--;
                continue;
            }
            more.add(h.future());
        }
        for (CompletableFuture<Long> f : more) {
            awaitDone(f, "a task submitted after the sweep " + context);
        }

        // the bound admits exactly maxQueueSize with every carrier held
        int slots = st.maxConcurrent();
        try (Gate gate = new Gate(slots)) {
            List<TaskHandle<Object>> held = new ArrayList<>();
            for (int i = 0; i < slots; i++) {
                held.add(s.submit(TaskSpec.of("hold", () -> {
                    gate.pass();
                    return null;
                })));
            }
            gate.awaitArrivals();
            List<TaskHandle<Long>> queued = new ArrayList<>();
            for (int i = 0; i < st.maxQueueSize(); i++) {
                TaskHandle<Long> h = s.trySubmit(TaskSpec.of("fill", () -> 0L));
                assertNotNull(h, "the bound shrank: submit " + (i + 1) + " of " + st.maxQueueSize()
                        + " refused with every carrier held " + context + ": " + s.status());
                queued.add(h);
            }
            assertEquals(null, s.trySubmit(TaskSpec.of("over", () -> 0L)), "the bound grew " + context);
            queued.forEach(h -> h.cancel(false));
            gate.open();
            for (TaskHandle<Object> h : held) {
                awaitDone(h.future(), "a holding task " + context);
            }
        }
        Bounded.close(s, BOUND);
        assertTrue(s.isTerminated(), "close() returned before termination " + context);
    }

    private static long blockerRuns(List<TaskHandle<Long>> handles) {
        return handles.stream().filter(h -> h.candidateId().equals("held")
                || h.candidateId().equals("running") && h.state() == TaskState.COMPLETED).count();
    }

    private static void awaitQuiet(Scheduler s, String context) {
        long deadline = System.nanoTime() + BOUND.toNanos();
        SchedulerStatus st;
        while ((st = s.status()).pending() != 0 || st.running() != 0
                || st.submitted() != st.completed() + st.failed() + st.cancelled()) {
            if (System.nanoTime() - deadline > 0) {
                fail("the scheduler never became quiet " + context + " (wedged dispatch or a leaked count): " + st
                        + "; " + carriers());
            }
            Thread.yield();
        }
    }

    /** The live carriers and the top of their stacks, for failure messages. */
    private static String carriers() {
        StringBuilder b = new StringBuilder("live carriers:");
        for (Thread t : CARRIERS.threads()) {
            if (t.isAlive()) {
                b.append(' ').append(t.getName()).append(' ').append(t.getState());
                StackTraceElement[] stack = t.getStackTrace();
                for (int i = 0; i < Math.min(4, stack.length); i++) {
                    b.append(" <- ").append(stack[i].getClassName().replaceAll(".*\\.", ""))
                            .append('.').append(stack[i].getMethodName());
                }
                b.append(';');
            }
        }
        return b.toString();
    }

    private static void awaitDone(CompletableFuture<?> f, String what) throws InterruptedException {
        try {
            f.get(BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            fail("the future of " + what + " did not complete within " + BOUND.toSeconds() + " s; "
                    + carriers());
        } catch (Exception outcome) {
            // failed or cancelled: complete all the same
        }
    }
}
