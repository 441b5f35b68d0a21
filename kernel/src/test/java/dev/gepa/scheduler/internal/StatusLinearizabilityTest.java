package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.SchedulerStatus;
import org.jetbrains.lincheck.datastructures.Operation;
import org.junit.jupiter.api.Test;

/**
 * Model-checks {@code status()} against submit, cancel and result lookup: its submitted and
 * pending figures must be those of one instant inside the call. Without a carrier here: a
 * submit is counted as submitted when it is admitted, a moment before it is queued, so a
 * status read in that moment can count a task whose FIFO place among its level is not decided
 * yet; FIFO order is the order of queueing ({@link SchedulerLinearizabilityTest} checks it).
 */
public class StatusLinearizabilityTest extends LinearizabilityFixture {

    /** Lincheck makes one instance per scenario run and one per sequential replay. */
    public StatusLinearizabilityTest() {
    }

    /**
     * The counts a caller reads to see the scheduler's load. Not {@code rejected}: a refusal is
     * counted just after the refused submit decides, so a snapshot may not count a refusal that
     * is under way (documented on {@link SchedulerStatus}).
     */
    @Operation
    public String status() {
        SchedulerStatus s = core.status();
        return "submitted=" + s.submitted() + " pending=" + s.pending();
    }

    @Test
    void statusIsLinearizable() {
        check(getClass());
    }
}
