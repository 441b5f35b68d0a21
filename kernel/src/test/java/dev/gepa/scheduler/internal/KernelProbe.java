package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Scheduler;

/**
 * Test access to the kernel's package-private figures, for tests in other packages that check
 * memory bounds. Lives in the test sources only.
 */
public final class KernelProbe {
    private KernelProbe() { }

    /** Queue entries, tombstones included; exact only when quiescent. */
    public static int queuedTaskCount(Scheduler scheduler) {
        return ((SchedulerCore) scheduler).queuedTaskCount();
    }

    /** Id-table slots in use; exact only when quiescent. */
    public static int slotsInUse(Scheduler scheduler) {
        return ((SchedulerCore) scheduler).slotsInUse();
    }

    /** Tasks held by the deadline thread, handed over or in its heap; racy. */
    public static int deadlinesHeld(Scheduler scheduler) {
        return ((SchedulerCore) scheduler).deadlinesHeld();
    }

    /** Id-table segments allocated. */
    public static int tableSegments(Scheduler scheduler) {
        return ((SchedulerCore) scheduler).tableSegments();
    }
}
