package dev.gepa.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.fail;

/** Bounded waits shared by the tests: every wait fails after {@link #TIMEOUT} instead of hanging. */
final class TestSupport {
    /** How long any single wait may take before the test fails. */
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private TestSupport() { }

    /** Waits for {@code latch}, failing the test if it does not open in time. */
    static void await(CountDownLatch latch, String what) throws InterruptedException {
        if (!latch.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            fail("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + what
                    + " (count left " + latch.getCount() + ")");
        }
    }

    /** Waits at {@code barrier}, failing the test if the other parties do not arrive in time. */
    static void await(CyclicBarrier barrier) throws Exception {
        barrier.await(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Returns the future's value, failing the test if it does not complete in time. */
    static <T> T get(Future<T> future) throws InterruptedException, ExecutionException {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return fail("timed out after " + TIMEOUT.toSeconds() + " s waiting for " + future);
        }
    }

    /** Returns the handle's value, failing the test if it does not complete in time. */
    static <T> T get(TaskHandle<T> handle) throws InterruptedException, ExecutionException {
        return get(handle.future());
    }

    /** Polls {@code condition} without sleeping until it holds, failing the test if it never does. */
    static void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + TIMEOUT.toSeconds() + " s waiting until " + what);
            }
            Thread.yield();
        }
    }

    /**
     * Waits until the scheduler is quiet (nothing pending or running) and returns a status read
     * after that, whose counters are then exact. Call it only once every task submitted so far is
     * known to be final (its future or state seen done): a task claimed for a carrier that has not
     * picked it up yet is neither pending nor running, so 0/0 alone is not quiescence. And a
     * finished handle alone is not enough either: its state and future may turn final a moment
     * before the carrier has counted it and left the slot.
     */
    static SchedulerStatus quietStatus(Scheduler s) {
        awaitCondition("the scheduler is quiet", () -> {
            SchedulerStatus st = s.status();
            return st.running() == 0 && st.pending() == 0;
        });
        return s.status();
    }

    /** Lets at least {@code millis} of wall time pass by waiting on a latch no one opens. */
    static long elapseAtLeast(long millis) throws InterruptedException {
        long t0 = System.nanoTime();
        CountDownLatch never = new CountDownLatch(1);
        long left;
        while ((left = TimeUnit.MILLISECONDS.toNanos(millis) - (System.nanoTime() - t0)) > 0) {
            never.await(left, TimeUnit.NANOSECONDS);
        }
        return System.nanoTime() - t0;
    }

    /** What each of the threads started by {@link #runInParallel} runs. */
    interface ThreadBody {
        void run(int index) throws Exception;
    }

    /**
     * Starts {@code threads} threads named {@code name-i} that wait for each other at a barrier,
     * then run {@code body.run(i)}; joins them all within {@code limit}, and fails the test with
     * the first throwable any of them threw (the others attached as suppressed).
     */
    static void runInParallel(String name, int threads, Duration limit, ThreadBody body) throws InterruptedException {
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Throwable> errors = new CopyOnWriteArrayList<>();
        List<Thread> started = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            int index = i;
            Thread t = new Thread(() -> {
                try {
                    await(start);
                    body.run(index);
                } catch (Throwable e) {
                    errors.add(e);
                }
            }, name + "-" + i);
            started.add(t);
            t.start();
        }
        long deadline = System.nanoTime() + limit.toNanos();
        for (Thread t : started) {
            t.join(Math.max(1L, (deadline - System.nanoTime()) / 1_000_000L));
            if (t.isAlive()) {
                fail(t.getName() + " did not finish within " + limit);
            }
        }
        if (!errors.isEmpty()) {
            AssertionError failure = new AssertionError(name + " thread failed: " + errors.get(0), errors.get(0));
            errors.subList(1, errors.size()).forEach(failure::addSuppressed);
            throw failure;
        }
    }

    /** Throws any throwable, checked or not, from a context that declares none. */
    @SuppressWarnings("unchecked")
    static <E extends Throwable> RuntimeException sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }
}
