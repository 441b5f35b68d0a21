package dev.gepa.scheduler.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One carrier thread: its loop, its spin-then-park protocol, and the statistics of the tasks it
 * runs.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The loop: take the next task ({@link SchedulerCore#take}: the consumer role, one claim,
 * the role given back), run it, repeat. A carrier that finishes a task takes the next one itself:
 * no hand-off, no wake-up. Finding nothing, it waits:
 * <ol>
 * <li><b>Spin</b>, briefly, only if no other carrier is spinning and fewer carriers are busy
 *     than there are processors (a spinner on a full machine steals the core its producers
 *     need). While a carrier spins, submitters wake nobody: the spinner takes their tasks. The
 *     spin is adaptive, per carrier: a spin that found a task doubles the next one's budget (up
 *     to {@value #SPINS} iterations), one that found none halves it (down to
 *     {@value #MIN_SPINS}). A carrier woken by a submitter may run on the submitter's own core;
 *     spinning there in vain holds off the very submit it waits for (a burst to one carrier
 *     took 34 µs a task so), so spinning lasts only while it pays.</li>
 * <li><b>Announce, re-check, park.</b> Set {@code parkState} to IDLE and the carrier's bit in
 *     the pool's idle set (an atomic read-modify-write, so a full fence), then try to take a task
 *     once more, and only then park while still IDLE. A submitter publishes its task, fences, and
 *     then reads the idle set: either it sees this carrier's bit and wakes it, or this carrier's
 *     re-check comes after the publication and finds the task (a Dekker pair; no lost wake-up).
 *     A re-check that finds the role taken parks too: the role holder reads the idle set after
 *     giving the role up ({@link Inboxes}) and wakes a carrier if work is left. Announced idle,
 *     before it parks, the carrier lets the id table give back what a burst grew, a bounded
 *     step at a time while no waker came ({@link TaskIndex#trim}; two reads when there is
 *     nothing to give back).</li>
 * <li><b>Wake.</b> A waker CASes {@code parkState} from IDLE to WOKEN and unparks; the carrier may
 *     instead leave IDLE itself (CAS to RUNNING) when its re-check found work. Either way only the
 *     carrier clears its own bit, so a bit is never lost to a late clear.</li>
 * </ol>
 * Whoever claims a task while more are queued wakes an idle carrier ({@link SchedulerCore#take}):
 * submitters wake nobody while a carrier spins or when every idle carrier is already woken, so
 * this propagation is what fans a burst out.
 *
 * <p>Errors. Evaluator throwables fail their task ({@link Task}). Anything thrown by the
 * kernel's own code on this thread (an OutOfMemoryError in a purge, an asynchronous error) is
 * reported to the thread's uncaught-exception handler and the loop goes on: the carrier is not
 * lost, and {@code current} is cleared so {@code running} is never over-reported.
 *
 * <p>Statistics of the tasks this carrier ran are single-writer fields: an increment is a plain
 * read and a release store, with no atomic instruction and no shared cache line; status() reads
 * them with acquire and sums them over the carriers.
 */
final class Carrier implements Runnable, Task.Runner {
    /** Running the loop (taking, running, or spinning). */
    static final int RUNNING = 0;
    /** Announced idle: parked or about to park. */
    static final int IDLE = 1;
    /** Taken out of IDLE by a waker; the carrier is (being) unparked. */
    static final int WOKEN = 2;

    /** Spin iterations before parking; about 20 to 50 µs. */
    private static final int SPINS = 1 << 10;
    /** The least spin budget: a look or two, so that a budget can grow again. */
    private static final int MIN_SPINS = 16;
    /** How often a spinner looks at the queues, in iterations (a power of two). */
    private static final int SPIN_LOOK_EVERY = 8;

    private static final VarHandle PARK_STATE;
    private static final VarHandle CURRENT;
    private static final VarHandle STARTED;
    private static final VarHandle WAIT_NANOS;
    private static final VarHandle COMPLETED;
    private static final VarHandle FAILED;
    private static final VarHandle RUN_NANOS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PARK_STATE = l.findVarHandle(Carrier.class, "parkState", int.class);
            CURRENT = l.findVarHandle(Carrier.class, "current", Task.class);
            STARTED = l.findVarHandle(Carrier.class, "started", long.class);
            WAIT_NANOS = l.findVarHandle(Carrier.class, "waitNanos", long.class);
            COMPLETED = l.findVarHandle(Carrier.class, "completed", long.class);
            FAILED = l.findVarHandle(Carrier.class, "failed", long.class);
            RUN_NANOS = l.findVarHandle(Carrier.class, "runNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    long p00, p01, p02, p03, p04, p05, p06, p07; // away from the previous object's fields

    final SchedulerCore core;
    final CarrierPool pool;
    final int index;
    /** The thread running this carrier, set when it checks in; read by wakers. */
    volatile Thread thread;
    /** RUNNING, IDLE or WOKEN; see the notes. */
    private volatile int parkState;
    /** The task this carrier holds, or null; read by status() for {@code running}. */
    private Task<?> current;

    /** Spin iterations before parking, adapted to whether spinning found work ({@link #spin}). */
    private int spinBudget = SPINS;

    private long started;
    private long waitNanos;
    private long completed;
    private long failed;
    private long runNanos;

    long p10, p11, p12, p13, p14, p15, p16, p17; // the counters above are written at every task

    Carrier(SchedulerCore core, CarrierPool pool, int index) {
        this.core = core;
        this.pool = pool;
        this.index = index;
    }

    @Override
    public void run() {
        pool.checkIn(this);
        try {
            loop();
        } finally {
            pool.onExit();
        }
    }

    private void loop() {
        long clock = 0L; // System.nanoTime() while it still stands for "now", else 0
        for (;;) {
            try {
                Task<?> task = core.take(this, false);
                if (task == null) {
                    if ((task = awaitTask()) == null) {
                        return; // shut down and nothing pending
                    }
                    clock = 0L;
                }
                clock = runTask(task, clock);
            } catch (Throwable t) {
                soCurrent(null);
                clock = 0L;
                Thread me = Thread.currentThread();
                try {
                    me.getUncaughtExceptionHandler().uncaughtException(me, t);
                } catch (Throwable ignored) {
                    // the handler failed too: nothing more can be reported, and the loop goes on
                }
            }
        }
    }

    /** Runs a claimed task on the calling thread; for tests of a carrier-less scheduler. */
    void runForTest(Task<?> task) {
        runTask(task, 0L);
    }

    /** Runs a task this carrier claimed; returns the clock for the next task, or 0. */
    private long runTask(Task<?> task, long clock) {
        long start = 0L;
        if (task.submittedNanos != 0L) { // timing on
            // the end of the previous task stands for now only if nothing ran since (callbacks)
            start = Math.max(clock != 0L ? clock : System.nanoTime(), task.submittedNanos);
        }
        long end = task.runOn(this, start);
        soCurrent(null);
        return end;
    }

    /**
     * Spins, then parks until there is a task or the scheduler is shut down with nothing
     * pending; see the notes.
     *
     * @return the task taken, or null to exit
     */
    private Task<?> awaitTask() {
        Task<?> task = spin();
        if (task != null) {
            return task;
        }
        for (;;) {
            if ((task = announceIdleAndRecheck()) != null) {
                return task;
            }
            if (core.isQuiescentShutdown()) {
                leaveIdle();
                core.onQuiescentShutdown();
                return null;
            }
            while (parkState == IDLE && core.trimIndex()) {
                // one segment a step, about 10 µs: a waker stops it between steps
            }
            while (parkState == IDLE) {
                Thread.interrupted(); // a stray interrupt would make park return at once, forever
                if (core.isQuiescentShutdown()) {
                    break;
                }
                LockSupport.park(this);
            }
            leaveIdle();
            if ((task = core.take(this, false)) != null) {
                return task;
            }
            if (core.isQuiescentShutdown()) {
                core.onQuiescentShutdown();
                return null;
            }
            if ((task = spin()) != null) {
                return task;
            }
        }
    }

    private Task<?> spin() {
        if (!pool.tryStartSpinning()) {
            return null;
        }
        boolean spinner = true;
        int budget = spinBudget;
        try {
            for (int i = 1; i <= budget; i++) {
                Thread.onSpinWait();
                if ((i & (SPIN_LOOK_EVERY - 1)) == 0 && core.mayHoldTasks()) {
                    // NOTE: stop spinning first, so that take()'s signal for any further task
                    // is not suppressed by our own spinning
                    pool.stopSpinning();
                    spinner = false;
                    Task<?> task = core.take(this, false); // wakes the next carrier if work is left
                    if (task != null) {
                        spinBudget = Math.min(SPINS, budget << 1); // spinning pays: spin longer
                        return task;
                    }
                    if (!(spinner = pool.tryStartSpinning())) {
                        return null;
                    }
                }
            }
            spinBudget = Math.max(MIN_SPINS, budget >>> 1); // it did not: spin less next time
            return null;
        } finally {
            if (spinner) {
                pool.stopSpinning();
            }
        }
    }

    /**
     * The carrier's side of the wake-up handshake: announces this carrier idle (IDLE, then its
     * bit, a full fence), then looks at the queues once more. Returns a task it took, having
     * left idle, or null: the caller may park, since any task published before the
     * announcement was seen here and any published after it finds this carrier idle.
     */
    Task<?> announceIdleAndRecheck() {
        PARK_STATE.setVolatile(this, IDLE);
        pool.markIdle(index);
        return core.take(this, true); // a claim leaves idle there, before it wakes another carrier
    }

    /** Whether a waker took this carrier out of IDLE since it announced itself idle. */
    boolean isWoken() {
        return parkState == WOKEN;
    }

    /** Leaves IDLE or WOKEN for RUNNING and clears this carrier's idle bit. */
    void leaveIdle() {
        PARK_STATE.setVolatile(this, RUNNING);
        pool.clearIdle(index);
    }

    /** Wakes this carrier if it is idle; by any thread. Returns whether it did. */
    boolean tryWake() {
        if (parkState == IDLE && PARK_STATE.compareAndSet(this, IDLE, WOKEN)) {
            Thread t = thread;
            if (t != null) {
                LockSupport.unpark(t);
            }
            return true;
        }
        return false;
    }

    /** Wakes this carrier whatever its state, so that it re-reads the scheduler's state. */
    void nudge() {
        tryWake();
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
        }
    }

    // ------------------------------------------------------------------ what status() reads

    Task<?> lvCurrent() {
        return (Task<?>) CURRENT.getAcquire(this);
    }

    void soCurrent(Task<?> task) {
        CURRENT.setRelease(this, task);
    }

    @Override
    public void retire(Task<?> task) {
        core.retire(task);
    }

    @Override
    public void onStart(long queueWaitNanos) {
        STARTED.setRelease(this, started + 1);
        if (queueWaitNanos != 0L) {
            WAIT_NANOS.setRelease(this, waitNanos + queueWaitNanos);
        }
    }

    @Override
    public void onFinish(boolean failedRun, long ranNanos) {
        soCurrent(null); // the slot is free before the task is final: running is never over-reported
        if (failedRun) {
            FAILED.setRelease(this, failed + 1);
        } else {
            COMPLETED.setRelease(this, completed + 1);
        }
        if (ranNanos != 0L) {
            RUN_NANOS.setRelease(this, runNanos + ranNanos);
        }
    }

    long lvStarted() {
        return (long) STARTED.getAcquire(this);
    }

    long lvWaitNanos() {
        return (long) WAIT_NANOS.getAcquire(this);
    }

    long lvCompleted() {
        return (long) COMPLETED.getAcquire(this);
    }

    long lvFailed() {
        return (long) FAILED.getAcquire(this);
    }

    long lvRunNanos() {
        return (long) RUN_NANOS.getAcquire(this);
    }
}
