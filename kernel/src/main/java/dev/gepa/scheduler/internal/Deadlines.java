package dev.gepa.scheduler.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Task deadlines: one thread per scheduler, started by the first task that has a timeout, that
 * times tasks out when their deadlines pass ({@link Task#timeOut()}). Tasks without a timeout
 * never reach this class.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>Hand-over. A task with a timeout gets its {@link Due} (its due time and a link) before it
 * is admitted, so that handing it over allocates nothing: an OutOfMemoryError cannot strike
 * between a task's publication and its deadline's. Submitters push their {@code Due}s onto a
 * Treiber stack ({@code handedOver}, one CAS); the deadline thread takes the whole stack at
 * once (one getAndSet), moves it into a binary heap ordered by due time, times out whatever is
 * due, and parks until the earliest due time. A {@code Due} is pushed once and the stack is
 * only ever taken whole, so there is no ABA. The thread unlinks each {@code Due} as it enters
 * the heap (a chain would keep finished tasks reachable from one distant deadline); one that
 * the heap cannot take (no memory to grow it) stays first of {@code unheaped}, the thread's own
 * chain, and is taken on the next pass: no deadline is lost.
 *
 * <p>A task that ends before its deadline stays in the heap until then (its time-out is then a
 * no-op); so that finished tasks cannot pile up, the heap is compacted (final tasks dropped,
 * one linear pass) whenever it holds more than {@code compactAbove}, twice the most tasks that
 * can be live at once. And since a thread that sleeps until an early deadline would not see
 * later ones arrive, a submitter whose push makes the stack deeper than {@code compactAbove}
 * (each {@code Due} records its depth) wakes it too, to take and compact: memory stays
 * O({@code maxQueueSize + maxConcurrent}) whatever the timeouts, at one linear pass per
 * {@code compactAbove} timed submits.
 *
 * <p>Wake-up protocol. {@code wakeAt} is AWAKE while the thread works, else the due time it
 * sleeps until (FOREVER with an empty heap). The thread publishes {@code wakeAt} (a volatile
 * store) and then checks {@code handedOver} (a volatile load) before it parks. A submitter
 * pushes (a CAS), then reads {@code wakeAt} (a volatile load after a full fence) and unparks
 * the thread only if the task is due before the thread means to wake. Either the thread sees
 * the task before it parks, or the submitter sees the sleep and its earlier deadline: no
 * deadline is missed, and a submitter whose task is due later than the next wake-up (the
 * common case) unparks nobody.
 *
 * <p>Callbacks of a timed-out task's future run on the deadline thread, as a canceller runs
 * those of the task it cancels: a callback that blocks delays later deadlines (use the
 * {@code ...Async} variants for blocking work). A throwable from a time-out goes to the
 * thread's uncaught-exception handler and the loop goes on.
 */
final class Deadlines implements Runnable {
    private static final long AWAKE = Long.MIN_VALUE;
    private static final long FOREVER = Long.MAX_VALUE;

    /** The thread is not started (or its start failed). */
    private static final int NEW = 0;
    /** A submitter is starting it. */
    private static final int STARTING = 1;
    /** It runs. */
    private static final int STARTED = 2;

    private static final VarHandle WAKE_AT;
    private static final VarHandle START_STATE;
    private static final VarHandle HANDED_OVER;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WAKE_AT = l.findVarHandle(Deadlines.class, "wakeAt", long.class);
            START_STATE = l.findVarHandle(Deadlines.class, "startState", int.class);
            HANDED_OVER = l.findVarHandle(Deadlines.class, "handedOver", Due.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String threadName;
    private final int compactAbove;
    /** The top of the stack of deadlines handed over and not yet taken; null when empty. */
    private volatile Due handedOver;
    /** The deadline thread's alone: deadlines taken from the stack and not yet in the heap. */
    private Due unheaped;
    /** The deadline thread's alone. */
    private final PriorityQueue<Due> heap = new PriorityQueue<>(new ByDueTime());
    private volatile int startState; // NEW
    private volatile Thread thread;
    private volatile long wakeAt = AWAKE;
    private volatile boolean stopped;

    /**
     * @param threadName the deadline thread's name
     * @param liveTasks  the most tasks that can be live at once (pending plus running)
     */
    Deadlines(String threadName, int liveTasks) {
        this.threadName = threadName;
        this.compactAbove = Math.max(64, 2 * liveTasks);
        casHandedOver(null, null); // links the push's call site now (see casHandedOver)
    }

    /**
     * Starts the deadline thread unless it runs: called before a task with a timeout is
     * admitted, so that a thread that cannot be made refuses the submit rather than lose a
     * deadline.
     */
    void ensureStarted() {
        for (int spins = 0; ; spins++) {
            int state = startState;
            if (state == STARTED) {
                return;
            }
            if (state == NEW && START_STATE.compareAndSet(this, NEW, STARTING)) {
                boolean running = false;
                try {
                    // no inherited thread-locals: user callbacks run here, not the submitter's
                    Thread t = new Thread(null, this, threadName, 0, false);
                    t.setDaemon(true);
                    thread = t;
                    t.start();
                    running = true;
                } finally {
                    startState = running ? STARTED : NEW; // a failed start: the next one tries again
                }
                return;
            }
            // another submitter is starting it: until it has, no deadline may be handed over
            if (spins < 1024) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
    }

    /**
     * A task's deadline, made before the task is admitted: all that handing it over needs. Its
     * link and depth are written by the submitter that pushes it, before the push, and read by
     * the deadline thread after it takes the stack.
     */
    static final class Due {
        final Task<?> task;
        /** When the task's deadline passes ({@link System#nanoTime()}). */
        final long dueNanos;
        /** The next deadline down the stack, then the next unheaped one; null once in the heap. */
        Due next;
        /** This one's place from the bottom of the stack when it was pushed, 1 for the bottom. */
        int depth;

        Due(Task<?> task, long dueNanos) {
            this.task = task;
            this.dueNanos = dueNanos;
        }
    }

    /** Hands over a published task's deadline (see the notes); allocates nothing. */
    void add(Due due) {
        Due top;
        do {
            top = handedOver;
            due.next = top;
            due.depth = top == null ? 1 : top.depth + 1;
        } while (!casHandedOver(top, due));
        VarHandle.fullFence(); // pairs with the thread's store of wakeAt before its check
        long w = wakeAt;
        if (w != AWAKE && (w == FOREVER || due.dueNanos - w < 0 || due.depth > compactAbove)) {
            LockSupport.unpark(thread);
        }
    }

    /**
     * The push's one call site of {@code HANDED_OVER}: linking a call site allocates, so the
     * constructor links it, and a push that follows a task's publication cannot fail for it.
     */
    private boolean casHandedOver(Due expected, Due pushed) {
        return HANDED_OVER.compareAndSet(this, expected, pushed);
    }

    /** Deadlines held here, handed over or in the heap; racy, for tests of the memory bound. */
    int heldForTest() {
        Due top = handedOver;
        return (top == null ? 0 : top.depth) + heap.size();
    }

    /**
     * Moves the deadlines handed over into the heap: the thread's unheaped chain if one was left
     * by a heap that could not grow, else the whole stack. A {@code Due} leaves the chain only
     * once the heap holds it, so an OutOfMemoryError loses none.
     */
    void takeHandedOver() { // the deadline thread's; package-private for jcstress DeadlineHandOver
        Due d = unheaped;
        if (d == null) {
            d = (Due) HANDED_OVER.getAndSet(this, null);
        }
        while (d != null) {
            unheaped = d;
            heap.add(d); // may throw, having added nothing: d stays first of unheaped
            Due rest = d.next;
            d.next = null; // the heap holds d alone: a chain would keep finished tasks reachable
            d = rest;
        }
        unheaped = null;
    }

    /** At termination: the thread exits. */
    void stop() {
        stopped = true;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    /** Earliest deadline first; wrap-safe, as due times are {@link System#nanoTime()} values. */
    private static final class ByDueTime implements Comparator<Due> {
        @Override
        public int compare(Due a, Due b) {
            return Long.signum(a.dueNanos - b.dueNanos);
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            try {
                takeHandedOver();
                long now = System.nanoTime();
                Due first;
                while ((first = heap.peek()) != null && first.dueNanos - now <= 0) {
                    first.task.timeOut(); // then removed: one that threw (no memory) is tried again
                    heap.poll();
                }
                if (heap.size() > compactAbove) {
                    heap.removeIf(d -> d.task.isFinal());
                }
                first = heap.peek();
                long due = first == null ? FOREVER : first.dueNanos;
                WAKE_AT.setVolatile(this, due);
                Thread.interrupted(); // a callback may have left it set: park would not park
                if (handedOver == null && unheaped == null && !stopped) {
                    if (due == FOREVER) {
                        LockSupport.park(this);
                    } else {
                        LockSupport.parkNanos(this, due - System.nanoTime());
                    }
                }
                wakeAt = AWAKE;
            } catch (Throwable t) {
                wakeAt = AWAKE;
                Thread me = Thread.currentThread();
                try {
                    me.getUncaughtExceptionHandler().uncaughtException(me, t);
                } catch (Throwable ignored) {
                    // the handler failed too (the default one allocates to print): nothing more
                    // can be reported, and the loop goes on, or no deadline would pass again
                }
            }
        }
    }
}
