package dev.gepa.scheduler;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Runs a step on a daemon thread of its own and fails the test if it does not end in time, so a
 * step that may deadlock (a close() from a callback, a cancel that spins) turns into a failure
 * with a message instead of a hung build. A step still stuck when the test fails stays behind as
 * a daemon thread; the message says which.
 */
final class Bounded {
    /** What a bounded step runs. */
    interface Step {
        void run() throws Throwable;
    }

    private Bounded() { }

    /** Starts {@code step} on a new daemon thread named {@code name}; returns the thread. */
    static Thread start(String name, Step step, AtomicReference<Throwable> error) {
        Thread t = new Thread(() -> {
            try {
                step.run();
            } catch (Throwable e) {
                error.compareAndSet(null, e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Runs {@code step} on its own thread; fails if it takes longer than {@code limit} or throws. */
    static void run(String what, Duration limit, Step step) throws InterruptedException {
        AtomicReference<Throwable> error = new AtomicReference<>();
        Thread t = start("bounded-" + what, step, error);
        join(t, what, limit);
        Throwable e = error.get();
        if (e != null) {
            throw new AssertionError(what + " threw " + e, e);
        }
    }

    /** Joins {@code t}; fails naming {@code what} and the thread's stack if it is still alive. */
    static void join(Thread t, String what, Duration limit) throws InterruptedException {
        t.join(Math.max(1L, limit.toMillis()));
        if (t.isAlive()) {
            StringBuilder stack = new StringBuilder();
            for (StackTraceElement e : t.getStackTrace()) {
                stack.append("\n\tat ").append(e);
            }
            fail(what + " did not return within " + limit.toSeconds() + " s (deadlock or wedge); "
                    + t.getName() + " is " + t.getState() + ":" + stack);
        }
    }

    /**
     * Closes {@code s} within {@code limit}, or fails; on failure shuts it down hard so that the
     * rest of the suite is not held up by its carriers.
     */
    static void close(Scheduler s, Duration limit) throws InterruptedException {
        try {
            run("close()", limit, s::close);
        } catch (AssertionError e) {
            s.shutdownNow();
            throw e;
        }
    }
}
