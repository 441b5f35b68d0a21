package dev.gepa.scheduler;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * The view against the {@link ExecutorService} contract, case by case as the JSR-166 TCK checks an
 * executor: null arguments, invokeAll and invokeAny edge cases and timeouts, behaviour after
 * shutdown, interrupts, and the Future contract of what submit returns.
 */
@Timeout(60)
class ExecutorViewConformanceTest {

    private static final long LONG_MS = TestSupport.TIMEOUT.toMillis();

    private Scheduler scheduler;
    private SchedulerExecutorService view;
    /** Opened after each test, so that no task blocked on it outlives the test. */
    private final CountDownLatch never = new CountDownLatch(1);

    @BeforeEach
    void start() {
        scheduler = Scheduler.builder().maxConcurrent(2).maxQueueSize(16).build();
        view = scheduler.asExecutorService(Priority.NORMAL);
    }

    @AfterEach
    void stop() throws InterruptedException {
        never.countDown();
        view.shutdownNow();
        assertTrue(view.awaitTermination(LONG_MS, TimeUnit.MILLISECONDS), "the view did not terminate");
        Bounded.close(scheduler, TestSupport.TIMEOUT);
    }

    /** A task that waits until the test ends (or is interrupted), counting its start. */
    private Callable<String> waitsForever(CountDownLatch started) {
        return () -> {
            started.countDown();
            never.await();
            return "released";
        };
    }

    private static void assertNpe(Executable call) {
        assertThrows(NullPointerException.class, call);
    }

    // ---------------------------------------------------------------- null arguments

    /** Proves every method refuses a null task, collection, element or time unit with NPE, submitting nothing. */
    @Test
    void nullArgumentsThrowNullPointerException() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        Callable<String> counted = () -> {
            ran.incrementAndGet();
            return "c";
        };
        List<Callable<String>> withNull = Arrays.asList(counted, null);
        assertNpe(() -> view.execute(null));
        assertNpe(() -> view.submit((Runnable) null));
        assertNpe(() -> view.submit((Runnable) null, "result"));
        assertNpe(() -> view.submit((Callable<String>) null));
        assertNpe(() -> view.invokeAll(null));
        assertNpe(() -> view.invokeAll(withNull));
        assertNpe(() -> view.invokeAll(null, 1, TimeUnit.SECONDS));
        assertNpe(() -> view.invokeAll(withNull, 1, TimeUnit.SECONDS));
        assertNpe(() -> view.invokeAll(List.of(counted), 1, null));
        assertNpe(() -> view.invokeAny(null));
        assertNpe(() -> view.invokeAny(withNull));
        assertNpe(() -> view.invokeAny(null, 1, TimeUnit.SECONDS));
        assertNpe(() -> view.invokeAny(withNull, 1, TimeUnit.SECONDS));
        assertNpe(() -> view.invokeAny(List.of(counted), 1, null));
        assertNpe(() -> view.awaitTermination(1, null));
        assertEquals(0, scheduler.status().submitted(), "a call refused for a null argument submitted a task");
        assertEquals(0, ran.get());

