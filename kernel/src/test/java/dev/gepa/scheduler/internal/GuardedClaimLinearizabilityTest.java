package dev.gepa.scheduler.internal;

import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/**
 * Model-checks the guarded claim ({@code Inboxes.claimGuarded}) against submit, cancel and
 * result lookup, as {@link SchedulerLinearizabilityTest} does the strict one, on a core whose
 * starvation bound no task reaches: every interleaving must give results some sequential order
 * would give under strict priority, FIFO within a level. This checks the guarded claim's scan
 * of every level's head, its re-check of the levels that had none, and its STALLED stop, the
 * part of its order that does not depend on the clock.
 */
public class GuardedClaimLinearizabilityTest extends LinearizabilityFixture {

    private final CarrierSeat carrier = new CarrierSeat();

    /** Lincheck makes one instance per scenario run and one per sequential replay. */
    public GuardedClaimLinearizabilityTest() {
        super(new SchedulerConfig(1, 16, true, 0.8, null, null, 2, true, Duration.ofDays(365)));
    }

    /** The carrier claims the next task; returns its candidate id. */
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
    void guardedClaimsAreLinearizable() {
        check(getClass(), claimVsReturnedSubmit(getClass()));
    }
}
