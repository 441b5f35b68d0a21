package dev.gepa.scheduler.internal;

/**
 * Carrier 0 of a carrier-less core, played by one Lincheck thread whose claim and run are
 * separate operations, so that a claimed task is visibly running in between. The tests'
 * {@code claim} and {@code run} operations call these; the carrier's thread only.
 */
final class CarrierSeat {
    /** The task the carrier claimed and has not run yet. */
    private Task<?> claimed;

    /** Claims the most urgent task; returns its candidate id, "busy" or "none". */
    String claim(SchedulerCore core) {
        if (claimed != null) {
            return "busy";
        }
        Task<?> task;
        // a null take while a queue holds entries means a submitter is between claiming its
        // queue slot and storing its task: the take stops there rather than pass the task over
        // (the priority guarantee), and the submitter wakes a carrier once it has stored; the
        // real carrier parks until then, this one looks again
        while ((task = core.takeForTest(0)) == null && core.mayHoldTasks()) {
            Thread.onSpinWait();
        }
        if (task == null) {
            return "none";
        }
        claimed = task;
        return task.candidateId();
    }

    /** Runs the claimed task to completion; returns its final state, or "idle". */
    String run(SchedulerCore core) {
        Task<?> task = claimed;
        if (task == null) {
            return "idle";
        }
        claimed = null;
        core.runForTest(0, task);
        return task.state().name();
    }
}
