package dev.gepa.scheduler.internal;

import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

import java.time.Duration;

/**
 * Model-checks the guarded claim ({@code Inboxes.claimGuarded}) against submit and cancel, as
 * {@link SchedulerLinearizabilityTest} does the strict one, on a core whose starvation bound
 * no task reaches: every interleaving must give results some sequential order would give
 * under strict priority, FIFO within a level. This checks the guarded claim's look-before-take
 * (a scan of every level's head, then the re-check of the levels that had none) and its
 * STALLED stop, the part of its order that does not depend on the clock. It has the shared
 * submit and cancel ({@link TaggedSubmits}) but not the fixture's result lookup: with the
 * lookup, the model checker finds the window between the claim's re-check and its CAS (a lookup
 * there sees the task still pending after a more urgent submit returned, and the claim then
 * takes it; see the notes of {@link Inboxes}), an open defect of the look-then-take claim,
 * strict or guarded.
 */
public class GuardedClaimLinearizabilityTest extends TaggedSubmits {

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
        LinearizabilityFixture.check(getClass());
    }
}
