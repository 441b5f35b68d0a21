package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A misbehaving thread factory (issue 7, item 8): one that throws (also a checked exception,
 * sneakily), returns null, returns a thread that dies without running its Runnable, or returns
 * the same thread twice. {@code build()} then fails with a clear error naming the problem, leaves
 * the name free and no carrier running, and never lets a raw {@link IllegalThreadStateException}
 * out; a factory that starts its threads itself is tolerated, and that scheduler works and
 * terminates.
 */
@Timeout(60)
class ThreadFactoryMisbehaviourTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** Records the threads it made that ran a carrier, so none may outlive a failed build. */
    private static final class Recording implements ThreadFactory {
        final List<Thread> made = new CopyOnWriteArrayList<>();
        final ThreadFactory misbehaviour;
        final int goodOnes;
        final AtomicInteger calls = new AtomicInteger();

        Recording(int goodOnes, ThreadFactory misbehaviour) {
            this.goodOnes = goodOnes;
            this.misbehaviour = misbehaviour;
        }

        @Override
        public Thread newThread(Runnable r) {
            if (calls.getAndIncrement() < goodOnes) {
                Thread t = new Thread(r, "tf-good-" + calls.get());
                t.setDaemon(true);
                made.add(t);
                return t;
            }
            Thread t = misbehaviour.newThread(r);
            if (t != null) {
                made.add(t);
            }
            return t;
        }

        void assertNoneLeft() throws InterruptedException {
            for (Thread t : made) {
                t.join(BOUND.toMillis());
                assertFalse(t.isAlive(), () -> t.getName() + " outlived the failed build: " + t.getState());
            }
        }
    }

    /** Builds with the factory and asserts a clear failure that leaks nothing. */
    private static Throwable assertBuildFails(Recording factory, String expectedWords) throws Exception {
        String name = "tf-" + NAMES.incrementAndGet();
        Throwable thrown = assertThrows(Throwable.class,
                () -> Scheduler.builder().name(name).maxConcurrent(3).threadFactory(factory).build());
        assertFalse(thrown instanceof IllegalThreadStateException, () -> "a raw " + thrown + " escaped build()");
        String m = String.valueOf(thrown.getMessage());
        assertTrue(m.contains(expectedWords), () -> "the error does not name the problem ('" + expectedWords + "'): " + thrown);
        assertTrue(Schedulers.lookup(name).isEmpty(), "the failed scheduler's name is still registered");
        factory.assertNoneLeft();
        // the name is free again: a good build under it works
        Scheduler again = Scheduler.builder().name(name).maxConcurrent(1).build();
        assertEquals(Integer.valueOf(7), TestSupport.get(again.submit(TaskSpec.of("x", () -> 7))));
        Bounded.close(again, BOUND);
        return thrown;
    }

    /** Proves a factory that throws a runtime exception fails the build with that exception. */
    @Test
    void factoryThatThrows() throws Exception {
        Throwable t = assertBuildFails(new Recording(1, r -> {
            throw new IllegalArgumentException("no threads today");
        }), "no threads today");
        assertTrue(t instanceof IllegalArgumentException, () -> "rethrown as " + t);
    }

    /** Proves a factory that throws a checked exception sneakily fails the build with a clear error. */
    @Test
    void factoryThatThrowsACheckedExceptionSneakily() throws Exception {
        assertBuildFails(new Recording(2, r -> {
            throw TestSupport.<RuntimeException>sneakyThrow(new java.io.IOException("disk on fire"));
        }), "disk on fire");
    }

    /** Proves a factory that returns null fails the build, naming the null. */
    @Test
    void factoryThatReturnsNull() throws Exception {
        assertBuildFails(new Recording(1, r -> null), "null");
    }

    /** Proves a thread that ends without running its Runnable fails the build, and the started carriers end. */
    @Test
    void factoryWhoseThreadDiesWithoutRunningTheCarrier() throws Exception {
        assertBuildFails(new Recording(1, r -> new Thread(() -> {
            throw new IllegalStateException("dies at once");
        })), "without running");
    }

    /**
     * Proves a factory that returns the same thread twice gets a clear error (the thread can run
     * one carrier only), not a raw IllegalThreadStateException; this one waits out the kernel's
     * check-in time.
     */
    @Test
    void factoryThatReturnsTheSameThreadTwice() throws Exception {
        Thread[] first = new Thread[1];
        assertBuildFails(new Recording(0, r -> {
            if (first[0] == null) {
                first[0] = new Thread(r, "tf-twice");
                first[0].setDaemon(true);
            }
            return first[0];
        }), "carrier");
    }

    /** Proves a factory that starts its threads itself gives a scheduler that works and terminates. */
    @Test
    void factoryThatStartsItsThreads() throws Exception {
        Recording factory = new Recording(0, r -> {
            Thread t = new Thread(r, "tf-started");
            t.setDaemon(true);
            t.start();
            return t;
        });
        Scheduler s;
        try {
            s = Scheduler.builder().maxConcurrent(3).threadFactory(factory).build();
        } catch (IllegalThreadStateException e) {
            fail("a raw IllegalThreadStateException escaped build(): " + e);
            return;
        }
        assertEquals(Integer.valueOf(3), TestSupport.get(s.submit(TaskSpec.of("x", () -> 3))));
        Bounded.close(s, BOUND);
        factory.assertNoneLeft();
    }
}
