package dev.gepa.scheduler.internal;

import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Model-checks submit, cancel and result lookup against the carrier: one thread plays the
 * carrier, whose claim and run are separate operations (a claimed task is visibly running in
 * between). Every interleaving Lincheck's model checker explores must produce results that
 * some sequential order of the same operations, each taking effect at one instant inside its
 * call, would produce on the same core driven by one thread: strict priority, FIFO within a
 * level, cancels and lookups agree with dispatch.
 */
public class SchedulerLinearizabilityTest extends LinearizabilityFixture {

    /** The task the carrier claimed and has not run yet; the carrier's thread only. */
    private Task<?> claimed;

    /** Lincheck makes one instance per scenario run and one per sequential replay. */
    public SchedulerLinearizabilityTest() {
    }

    /** The carrier claims the most urgent task; returns its candidate id and task id. */
    @Operation(nonParallelGroup = "carrier")
    public String claim() {
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

    /** The carrier runs the task it claimed, to completion. */
    @Operation(nonParallelGroup = "carrier")
    public String run() {
        Task<?> task = claimed;
        if (task == null) {
            return "idle";
        }
        claimed = null;
        core.runForTest(0, task);
        return task.state().name();
    }

    @Test
    void operationsAreLinearizable() {
        check(getClass());
    }
}
