package dev.gepa.scheduler.internal;

import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

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
 * <p>Submitters hand tasks over through an MPSC queue ({@code incoming}); the deadline thread
 * alone moves them into a binary heap ordered by due time, times out whatever is due, and parks
 * until the earliest due time. A task that ends before its deadline stays in the heap until
 * then (its time-out is then a no-op); so that finished tasks cannot pile up, the heap is
 * compacted (final tasks dropped, one linear pass) whenever it holds more than
 * {@code compactAbove}, twice the most tasks that can be live at once. And since a thread that
 * sleeps until an early deadline would not see later ones arrive, a submitter that finds
 * {@code incoming} longer than {@code compactAbove} wakes it too, to drain and compact: memory
 * stays O({@code maxQueueSize + maxConcurrent}) whatever the timeouts, at one linear pass per
 * {@code compactAbove} timed submits.
 *
 * <p>Wake-up protocol. {@code wakeAt} is AWAKE while the thread works, else the due time it
 * sleeps until (FOREVER with an empty heap). The thread publishes {@code wakeAt} (a volatile
 * store) and then checks {@code incoming} (a volatile load of its producer index) before it
 * parks. A submitter offers its task (an atomic add on that index), then reads {@code wakeAt}
 * (a volatile load after a full fence) and unparks the thread only if the task is due before
 * the thread means to wake. Either the thread sees the task before it parks, or the submitter
 * sees the sleep and its earlier deadline: no deadline is missed, and a submitter whose task is
 * due later than the next wake-up (the common case) unparks nobody.
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

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WAKE_AT = l.findVarHandle(Deadlines.class, "wakeAt", long.class);
            START_STATE = l.findVarHandle(Deadlines.class, "startState", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final String threadName;
    private final int compactAbove;
    private final MessagePassingQueue<Task<?>> incoming = new MpscUnboundedXaddArrayQueue<>(64, 2);
    /** The deadline thread's alone. */
    private final PriorityQueue<Task<?>> heap = new PriorityQueue<>(new ByDueTime());
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

    /** Hands over a published task whose spec has a timeout; see the notes. */
    void add(Task<?> task) {
        incoming.offer(task);
        VarHandle.fullFence(); // pairs with the thread's store of wakeAt before its check
        long w = wakeAt;
        if (w != AWAKE && (w == FOREVER || task.dueNanos - w < 0 || incoming.size() > compactAbove)) {
            LockSupport.unpark(thread);
        }
    }

    /** Tasks held here, handed over or in the heap; racy, for tests of the memory bound. */
    int heldForTest() {
        return incoming.size() + heap.size();
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
    private static final class ByDueTime implements Comparator<Task<?>> {
        @Override
        public int compare(Task<?> a, Task<?> b) {
            return Long.signum(a.dueNanos - b.dueNanos);
        }
    }

    @Override
    public void run() {
        while (!stopped) {
            try {
                incoming.drain(heap::add);
                long now = System.nanoTime();
                Task<?> first;
                while ((first = heap.peek()) != null && first.dueNanos - now <= 0) {
                    first.timeOut(); // then removed: one that threw (no memory) is tried again
                    heap.poll();
                }
                if (heap.size() > compactAbove) {
                    heap.removeIf(Task::isFinal);
                }
                first = heap.peek();
                long due = first == null ? FOREVER : first.dueNanos;
                WAKE_AT.setVolatile(this, due);
                Thread.interrupted(); // a callback may have left it set: park would not park
                if (incoming.isEmpty() && !stopped) {
                    if (due == FOREVER) {
                        LockSupport.park(this);
                    } else {
                        LockSupport.parkNanos(this, due - System.nanoTime());
                    }
                }
                wakeAt = AWAKE;
            } catch (Throwable t) {
                wakeAt = AWAKE;
                Thread.currentThread().getUncaughtExceptionHandler().uncaughtException(Thread.currentThread(), t);
            }
        }
    }
}
