package dev.gepa.scheduler.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * One carrier thread's mailbox and parking flag. The loop itself is
 * {@link SchedulerCore#runCarrier(Carrier)}, where its protocol is described.
 */
final class Carrier implements Runnable {
    final SchedulerCore core;
    final int index;
    Thread thread; // set before the thread starts; read-only after

    /** A task handed over by the drainer; written by it, taken by this carrier. */
    volatile Task<?> handOff;
    /** True while this carrier is parked or about to park: a hand-off must unpark it. */
    volatile boolean parked;
    /** The task this carrier holds now, or null when idle; read by status. */
    volatile Task<?> current;

    /*
     * Statistics of the tasks this carrier ran. Single writer (this carrier), so an increment is
     * a plain read and a release store, with no atomic instruction and no shared cache line;
     * status() reads them with acquire and sums them over the carriers.
     */
    private long started;
    private long waitNanos;
    private long completed;
    private long failed;
    private long runNanos;

    private static final VarHandle STARTED;
    private static final VarHandle WAIT_NANOS;
    private static final VarHandle COMPLETED;
    private static final VarHandle FAILED;
    private static final VarHandle RUN_NANOS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STARTED = l.findVarHandle(Carrier.class, "started", long.class);
            WAIT_NANOS = l.findVarHandle(Carrier.class, "waitNanos", long.class);
            COMPLETED = l.findVarHandle(Carrier.class, "completed", long.class);
            FAILED = l.findVarHandle(Carrier.class, "failed", long.class);
            RUN_NANOS = l.findVarHandle(Carrier.class, "runNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // padding: the counters above are written at every task; keep the next object's fields away
    long p0, p1, p2, p3, p4, p5, p6, p7;

    Carrier(SchedulerCore core, int index) {
        this.core = core;
        this.index = index;
    }

    @Override
    public void run() {
        try {
            core.runCarrier(this);
        } finally {
            core.onCarrierExit(this);
        }
    }

    void recordStart(long queueWaitNanos) {
        STARTED.setRelease(this, started + 1);
        WAIT_NANOS.setRelease(this, waitNanos + queueWaitNanos);
    }

    void recordFinish(boolean failedRun, long ranNanos) {
        if (failedRun) {
            FAILED.setRelease(this, failed + 1);
        } else {
            COMPLETED.setRelease(this, completed + 1);
        }
        RUN_NANOS.setRelease(this, runNanos + ranNanos);
    }

    long started() {
        return (long) STARTED.getAcquire(this);
    }

    long waitNanos() {
        return (long) WAIT_NANOS.getAcquire(this);
    }

    long completed() {
        return (long) COMPLETED.getAcquire(this);
    }

    long failed() {
        return (long) FAILED.getAcquire(this);
    }

    long runNanos() {
        return (long) RUN_NANOS.getAcquire(this);
    }

    /** Gives this idle carrier a task; called by the drainer only. */
    void handOff(Task<?> task) {
        current = task;
        handOff = task;
        if (parked) { // Dekker pair with the carrier's "parked = true; re-read handOff"
            LockSupport.unpark(thread);
        }
    }
}