        Future<String> f = view.submit(() -> "v");
        assertNpe(() -> f.get(1, null));
        assertEquals("v", TestSupport.get(f));
    }

    /** Proves submit(Runnable, null) is allowed: the future's value is null. */
    @Test
    void aNullResultIsAllowed() throws Exception {
        assertNull(TestSupport.get(view.submit(() -> { }, null)));
    }

    // ---------------------------------------------------------------- invokeAny

    /** Proves invokeAny of an empty collection throws IllegalArgumentException, timed or not. */
    @Test
    void invokeAnyOfNothingThrowsIllegalArgumentException() {
        assertThrows(IllegalArgumentException.class, () -> view.invokeAny(new ArrayList<Callable<String>>()));
        assertThrows(IllegalArgumentException.class,
                () -> view.invokeAny(new ArrayList<Callable<String>>(), 1, TimeUnit.SECONDS));
    }

    /** Proves invokeAny throws ExecutionException, with the last failure as cause, when every task fails. */
    @Test
    void invokeAnyWhenAllFailThrowsExecutionException() throws Exception {
        // one slot: the tasks run in order, so the last to fail is the last submitted
        try (Scheduler one = Scheduler.builder().maxConcurrent(1).build()) {
            SchedulerExecutorService serial = one.asExecutorService(Priority.NORMAL);
            IllegalStateException first = new IllegalStateException("first");
            ArithmeticException last = new ArithmeticException("last");
            List<Callable<String>> failing = List.of(() -> {
                throw first;
            }, () -> {
                throw last;
            });
            assertSame(last, assertThrows(ExecutionException.class, () -> serial.invokeAny(failing)).getCause());
            assertSame(last, assertThrows(ExecutionException.class,
                    () -> serial.invokeAny(failing, LONG_MS, TimeUnit.MILLISECONDS)).getCause());
            List<Callable<String>> oneFails = List.of(() -> {
                throw new java.io.IOException("checked");
            });
            assertInstanceOf(java.io.IOException.class,
                    assertThrows(ExecutionException.class, () -> serial.invokeAny(oneFails)).getCause());
        }
    }

    /** Proves invokeAny returns the value of a task that succeeded, though others failed. */
    @Test
    void invokeAnyReturnsASuccessAmongFailures() throws Exception {
        List<Callable<String>> tasks = List.of(() -> {
            throw new IllegalStateException("no");
        }, () -> "yes", () -> {
            throw new IllegalStateException("no");
        });
        assertEquals("yes", view.invokeAny(tasks));
        assertEquals("yes", view.invokeAny(tasks, LONG_MS, TimeUnit.MILLISECONDS));
    }

    /** Proves invokeAny cancels, with an interrupt, the tasks still running when it returns. */
    @Test
    void invokeAnyCancelsTheOthers() throws Exception {
        try (Blocker<String> slow = new Blocker<>("slow")) {
            List<Callable<String>> tasks = List.of(slow, () -> {
                slow.awaitStarted(); // the slow task is surely running when this one wins
                return "fast";
            });
            assertEquals("fast", view.invokeAny(tasks));
            view.shutdown();
            assertTrue(view.awaitTermination(LONG_MS, TimeUnit.MILLISECONDS));
            assertTrue(slow.wasInterrupted(), "the losing task was not interrupted");
            SchedulerStatus st = TestSupport.quietStatus(scheduler);
            assertEquals(1, st.completed());
            assertEquals(1, st.cancelled());
        }
    }

    /** Proves a timed invokeAny with no task done in time throws TimeoutException and cancels them all. */
    @Test
    void timedInvokeAnyTimesOut() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        List<Callable<String>> tasks = List.of(waitsForever(started), waitsForever(started), waitsForever(started));
        assertThrows(TimeoutException.class, () -> view.invokeAny(tasks, 10, TimeUnit.MILLISECONDS));
        assertThrows(TimeoutException.class, () -> view.invokeAny(tasks, 0, TimeUnit.MILLISECONDS));
        assertThrows(TimeoutException.class, () -> view.invokeAny(tasks, -1, TimeUnit.MILLISECONDS));
        view.shutdown();
        assertTrue(view.awaitTermination(LONG_MS, TimeUnit.MILLISECONDS));
        SchedulerStatus st = TestSupport.quietStatus(scheduler);
        assertEquals(st.submitted(), st.cancelled(), "a task outlived its invokeAny");
    }

    // ---------------------------------------------------------------- invokeAll

    /** Proves invokeAll of an empty collection returns an empty list, timed or not. */
    @Test
    void invokeAllOfNothingReturnsNothing() throws Exception {
        assertTrue(view.invokeAll(new ArrayList<Callable<String>>()).isEmpty());
        assertTrue(view.invokeAll(new ArrayList<Callable<String>>(), 1, TimeUnit.SECONDS).isEmpty());
    }

    /** Proves invokeAll returns every future done, in order, values and failures alike. */
    @Test
    void invokeAllReturnsEveryFutureDone() throws Exception {
        List<Callable<Integer>> tasks = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            int v = i;
            tasks.add(() -> {
                if (v == 5) {
                    throw new IllegalStateException("five");
                }
                return v;
            });
        }
        List<Future<Integer>> futures = view.invokeAll(tasks);
        assertEquals(10, futures.size());
        for (int i = 0; i < 10; i++) {
            Future<Integer> f = futures.get(i);
            assertTrue(f.isDone());
            if (i == 5) {
                assertThrows(ExecutionException.class, f::get);
            } else {
                assertEquals(i, f.get());
            }
        }
    }

    /** Proves a timed invokeAll cancels the tasks not done when the timeout passes, and returns every future done. */
    @Test
    void timedInvokeAllCancelsUnfinishedTasks() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        List<Callable<String>> tasks = List.of(() -> "a", waitsForever(started), () -> "c");
        List<Future<String>> futures = view.invokeAll(tasks, 50, TimeUnit.MILLISECONDS);
        assertEquals(3, futures.size());
        assertTrue(futures.stream().allMatch(Future::isDone), "a future was left not done");
        assertTrue(futures.get(1).isCancelled(), "the task that cannot finish was not cancelled");
        // the quick ones completed, or were cancelled if the timeout passed first: never anything else
        for (int i : new int[] {0, 2}) {
            Future<String> f = futures.get(i);
            assertTrue(f.isCancelled() || f.get().equals(i == 0 ? "a" : "c"));
        }
        assertThrows(CancellationException.class, () -> futures.get(1).get());
    }

    /** Proves a timed invokeAll with a timeout of zero or less submits nothing and returns cancelled futures. */
    @Test
    void timedInvokeAllWithNoTimeSubmitsNothing() throws Exception {
        AtomicInteger ran = new AtomicInteger();
        List<Callable<Integer>> tasks = List.of(ran::incrementAndGet, ran::incrementAndGet);
        for (long timeout : new long[] {0, -5}) {
            List<Future<Integer>> futures = view.invokeAll(tasks, timeout, TimeUnit.SECONDS);
            assertEquals(2, futures.size());
            assertTrue(futures.stream().allMatch(Future::isCancelled));
        }
        assertEquals(0, scheduler.status().submitted());
        assertEquals(0, ran.get());
    }

    /** Proves invokeAll refused part way by the bound throws RejectedTaskException and cancels what it submitted. */
    @Test
    void invokeAllRefusedPartWayCancelsWhatItSubmitted() throws Exception {
        try (Scheduler small = Scheduler.builder().maxConcurrent(1).maxQueueSize(2).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            SchedulerExecutorService v = small.asExecutorService(Priority.NORMAL);
            small.submit(TaskSpec.of("blocker", blocker));
            blocker.awaitStarted();
            AtomicInteger ran = new AtomicInteger();
            List<Callable<Integer>> tasks = List.of(ran::incrementAndGet, ran::incrementAndGet, ran::incrementAndGet);
            RejectedTaskException e = assertThrows(RejectedTaskException.class, () -> v.invokeAll(tasks));
            assertEquals(RejectionReason.QUEUE_FULL, e.reason());
            SchedulerStatus st = small.status();
            assertEquals(0, st.pending(), "the tasks submitted before the refusal were not cancelled");
            assertEquals(2, st.cancelled());
            assertEquals(RejectionReason.QUEUE_FULL,
                    assertThrows(RejectedTaskException.class, () -> v.invokeAny(tasks)).reason());
            blocker.release();
            v.shutdown();
            assertTrue(v.awaitTermination(LONG_MS, TimeUnit.MILLISECONDS));
            assertEquals(0, ran.get());
        }
    }

    // ---------------------------------------------------------------- interrupts

    /** Proves an interrupt of a thread waiting in invokeAll throws InterruptedException there and cancels the tasks. */
    @Test
    void anInterruptedInvokeAllThrowsAndCancels() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        List<Callable<String>> tasks = List.of(waitsForever(started), () -> "quick");
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Bounded.start("invokeAll-caller", () -> view.invokeAll(tasks), thrown);
        TestSupport.await(started, "the blocking task to start");
        caller.interrupt();
        Bounded.join(caller, "invokeAll", TestSupport.TIMEOUT);
        assertInstanceOf(InterruptedException.class, thrown.get());
        view.shutdown();
        assertTrue(view.awaitTermination(LONG_MS, TimeUnit.MILLISECONDS), "the blocking task was not cancelled");
        // the blocking task was cancelled; the quick one completed, or was cancelled if it had not yet
        SchedulerStatus st = TestSupport.quietStatus(scheduler);
        assertTrue(st.cancelled() >= 1, st::toString);
        assertEquals(2, st.completed() + st.cancelled(), st::toString);
    }

    /** Proves a timed invokeAll interrupted while it waits throws InterruptedException too. */
    @Test
    void anInterruptedTimedInvokeAllThrows() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        List<Callable<String>> tasks = List.of(waitsForever(started));
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        Thread caller = Bounded.start("timed-invokeAll-caller",
                () -> view.invokeAll(tasks, LONG_MS, TimeUnit.MILLISECONDS), thrown);
        TestSupport.await(started, "the blocking task to start");
        caller.interrupt();
        Bounded.join(caller, "timed invokeAll", TestSupport.TIMEOUT);
        assertInstanceOf(InterruptedException.class, thrown.get());
    }

    /** Proves an interrupt of a thread waiting in invokeAny, timed or not, throws InterruptedException. */
    @Test
    void anInterruptedInvokeAnyThrows() throws Exception {
        for (boolean timed : new boolean[] {false, true}) {
            CountDownLatch started = new CountDownLatch(1);
            List<Callable<String>> tasks = List.of(waitsForever(started));
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread caller = Bounded.start("invokeAny-caller", () -> {
                if (timed) {
                    view.invokeAny(tasks, LONG_MS, TimeUnit.MILLISECONDS);
                } else {
                    view.invokeAny(tasks);
                }
            }, thrown);
            TestSupport.await(started, "the blocking task to start");
            caller.interrupt();
            Bounded.join(caller, "invokeAny", TestSupport.TIMEOUT);
            assertInstanceOf(InterruptedException.class, thrown.get(), "timed=" + timed);
        }
    }

    /** Proves a thread already interrupted throws InterruptedException from invokeAll, Future.get and awaitTermination. */
    @Test
    void anAlreadyInterruptedCallerThrows() throws Exception {
        CountDownLatch started = new CountDownLatch(1);
        Future<String> blocked = view.submit(waitsForever(started));
        Thread.currentThread().interrupt();
        try {
            assertThrows(InterruptedException.class, () -> view.invokeAll(List.of(waitsForever(new CountDownLatch(1)))));
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, blocked::get);
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> blocked.get(LONG_MS, TimeUnit.MILLISECONDS));
            Thread.currentThread().interrupt();
            assertThrows(InterruptedException.class, () -> view.awaitTermination(LONG_MS, TimeUnit.MILLISECONDS));
        } finally {
            Thread.interrupted();
        }
    }

    // ---------------------------------------------------------------- after shutdown

    /** Proves that after shutdown every way in is refused with RejectedExecutionException (SHUTDOWN). */
    @Test
    void afterShutdownEverySubmitIsRejected() throws Exception {
        view.shutdown();
        assertTrue(view.isShutdown());
        assertTrue(view.isTerminated(), "a view with nothing in flight terminates at shutdown");
        assertTrue(view.awaitTermination(0, TimeUnit.MILLISECONDS));
        List<Callable<String>> tasks = List.of(() -> "x");
        List<Executable> calls = List.of(
                () -> view.execute(() -> { }),
                () -> view.submit(() -> { }),
                () -> view.submit(() -> { }, "r"),
                () -> view.submit(() -> "c"),
                () -> view.invokeAll(tasks),
                () -> view.invokeAll(tasks, 1, TimeUnit.SECONDS),
                () -> view.invokeAny(tasks),
                () -> view.invokeAny(tasks, 1, TimeUnit.SECONDS));
        for (Executable call : calls) {
            RejectedExecutionException e = assertThrows(RejectedExecutionException.class, call);
            assertEquals(RejectionReason.SHUTDOWN, assertInstanceOf(RejectedTaskException.class, e).reason());
        }
        assertEquals(0, scheduler.status().submitted());
        assertTrue(view.isTerminated());
    }

    /** Proves that after shutdownNow submits are refused too, and an idle view's shutdownNow returns nothing. */
    @Test
    void afterShutdownNowEverySubmitIsRejected() {
        assertTrue(view.shutdownNow().isEmpty());
        assertTrue(view.isShutdown());
        assertTrue(view.isTerminated());
        assertThrows(RejectedExecutionException.class, () -> view.execute(() -> { }));
        assertThrows(RejectedExecutionException.class, () -> view.submit(() -> "c"));
    }

    /** Proves shutdown and shutdownNow are idempotent and keep a terminated view terminated. */
    @Test
    void shutdownIsIdempotent() throws Exception {
        assertEquals("v", TestSupport.get(view.submit(() -> "v")));
        view.shutdown();
        view.shutdown();
        assertTrue(view.awaitTermination(LONG_MS, TimeUnit.MILLISECONDS));
        assertTrue(view.shutdownNow().isEmpty());
        view.close();
        assertTrue(view.isTerminated());
    }

    /** Proves awaitTermination returns false when the timeout passes first, also for a view never shut down. */
    @Test
    void awaitTerminationTimesOut() throws Exception {
        assertFalse(view.awaitTermination(0, TimeUnit.MILLISECONDS), "a running view is not terminated");
        assertFalse(view.awaitTermination(-1, TimeUnit.MILLISECONDS));
        CountDownLatch started = new CountDownLatch(1);
        view.submit(waitsForever(started));
        TestSupport.await(started, "the blocking task to start");
        view.shutdown();
        assertFalse(view.awaitTermination(10, TimeUnit.MILLISECONDS));
        assertFalse(view.isTerminated());
    }

    // ---------------------------------------------------------------- the Future contract

    /** Proves the Future contract on a pending task: after cancel it is done and cancelled, get throws, it never runs. */
    @Test
    void aCancelledFutureIsDoneAndCancelled() throws Exception {
        CountDownLatch started = new CountDownLatch(2);
        view.submit(waitsForever(started));
        view.submit(waitsForever(started));
        TestSupport.await(started, "both slots to be taken");
        AtomicInteger ran = new AtomicInteger();
        Future<Integer> pending = view.submit(ran::incrementAndGet);
        assertFalse(pending.isDone());
        assertFalse(pending.isCancelled());
        assertThrows(TimeoutException.class, () -> pending.get(1, TimeUnit.MILLISECONDS));
        assertTrue(pending.cancel(false));
        assertTrue(pending.isDone());
        assertTrue(pending.isCancelled());
        assertThrows(CancellationException.class, pending::get);
        assertThrows(CancellationException.class, () -> pending.get(1, TimeUnit.MILLISECONDS));
        assertFalse(pending.cancel(true));
        never.countDown();
        view.shutdown();
        assertTrue(view.awaitTermination(LONG_MS, TimeUnit.MILLISECONDS));
        assertEquals(0, ran.get());
    }

    /** Proves a completed future is done, not cancelled, and keeps its value. */
    @Test
    void aCompletedFutureKeepsItsValue() throws Exception {
        Future<String> f = view.submit(() -> "v");
        assertEquals("v", TestSupport.get(f));
        assertTrue(f.isDone());
        assertFalse(f.isCancelled());
        assertEquals("v", f.get(0, TimeUnit.MILLISECONDS));
    }
}
