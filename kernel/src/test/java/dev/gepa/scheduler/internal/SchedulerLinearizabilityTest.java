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

    private final CarrierSeat carrier = new CarrierSeat();

    /** Lincheck makes one instance per scenario run and one per sequential replay. */
    public SchedulerLinearizabilityTest() {
    }

    /** The carrier claims the most urgent task; returns its candidate id. */
    @Operation(nonParallelGroup = "carrier")
    public String claim() {
        return carrier.claim(core);
    }

    /** The carrier runs the task it claimed, to completion. */
    @Operation(nonParallelGroup = "carrier")
    public String run() {
        return carrier.run(core);
    }

    @Test
    void operationsAreLinearizable() {
        check(getClass(), claimVsReturnedSubmit(getClass()));
    }
}
