package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@link ExecutorService} view of a scheduler ({@link Scheduler#asExecutorService}): every way
 * in, shared slots and priority order, cancellation that frees the bound, the kernel's rejection,
 * candidate ids, and the view's own lifecycle.
 */
@Timeout(60)
class ExecutorViewTest {

    /** Proves supplyAsync and runAsync with a view run on the scheduler's carriers, as scheduler tasks. */
    @Test
    void supplyAsyncAndRunAsyncRunAsSchedulerTasks() throws Exception {
        CarrierThreads carriers = new CarrierThreads("view-carrier");
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).threadFactory(carriers).build();
             SchedulerExecutorService view = s.asExecutorService(Priority.HIGH)) {
            CompletableFuture<Thread> supplied = CompletableFuture.supplyAsync(Thread::currentThread, view);
            assertTrue(carriers.contains(TestSupport.get(supplied)), "supplyAsync did not run on a carrier");
            AtomicReference<Thread> ranOn = new AtomicReference<>();
            CompletableFuture<Void> ran = CompletableFuture.runAsync(() -> ranOn.set(Thread.currentThread()), view);
            assertNull(TestSupport.get(ran));
            assertTrue(carriers.contains(ranOn.get()), "runAsync did not run on a carrier");
            // a chain of stages, each dispatched through the view
            CompletableFuture<Integer> chain = CompletableFuture.supplyAsync(() -> 20, view)
                    .thenApplyAsync(x -> x * 2, view)
                    .thenCombineAsync(CompletableFuture.supplyAsync(() -> 2, view), Integer::sum, view);
            assertEquals(42, TestSupport.get(chain));
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(6, st.submitted()); // two, then four stages of the chain
            assertEquals(6, st.completed());
        }
    }

    /** Proves submit(Callable), submit(Runnable), submit(Runnable, result) and execute all run and report. */
    @Test
    void everySubmitAndExecuteWork() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).build();
             SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL)) {
            assertEquals("called", TestSupport.get(view.submit(() -> "called")));
            AtomicInteger runs = new AtomicInteger();
            Future<?> plain = view.submit((Runnable) runs::incrementAndGet);
            assertNull(TestSupport.get(plain));
            assertEquals("given", TestSupport.get(view.submit(runs::incrementAndGet, "given")));
            CountDownLatch executed = new CountDownLatch(1);
            view.execute(executed::countDown);
            TestSupport.await(executed, "the executed runnable");
            assertEquals(2, runs.get());
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(4, st.submitted());
            assertEquals(4, st.completed());
        }
    }

    /** Proves a failing task fails its future with exactly what it threw, checked, unchecked or an Error. */
    @Test
    void aFailingTaskFailsItsFutureWithItsThrowable() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL)) {
            IOException checked = new IOException("checked");
            IllegalStateException unchecked = new IllegalStateException("unchecked");
            AssertionError error = new AssertionError("error");
            CancellationException thrownCancellation = new CancellationException("thrown by the task");
            Future<String> f1 = view.submit(() -> {
                throw checked;
            });
            Future<?> f2 = view.submit((Runnable) () -> {
                throw unchecked;
            });
            Future<String> f3 = view.submit(() -> {
                throw error;
            });
            Future<String> f4 = view.submit(() -> {
                throw thrownCancellation;
            });
            assertSame(checked, assertThrows(ExecutionException.class, () -> TestSupport.get(f1)).getCause());
            assertSame(unchecked, assertThrows(ExecutionException.class, () -> TestSupport.get(f2)).getCause());
            assertSame(error, assertThrows(ExecutionException.class, () -> TestSupport.get(f3)).getCause());
            // a task that throws CancellationException failed; it was not cancelled
            assertSame(thrownCancellation, assertThrows(ExecutionException.class, () -> TestSupport.get(f4)).getCause());
            assertFalse(f4.isCancelled());
            assertTrue(f4.isDone());
            assertEquals(4, TestSupport.quietStatus(s).failed());
        }
    }

    /** Proves what an execute()d task throws reaches the carrier's uncaught-exception handler, and the carrier carries on. */
    @Test
    void whatAnExecutedTaskThrowsGoesToTheCarriersHandler() throws Exception {
        CarrierThreads carriers = new CarrierThreads("view-uncaught");
        IllegalStateException boom = new IllegalStateException("boom");
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).threadFactory(carriers).build();
             SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL)) {
            view.execute(() -> {
                throw boom;
            });
            TestSupport.awaitCondition("the handler got the throwable", () -> carriers.uncaught().contains(boom));
            assertEquals("after", TestSupport.get(view.submit(() -> "after")), "the carrier did not carry on");
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(1, st.failed());
            assertEquals(1, st.completed());
            assertEquals(List.of(boom), carriers.uncaught());
        }
    }

    /** Proves invokeAll and invokeAny, timed and not, return the tasks' outcomes. */
    @Test
    void invokeAllAndInvokeAnyWork() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).build();
             SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL)) {
            List<Callable<Integer>> tasks = List.of(() -> 1, () -> 2, () -> {
                throw new IllegalStateException("three");
            });
            List<Future<Integer>> all = view.invokeAll(tasks);
            assertEquals(3, all.size());
            assertTrue(all.stream().allMatch(Future::isDone));
            assertEquals(1, all.get(0).get());
            assertEquals(2, all.get(1).get());
            assertInstanceOf(IllegalStateException.class, assertThrows(ExecutionException.class, () -> all.get(2).get()).getCause());

            List<Future<Integer>> timed = view.invokeAll(tasks, TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertEquals(1, timed.get(0).get());
            assertEquals(2, timed.get(1).get());
            assertThrows(ExecutionException.class, () -> timed.get(2).get());

            int any = view.invokeAny(tasks);
            assertTrue(any == 1 || any == 2, "invokeAny returned " + any);
            int anyTimed = view.invokeAny(tasks, TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            assertTrue(anyTimed == 1 || anyTimed == 2, "timed invokeAny returned " + anyTimed);
        }
    }

    /** Proves views share the scheduler's strict priority order: a HIGH view's task goes before a LOW view's pending one. */
    @Test
    void aHighViewsTaskGoesBeforeALowViewsPendingTask() throws Exception {
        Queue<String> order = new ConcurrentLinkedQueue<>();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            ExecutorService low = s.asExecutorService(Priority.LOW);
            ExecutorService high = s.asExecutorService(Priority.HIGH);
            s.submit(TaskSpec.of("blocker", Priority.CRITICAL, blocker));
            blocker.awaitStarted();
            Future<?> lowTask = low.submit(() -> order.add("low"));
            Future<?> highTask = high.submit(() -> order.add("high"));
            assertEquals(2, s.status().pending());
            blocker.release();
            TestSupport.get(lowTask);
            TestSupport.get(highTask);
            assertEquals(List.of("high", "low"), List.copyOf(order));
        }
    }

    /** Proves views share the scheduler's slots: with one slot, a view's task waits while another view's task runs. */
    @Test
    void viewsShareTheSchedulersSlots() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            ExecutorService a = s.asExecutorService(Priority.NORMAL);
            ExecutorService b = s.asExecutorService(Priority.NORMAL);
            Future<String> running = a.submit(blocker);
            blocker.awaitStarted();
            Future<String> waiting = b.submit(() -> "b");
            SchedulerStatus st = s.status();
            assertEquals(1, st.running());
            assertEquals(1, st.pending());
            assertFalse(waiting.isDone());
            blocker.release();
            assertEquals("blocker", TestSupport.get(running));
            assertEquals("b", TestSupport.get(waiting));
        }
    }

    /**
     * Proves cancelling a pending view future cancels the kernel task and frees its place at once:
     * with maxConcurrent=1 and maxQueueSize=1, a new submit is accepted right after the cancel.
     */
    @ParameterizedTest(name = "mayInterruptIfRunning={0}")
    @ValueSource(booleans = {false, true})
    void cancellingAPendingFutureFreesItsPlaceAtOnce(boolean mayInterrupt) throws Exception {
        AtomicBoolean victimRan = new AtomicBoolean();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(1).build();
             SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL);
             Blocker<String> blocker = new Blocker<>("blocker")) {
            Future<String> running = view.submit(blocker);
            blocker.awaitStarted();
            Future<?> victim = view.submit(() -> victimRan.set(true));
            assertEquals(1, s.status().pending());
            RejectedTaskException full = assertThrows(RejectedTaskException.class, () -> view.submit(() -> "full"));
            assertEquals(RejectionReason.QUEUE_FULL, full.reason());

            assertTrue(victim.cancel(mayInterrupt));
            assertTrue(victim.isDone());
            assertTrue(victim.isCancelled());
            assertThrows(CancellationException.class, () -> victim.get(1, TimeUnit.SECONDS));
            assertFalse(victim.cancel(mayInterrupt), "a second cancel won too");
            SchedulerStatus st = s.status();
            assertEquals(0, st.pending(), "the place was not freed");
            assertEquals(1, st.cancelled());
            Future<String> next = view.submit(() -> "next"); // accepted at once

            blocker.release();
            assertEquals("blocker", TestSupport.get(running));
            assertEquals("next", TestSupport.get(next));
            assertFalse(victimRan.get(), "the cancelled task ran");
        }
    }

    /** Proves cancel(true) on a running view future interrupts the task, and the view waits for its code to return. */
    @Test
    void cancellingARunningFutureWithInterruptInterruptsIt() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL);
            Future<String> f = view.submit(blocker);
            blocker.awaitStarted();
            assertTrue(f.cancel(true));
            assertTrue(f.isCancelled());
            assertThrows(CancellationException.class, () -> f.get(1, TimeUnit.SECONDS));
            view.shutdown();
            assertTrue(view.awaitTermination(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(blocker.wasInterrupted(), "the view terminated before the interrupted code returned");
            assertEquals(1, TestSupport.quietStatus(s).cancelled());
        }
    }

    /**
     * Proves cancel(false) on a running view future cancels the future (done, cancelled) while the
     * task runs on, as FutureTask does; the view counts the task until its code returns.
     */
    @Test
    void cancelWithoutInterruptDropsARunningTasksOutcome() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL);
            Future<String> f = view.submit(blocker);
            blocker.awaitStarted();
            assertTrue(f.cancel(false));
            assertTrue(f.isDone());
            assertTrue(f.isCancelled());
            assertThrows(CancellationException.class, f::get);
            assertFalse(f.cancel(true), "a cancelled future was cancelled again");
            assertEquals(1, s.status().running(), "the task should run on");
            view.shutdown();
            assertFalse(view.isTerminated(), "terminated while its task runs");
            assertFalse(view.awaitTermination(0, TimeUnit.MILLISECONDS));
            blocker.release();
            assertTrue(view.awaitTermination(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertFalse(blocker.wasInterrupted());
            assertThrows(CancellationException.class, f::get, "the dropped outcome came back");
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(1, st.completed());
            assertEquals(0, st.cancelled());
        }
    }

    /** Proves cancelling a finished future does nothing and returns false. */
    @Test
    void cancellingADoneFutureDoesNothing() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL)) {
            Future<String> f = view.submit(() -> "v");
            assertEquals("v", TestSupport.get(f));
            assertFalse(f.cancel(true));
            assertFalse(f.isCancelled());
            assertEquals("v", f.get());
        }
    }

    /**
     * Proves a view refuses with the kernel's RejectedTaskException: QUEUE_FULL naming the view's
     * candidate id, SHUTDOWN once the scheduler is shut down (the view itself staying not shut down).
     */
    @Test
    void refusalsAreTheKernelsRejectedTaskException() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            SchedulerExecutorService view = s.asExecutorService(Priority.LOW);
            assertEquals("executor-LOW", view.candidateId());
            s.submit(TaskSpec.of("blocker", blocker));
            blocker.awaitStarted();
            view.execute(() -> { });
            RejectedExecutionException full = assertThrows(RejectedExecutionException.class, () -> view.execute(() -> { }));
            assertInstanceOf(RejectedTaskException.class, full);
            assertEquals(RejectionReason.QUEUE_FULL, ((RejectedTaskException) full).reason());
            assertTrue(full.getMessage().contains("executor-LOW"), full.getMessage());
            assertEquals(1, s.status().rejected());

            s.shutdown();
            RejectedTaskException closed = assertThrows(RejectedTaskException.class, () -> view.submit(() -> "x"));
            assertEquals(RejectionReason.SHUTDOWN, closed.reason());
            assertEquals(RejectionReason.SHUTDOWN,
                    assertThrows(RejectedTaskException.class, () -> view.execute(() -> { })).reason());
            assertFalse(view.isShutdown(), "the scheduler's shutdown shut the view down");
            blocker.release();
            view.shutdown();
            assertTrue(view.awaitTermination(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** Proves a view made with a candidate id of its own gives it to every task, and bad arguments are named. */
    @Test
    void aViewsCandidateIdAndBadArguments() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            SchedulerExecutorService view = new SchedulerExecutorService(s, Priority.HIGH, "prompt-batch");
            assertSame(s, view.scheduler());
            assertEquals(Priority.HIGH, view.priority());
            assertEquals("prompt-batch", view.candidateId());
            assertTrue(view.toString().contains("prompt-batch"), view.toString());
            Future<String> running = view.submit(blocker);
            blocker.awaitStarted();
            Future<String> pending = view.submit(() -> "pending");
            assertTrue(pending.toString().contains("prompt-batch"), pending.toString());
            RejectedTaskException full = assertThrows(RejectedTaskException.class, () -> view.submit(() -> "x"));
            assertTrue(full.getMessage().contains("prompt-batch"), full.getMessage());
            blocker.release();
            TestSupport.get(running);
            TestSupport.get(pending);
        }
        try (Scheduler s = Scheduler.builder().build()) {
            assertNamed(NullPointerException.class, "priority", () -> s.asExecutorService(null));
            assertNamed(NullPointerException.class, "scheduler", () -> new SchedulerExecutorService(null, Priority.LOW, "c"));
            assertNamed(NullPointerException.class, "priority", () -> new SchedulerExecutorService(s, null, "c"));
            assertNamed(NullPointerException.class, "candidateId", () -> new SchedulerExecutorService(s, Priority.LOW, null));
            assertNamed(IllegalArgumentException.class, "candidateId", () -> new SchedulerExecutorService(s, Priority.LOW, " "));
        }
    }

    private static <T extends Throwable> void assertNamed(Class<T> type, String field,
                                                          org.junit.jupiter.api.function.Executable call) {
        T e = assertThrows(type, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(field),
                () -> "message does not name '" + field + "': " + e.getMessage());
    }

    /**
     * Proves shutdown() stops the view alone: it refuses, waits for its own tasks only, and the
     * scheduler and other views go on.
     */
    @Test
    void shutdownStopsTheViewAlone() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).build();
             Blocker<String> mine = new Blocker<>("mine");
             Blocker<String> other = new Blocker<>("other")) {
            SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL);
            SchedulerExecutorService sibling = s.asExecutorService(Priority.NORMAL);
            Future<String> myTask = view.submit(mine);
            TaskHandle<String> direct = s.submit(TaskSpec.of("other", other));
            mine.awaitStarted();
            other.awaitStarted();

            view.shutdown();
            assertTrue(view.isShutdown());
            assertFalse(view.isTerminated());
            assertFalse(view.awaitTermination(0, TimeUnit.NANOSECONDS));
            assertEquals(RejectionReason.SHUTDOWN,
                    assertThrows(RejectedTaskException.class, () -> view.submit(() -> "late")).reason());
            assertFalse(s.isShutdown(), "the view's shutdown shut the scheduler down");
            assertFalse(sibling.isShutdown());

            mine.release();
            assertTrue(view.awaitTermination(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(view.isTerminated(), "terminated");
            assertTrue(myTask.isDone());
            assertFalse(direct.isDone(), "the direct task cannot be done: its blocker is closed");
            assertEquals("sibling", TestSupport.get(sibling.submit(() -> "sibling")));
            other.release();
            assertEquals("other", TestSupport.get(direct));
        }
    }

    /**
     * Proves shutdownNow() cancels the view's pending tasks and returns their work (the runnables
     * as given, a callable as a runnable that calls it), interrupts its running task, leaves other
     * tasks alone, and does not shut the scheduler down.
     */
    @Test
    void shutdownNowCancelsTheViewsTasksAndReturnsTheirWork() throws Exception {
        AtomicInteger ranLate = new AtomicInteger();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            SchedulerExecutorService view = s.asExecutorService(Priority.HIGH);
            Future<String> running = view.submit(blocker);
            blocker.awaitStarted();
            Runnable executed = ranLate::incrementAndGet;
            Runnable submitted = ranLate::incrementAndGet;
            Callable<String> called = () -> {
                ranLate.incrementAndGet();
                return "called";
            };
            view.execute(executed);
            Future<?> f1 = view.submit(submitted);
            Future<String> f2 = view.submit(called);
            TaskHandle<String> direct = s.submit(TaskSpec.of("direct", Priority.LOW, () -> "direct"));
            assertEquals(4, s.status().pending());

            List<Runnable> neverStarted = view.shutdownNow();
            assertEquals(3, neverStarted.size(), neverStarted::toString);
            assertTrue(neverStarted.contains(executed));
            assertTrue(neverStarted.contains(submitted));
            assertTrue(f1.isCancelled());
            assertTrue(f2.isCancelled());
            assertTrue(running.isCancelled());
            // the direct task is untouched (pending, or running on the slot the blocker freed)
            assertTrue(direct.state() == TaskState.PENDING || direct.state() == TaskState.RUNNING
                    || direct.state() == TaskState.COMPLETED, direct::toString);
            assertFalse(s.isShutdown());
            assertTrue(view.isShutdown());
            assertTrue(view.awaitTermination(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(blocker.wasInterrupted());
            assertEquals("direct", TestSupport.get(direct));
            assertEquals(0, ranLate.get(), "a task cancelled by shutdownNow ran");

            // the callable comes back as a runnable that calls it
            for (Runnable r : neverStarted) {
                if (r != executed && r != submitted) {
                    assertTrue(r.toString().contains(called.toString()), r.toString());
                    r.run();
                }
            }
            assertEquals(1, ranLate.get());
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(4, st.cancelled());
            assertEquals(1, st.completed());
        }
    }

    /** Proves the scheduler's own shutdownNow cancels a view's tasks, and the view then terminates once shut down. */
    @Test
    void theSchedulersShutdownNowEndsTheViewsTasks() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL);
            Future<String> running = view.submit(blocker);
            blocker.awaitStarted();
            Future<String> pending = view.submit(() -> "pending");
            assertEquals(2, s.shutdownNow().size());
            assertTrue(running.isCancelled());
            assertTrue(pending.isCancelled());
            view.shutdown();
            assertTrue(view.awaitTermination(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertTrue(blocker.wasInterrupted());
        }
    }

    /**
     * Proves close() shuts the view down and waits for its tasks, without shutting the scheduler
     * down, and that the view works in try-with-resources on Java 17.
     */
    @Test
    void closeShutsDownAndWaitsForTheViewsTasks() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Gate gate = new Gate()) {
            SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL);
            Future<String> task = view.submit(() -> {
                gate.pass();
                return "done";
            });
            gate.awaitArrivals();
            AtomicBoolean closed = new AtomicBoolean();
            AtomicReference<Throwable> error = new AtomicReference<>();
            Thread closer = Bounded.start("closer", () -> {
                view.close();
                closed.set(true);
            }, error);
            TestSupport.awaitCondition("close() shut the view down", view::isShutdown);
            assertFalse(closed.get(), "close() returned while the view's task was blocked");
            gate.open();
            Bounded.join(closer, "close()", TestSupport.TIMEOUT);
            assertNull(error.get());
            assertTrue(closed.get());
            assertTrue(view.isTerminated());
            assertTrue(task.isDone());
            assertFalse(s.isShutdown());

            try (SchedulerExecutorService scoped = s.asExecutorService(Priority.HIGH)) {
                assertEquals("scoped", TestSupport.get(scoped.submit(() -> "scoped")));
            }
            assertEquals("still", TestSupport.get(s.submit(TaskSpec.of("still", () -> "still"))));
        }
    }

    /** Proves an interrupted close() calls shutdownNow, keeps waiting, and restores the interrupt. */
    @Test
    void anInterruptedCloseCancelsTheViewsTasks() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL);
            Future<String> running = view.submit(blocker);
            blocker.awaitStarted();
            AtomicBoolean interruptKept = new AtomicBoolean();
            AtomicReference<Throwable> error = new AtomicReference<>();
            Thread closer = Bounded.start("interrupted-closer", () -> {
                view.close();
                interruptKept.set(Thread.currentThread().isInterrupted());
            }, error);
            TestSupport.awaitCondition("close() shut the view down", view::isShutdown);
            closer.interrupt();
            Bounded.join(closer, "close()", TestSupport.TIMEOUT);
            assertNull(error.get());
            assertTrue(interruptKept.get(), "close() lost the interrupt");
            assertTrue(running.isCancelled());
            assertTrue(blocker.wasInterrupted());
            assertTrue(view.isTerminated());
        }
    }

    /** Proves a view's own task cannot wait for the view: awaitTermination throws, close() returns at once. */
    @Test
    void aViewsOwnTaskCannotWaitForTheView() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL);
            Future<String> awaiting = view.submit(() -> {
                try {
                    view.awaitTermination(1, TimeUnit.MILLISECONDS);
                    return "waited";
                } catch (IllegalStateException e) {
                    return "refused";
                }
            });
            assertEquals("refused", TestSupport.get(awaiting));
            SchedulerExecutorService other = s.asExecutorService(Priority.NORMAL);
            // another view's task may wait for this one (it is not waiting for itself)
            assertFalse(TestSupport.get(other.submit(() -> view.awaitTermination(0, TimeUnit.MILLISECONDS))));

            Future<Boolean> closing = view.submit(() -> {
                view.close();
                return view.isShutdown();
            });
            assertTrue(TestSupport.get(closing));
            assertTrue(view.awaitTermination(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
            assertFalse(s.isShutdown());
        }
    }

    /** Proves a supplyAsync stage that closes its own view does not wait for itself. */
    @Test
    void aStageThatClosesItsViewDoesNotDeadlock() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            SchedulerExecutorService view = s.asExecutorService(Priority.NORMAL);
            CountDownLatch stageRegistered = new CountDownLatch(1);
            AtomicReference<Thread> closedOn = new AtomicReference<>();
            // the supplier returns only once the next stage is registered, so that stage runs
            // inside the view's task, on its carrier
            CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
                try {
                    TestSupport.await(stageRegistered, "the next stage");
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return "v";
            }, view).thenApply(v -> {
                closedOn.set(Thread.currentThread());
                view.close();
                return v + " closed";
            });
            stageRegistered.countDown();
            assertEquals("v closed", TestSupport.get(f));
            assertTrue(closedOn.get() != Thread.currentThread(), "the stage did not run in the view's task");
            assertTrue(view.awaitTermination(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    /** Proves many producers through several views keep the counts exact and every view terminates. */
    @Test
    void manyProducersThroughSeveralViews() throws Exception {
        int producers = 4;
        int perProducer = 2_000;
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).maxQueueSize(producers * perProducer).build()) {
            List<SchedulerExecutorService> views = new ArrayList<>();
            for (Priority p : Priority.values()) {
                views.add(s.asExecutorService(p));
            }
            AtomicInteger ran = new AtomicInteger();
            Queue<Future<?>> futures = new ConcurrentLinkedQueue<>();
            TestSupport.runInParallel("view-producer", producers, Duration.ofSeconds(30), i -> {
                SchedulerExecutorService view = views.get(i % views.size());
                for (int k = 0; k < perProducer; k++) {
                    Future<?> f = view.submit(ran::incrementAndGet);
                    if (k % 3 == 0) {
                        f.cancel(k % 2 == 0);
                    }
                    futures.add(f);
                }
            });
            for (SchedulerExecutorService view : views) {
                view.shutdown();
            }
            for (SchedulerExecutorService view : views) {
                assertTrue(view.awaitTermination(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS), view::toString);
            }
            int done = 0;
            int cancelled = 0;
            for (Future<?> f : futures) {
                assertTrue(f.isDone(), "a future is not done after its view terminated");
                done++;
                if (f.isCancelled()) {
                    cancelled++;
                }
            }
            assertEquals(producers * perProducer, done);
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(producers * perProducer, st.submitted());
            // a task cancelled with an interrupt may have run its increment first; one whose future
            // was cancelled just after a carrier claimed it never runs its code, but is counted
            // completed by the scheduler (its evaluator returned)
            assertTrue(ran.get() <= st.completed() + st.cancelled(), st + " ran " + ran);
            // a future cancelled without interrupt while its task ran counts as cancelled in the view, completed here
            assertTrue(st.cancelled() <= cancelled, st + " vs " + cancelled);
            assertEquals(st.submitted(), st.completed() + st.cancelled());
        }
    }
}
