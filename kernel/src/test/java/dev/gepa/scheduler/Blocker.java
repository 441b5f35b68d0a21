package dev.gepa.scheduler;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An evaluator that signals when it starts, then blocks until released or interrupted, and
 * records what happened to it. Closing it releases it.
 */
final class Blocker<T> implements Callable<T>, AutoCloseable {
    private final T value;
    private final CountDownLatch started = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);
    private volatile Thread thread;
    private volatile boolean interrupted;
    private final AtomicInteger calls = new AtomicInteger();

    Blocker(T value) {
        this.value = value;
    }

    @Override
    public T call() throws InterruptedException, TimeoutException {
        calls.incrementAndGet();
        thread = Thread.currentThread();
        started.countDown();
        try {
            if (!release.await(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new TimeoutException("blocker was never released");
            }
        } catch (InterruptedException e) {
            interrupted = true;
            throw e;
        }
        return value;
    }

    /** Waits until the evaluator has been invoked. */
    void awaitStarted() throws InterruptedException {
        TestSupport.await(started, "blocker '" + value + "' to start");
    }

    /** Returns whether the evaluator has been invoked. */
    boolean hasStarted() {
        return started.getCount() == 0;
    }

    /** Lets the evaluator return its value. */
    void release() {
        release.countDown();
    }

    /** Returns whether the evaluator saw an InterruptedException while it waited. */
    boolean wasInterrupted() {
        return interrupted;
    }

    /** Returns the thread that ran the evaluator, or null if it never ran. */
    Thread thread() {
        return thread;
    }

    /** Returns how many times the evaluator was invoked. */
    int calls() {
        return calls.get();
    }

    @Override
    public void close() {
        release();
    }
}
