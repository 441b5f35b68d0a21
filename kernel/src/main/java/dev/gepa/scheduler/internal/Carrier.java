package dev.gepa.scheduler.internal;

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
    /** The task this carrier holds now, or null when idle; read by status and shutdownNow. */
    volatile Task<?> current;

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

    /** Gives this idle carrier a task; called by the drainer only. */
    void handOff(Task<?> task) {
        current = task;
        handOff = task;
        if (parked) { // Dekker pair with the carrier's "parked = true; re-read handOff"
            LockSupport.unpark(thread);
        }
    }
}
