package dev.gepa.scheduler;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A one-shot gate that evaluators wait on, with a count of evaluators that reached it. Closing it
 * opens it, so a try-with-resources that declares it after the scheduler frees every blocked
 * evaluator before the scheduler's close waits for them, even when an assertion failed.
 */
final class Gate implements AutoCloseable {
    private final CountDownLatch open = new CountDownLatch(1);
    private final CountDownLatch arrived;

    /** A gate that expects one evaluator. */
    Gate() {
        this(1);
    }

    /** A gate that expects {@code parties} evaluators to arrive. */
    Gate(int parties) {
        this.arrived = new CountDownLatch(parties);
    }

    /** Called by an evaluator: records its arrival, then waits for the gate to open. */
    void pass() throws InterruptedException, TimeoutException {
        arrived.countDown();
        if (!open.await(TestSupport.TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("gate was never opened");
        }
    }

    /** Waits until every expected evaluator has arrived: they are all running now. */
    void awaitArrivals() throws InterruptedException {
        TestSupport.await(arrived, "evaluators to reach the gate");
    }

    /** Opens the gate. */
    void open() {
        open.countDown();
    }

    @Override
    public void close() {
        open();
    }
}
