package dev.gepa.scheduler;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A thread factory that remembers every carrier it made and every throwable that escaped one, so
 * tests can watch carrier states and prove no carrier died or outlived its scheduler.
 */
final class CarrierThreads implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private final Queue<Throwable> uncaught = new ConcurrentLinkedQueue<>();

    CarrierThreads(String prefix) {
        this.prefix = prefix;
    }

    @Override
    public Thread newThread(Runnable r) {
        Thread t = new Thread(r, prefix + "-" + count.getAndIncrement());
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((th, e) -> uncaught.add(e));
        threads.add(t);
        return t;
    }

    /** Returns the carriers made so far. */
    List<Thread> threads() {
        return List.copyOf(threads);
    }

    /** Returns whether {@code t} is one of these carriers. */
    boolean contains(Thread t) {
        return threads.contains(t);
    }

    /** Returns the throwables that escaped a carrier's run method. */
    List<Throwable> uncaught() {
        return List.copyOf(uncaught);
    }

    /** Waits, without sleeping, until every carrier is parked (Thread.State.WAITING). */
    void awaitAllWaiting() {
        TestSupport.awaitCondition("every carrier of " + prefix + " is WAITING", () -> {
            for (Thread t : threads) {
                if (t.getState() != Thread.State.WAITING) {
                    return false;
                }
            }
            return !threads.isEmpty();
        });
    }

    /** Joins every carrier with the standard timeout and asserts that none is alive. */
    void assertAllEnded() throws InterruptedException {
        long deadline = System.nanoTime() + TestSupport.TIMEOUT.toNanos();
        for (Thread t : threads) {
            long left = Math.max(1L, (deadline - System.nanoTime()) / 1_000_000L);
            t.join(left);
            assertFalse(t.isAlive(), () -> t.getName() + " is still alive: " + t.getState());
        }
    }
}
