package dev.gepa.scheduler.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The fixed pool of carriers: starting them, the set of idle ones, waking them, and counting
 * them out at termination.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The idle set is a bitmap, one bit per carrier, 64 to a word; each word sits on a cache line
 * of its own. Only a carrier sets or clears its own bit ({@link Carrier}); its {@code parkState}
 * is the truth and the bit a hint, so a waker that finds a bit whose carrier is no longer IDLE
 * moves on to the next bit.
 *
 * <p>Wake-up economy ({@link #signalWork()}): wake one idle carrier only if none is spinning.
 * A spinner will take the task; any carrier that claims a task while more are queued signals
 * again, so a burst fans out over the idle carriers without a wake-up per task while carriers
 * keep up, and a submitter pays at most one unpark per submit. At most one carrier spins, and
 * only while fewer carriers are busy than there are processors.
 *
 * <p>Start. Every carrier thread must check in (enter its {@code run()}) before {@code build()}
 * returns; a thread that ends without checking in, or does not check in within
 * {@value #CHECK_IN_SECONDS} s, fails the build with a clear error and the scheduler is taken
 * down. A factory that starts the thread itself is tolerated (the thread is not started twice).
 * So {@code live}, the count that termination waits for, counts exactly the threads that run.
 */
final class CarrierPool {
    /** How long {@code build()} waits for a carrier thread to start running its task. */
    static final long CHECK_IN_SECONDS = 10;
    private static final int WORD_STRIDE = 8; // longs per idle word: one cache line each
    private static final int PROCESSORS = Runtime.getRuntime().availableProcessors();
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(long[].class);

    final Carrier[] carriers;
    /** The idle set; accessed through {@link #WORD}. */
    private final long[] idleWords;
    private final int words;
    /** Carriers in the idle set; kept only when the set has more than one word. */
    private final AtomicInteger idleCount = new AtomicInteger();
    private final AtomicInteger spinning = new AtomicInteger();
    private final AtomicInteger checkedIn = new AtomicInteger();
    private final AtomicInteger live = new AtomicInteger();
    private final java.util.concurrent.atomic.AtomicBoolean wokeAllAtEnd = new java.util.concurrent.atomic.AtomicBoolean();
    private final Runnable onTerminated;
    private volatile Thread builder;

    CarrierPool(SchedulerCore core, int size, Runnable onTerminated) {
        this.carriers = new Carrier[size];
        for (int i = 0; i < size; i++) {
            carriers[i] = new Carrier(core, this, i);
        }
        this.words = (size + 63) >>> 6;
        this.idleWords = new long[words * WORD_STRIDE];
        this.onTerminated = onTerminated;
    }

    // ------------------------------------------------------------------ start and exit

    /**
     * Creates and starts every carrier thread and waits until each has checked in.
     *
     * @throws IllegalStateException if the factory returns null, throws a checked exception, or
     *                               a thread does not run its carrier; the factory's unchecked
     *                               exceptions and errors are rethrown as they are
     */
    void start(ThreadFactory factory) {
        Thread[] threads = new Thread[carriers.length];
        live.set(carriers.length);
        for (int i = 0; i < carriers.length; i++) {
            Thread t;
            try {
                t = factory.newThread(carriers[i]);
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Throwable checked) { // thrown sneakily
                throw new IllegalStateException("threadFactory threw for carrier " + i + ": " + checked, checked);
            }
            if (t == null) {
                throw new IllegalStateException("threadFactory returned null for carrier " + i);
            }
            threads[i] = t;
        }
        builder = Thread.currentThread();
        try {
            for (Thread t : threads) {
                if (t.getState() == Thread.State.NEW) { // a factory may have started it itself
                    t.start();
                }
            }
            awaitCheckIn(threads);
        } finally {
            builder = null;
        }
    }

    private void awaitCheckIn(Thread[] threads) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(CHECK_IN_SECONDS);
        while (checkedIn.get() < carriers.length) {
            for (int i = 0; i < carriers.length; i++) {
                if (carriers[i].thread == null && threads[i].getState() == Thread.State.TERMINATED
                        && carriers[i].thread == null) {
                    throw new IllegalStateException("the thread threadFactory returned for carrier " + i
                            + " ended without running it (" + threads[i] + ")");
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0L) {
                throw new IllegalStateException("a carrier thread from threadFactory did not start within "
                        + CHECK_IN_SECONDS + " s: it must run the Runnable it was given");
            }
            LockSupport.parkNanos(this, Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)));
        }
    }

    /**
     * Called by a build that failed after {@link #start} began: the threads that never ran are
     * counted out, and those that did exit once the scheduler (already shut down) is quiet.
     */
    void abandonStart() {
        int neverRan = carriers.length - checkedIn.get();
        if (neverRan > 0 && live.addAndGet(-neverRan) == 0) {
            onTerminated.run();
        }
        wakeAll();
    }

    void checkIn(Carrier carrier) {
        carrier.thread = Thread.currentThread();
        checkedIn.incrementAndGet();
        Thread b = builder;
        if (b != null) {
            LockSupport.unpark(b);
        }
    }

    void onExit() {
        if (live.decrementAndGet() == 0) {
            onTerminated.run();
        }
    }

    boolean isCarrierThread(Thread thread) {
        for (Carrier c : carriers) {
            if (c.thread == thread) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ idle set and wake-ups

    void markIdle(int index) {
        if (words > 1) {
            idleCount.incrementAndGet();
        }
        WORD.getAndBitwiseOr(idleWords, (index >>> 6) * WORD_STRIDE, 1L << index); // full fence
    }

    void clearIdle(int index) {
        WORD.getAndBitwiseAnd(idleWords, (index >>> 6) * WORD_STRIDE, ~(1L << index));
        if (words > 1) {
            idleCount.decrementAndGet();
        }
    }

    private long lvWord(int w) {
        return (long) WORD.getVolatile(idleWords, w * WORD_STRIDE);
    }

    /** Whether some carrier is idle: one read on the submit path. */
    boolean hasIdle() {
        return words == 1 ? lvWord(0) != 0L : idleCount.get() > 0;
    }

    /**
     * Called after a task was published (and a fence): wakes one idle carrier unless a carrier
     * is spinning (it will take the task).
     */
    void signalWork() {
        if (spinning.get() == 0) {
            wakeOne();
        }
    }

    /** Wakes one idle carrier, if there is one. */
    void wakeOne() {
        for (int w = 0; w < words; w++) {
            long bits = lvWord(w);
            while (bits != 0L) {
                int bit = Long.numberOfTrailingZeros(bits);
                if (carriers[(w << 6) + bit].tryWake()) {
                    return;
                }
                bits &= bits - 1; // that carrier was already leaving idle: try the next
            }
        }
    }

    /** {@link #wakeAll()} the first time only: carriers exiting at a quiet shutdown. */
    void wakeAllOnce() {
        if (!wokeAllAtEnd.get() && wokeAllAtEnd.compareAndSet(false, true)) {
            wakeAll();
        }
    }

    /** Unparks every carrier, so that each re-reads the scheduler's state (shutdown). */
    void wakeAll() {
        for (Carrier c : carriers) {
            c.nudge();
        }
    }

    /** Becomes the spinner if none spins and fewer carriers are busy than processors. */
    boolean tryStartSpinning() {
        if (spinning.get() != 0 || busyCarriers() >= PROCESSORS) {
            return false;
        }
        return spinning.compareAndSet(0, 1);
    }

    void stopSpinning() {
        spinning.set(0);
    }

    /** Carriers not in the idle set, the caller included. */
    private int busyCarriers() {
        int idle = 0;
        for (int w = 0; w < words; w++) {
            idle += Long.bitCount(lvWord(w));
        }
        return carriers.length - idle;
    }
}
