package dev.gepa.scheduler.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Submitters waiting for room in the admission bound ({@code submit(spec, maxWait)}), and the
 * wake-ups that let them in.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Waiters queue in arrival order in a lock-free {@link ConcurrentLinkedQueue}. Only the
 * waiter at the head tries admission; the others park until they reach the head. So waiters
 * are served in arrival order among themselves. A plain {@code submit} that finds room takes it
 * without looking here (it pays nothing for this class), so a freed place may go to it rather
 * than to the head waiter, which then parks again: no waiter is overtaken by another waiter,
 * and each is bounded by its own deadline.
 *
 * <p>Wake-up protocol (no lost wake-up, no polling). A waiter joins the queue, then counts
 * itself in {@code waiting} (an atomic add: a full fence), then tries admission, which reads
 * the counters that freeing a place advances. Whoever frees a place (a claim, a pending
 * cancel, an undone admission) advances its counter, passes a full fence (the role's release,
 * the cancel count's atomic add), then reads {@code waiting}: if it is non-zero it unparks the
 * head waiter. Either the waiter's attempt sees the freed place, or the freer sees the waiter
 * and unparks it; an unpark before the park leaves a permit, so the park returns at once.
 *
 * <p>A waiter that leaves (admitted, timed out, interrupted, or refused for shutdown) unparks
 * whoever is then at the head, which tries in its turn: several places freed at once are taken
 * one waiter after the other. Every leaver unparks, not only a head: a waiter second in line
 * that leaves just as the head does would otherwise take the head's wake-up with it. Shutdown unparks every waiter; each sees SHUTDOWN in its attempt.
 * The freers' cost when nobody waits is one volatile read of a line only waiters write.
 */
final class WaitingRoom extends WaitingRoomPad1 {
    private final ConcurrentLinkedQueue<Thread> queue;

    WaitingRoom() {
        this(new ConcurrentLinkedQueue<>());
    }

    /** With the queue of threads given: for tests that must hold a waiter inside it. */
    WaitingRoom(ConcurrentLinkedQueue<Thread> queue) {
        this.queue = queue;
    }

    /** What one admission attempt of a waiter found. */
    interface Attempt<R> {
        /**
         * Tries admission once.
         *
         * @return the result once admitted, or null if the bound is full
         * @throws RuntimeException to end the wait (shutdown)
         */
        R tryOnce();
    }

    /**
     * Waits in arrival order until {@code attempt} admits, the deadline passes, or the thread is
     * interrupted; only the head of the queue attempts.
     *
     * @param deadline {@link System#nanoTime()} after which the wait ends
     * @return the attempt's result, or null at the deadline
     * @throws InterruptedException if interrupted before admission (nothing admitted)
     */
    <R> R await(Attempt<R> attempt, long deadline) throws InterruptedException {
        Thread me = Thread.currentThread();
        queue.add(me);
        incrementWaiting();
        try {
            for (;;) {
                if (Thread.interrupted()) {
                    throw new InterruptedException("interrupted while waiting for room in the queue");
                }
                if (queue.peek() == me) {
                    R admitted = attempt.tryOnce();
                    if (admitted != null) {
                        return admitted;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0L) {
                    return null;
                }
                LockSupport.parkNanos(this, left);
            }
        } finally {
            decrementWaiting();
            queue.remove(me);
            // always: had it been second in line when the head left, the head's wake-up went to
            // it, and the one now at the head would sleep past a free place
            wakeHead();
        }
    }

    /** After a place was freed (and a full fence): lets the head waiter try, if any waits. */
    void signalIfWaiting() {
        if (lvWaiting() != 0) {
            wakeHead();
        }
    }

    /** At shutdown: every waiter attempts again and finds SHUTDOWN. */
    void wakeAll() {
        if (lvWaiting() != 0) {
            for (Thread t : queue) {
                LockSupport.unpark(t);
            }
        }
    }

    private void wakeHead() {
        Thread head = queue.peek();
        if (head != null) {
            LockSupport.unpark(head);
        }
    }
}

/* Padding: the waiter count is read on every claim and written only by waiters. */
abstract class WaitingRoomPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

abstract class WaitingRoomCount extends WaitingRoomPad0 {
    private static final VarHandle WAITING;

    static {
        try {
            WAITING = MethodHandles.lookup().findVarHandle(WaitingRoomCount.class, "waiting", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Threads inside {@code await}. */
    private volatile int waiting;

    final int lvWaiting() {
        return waiting;
    }

    final void incrementWaiting() {
        WAITING.getAndAdd(this, 1);
    }

    final void decrementWaiting() {
        WAITING.getAndAdd(this, -1);
    }
}

abstract class WaitingRoomPad1 extends WaitingRoomCount {
    long p10, p11, p12, p13, p14, p15, p16, p17;
    long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}
