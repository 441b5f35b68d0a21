package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.SchedulerStatus;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Race 6: cancel against submit at the bound. Results: r1 = cancel returned true (1/0),
 * r2 = the racing submit was admitted, r3 = a submit by the arbiter afterwards was admitted,
 * r4 = pending afterwards, r5 = cancelled count.
 */
public final class CancelVsSubmitAtBound {
    private CancelVsSubmitAtBound() { }

    @JCStressTest
    @Description("SchedulerCore notes, cancellation: a pending task cancelled stays queued as a "
            + "tombstone but its pending count is released at once, so the bound frees at once, by "
            + "exactly one place. maxQueueSize 1, one pending task; cancel(false) vs trySubmit, "
            + "then one more trySubmit.")
    @Outcome(id = "1, 1, 0, 1, 1", expect = ACCEPTABLE, desc = "The racing submit took the freed place.")
    @Outcome(id = "1, 0, 1, 1, 1", expect = ACCEPTABLE, desc = "The racing submit came first and was "
            + "refused; the place was then free for the arbiter.")
    @Outcome(expect = FORBIDDEN, desc = "The cancel freed no place, or more than one.")
    @State
    public static class PendingCancel {
        final SchedulerCore core = Stress.seam(1, 1, 0);
        final Task<Object> task = Stress.submit(core, new Stress.Probe());

        @Actor
        public void canceller(IIIII_Result r) {
            r.r1 = task.cancel(false) ? 1 : 0;
        }

        @Actor
        public void submitter(IIIII_Result r) {
            r.r2 = AdmissionBound.trySubmit(core);
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            r.r3 = AdmissionBound.trySubmit(core);
            SchedulerStatus s = core.status();
            r.r4 = s.pending();
            r.r5 = (int) s.cancelled();
        }
    }

    @JCStressTest
    @Description("SchedulerCore notes, admission word: pending counts tasks neither claimed nor "
            + "cancelled, so a running task holds no place and cancelling it frees none. "
            + "maxQueueSize 1, one running and one pending task; cancel(true) of the running one "
            + "vs trySubmit, then one more trySubmit.")
    @Outcome(id = "1, 0, 0, 1, 1", expect = ACCEPTABLE, desc = "Cancelled the running task; the queue stayed full.")
    @Outcome(expect = FORBIDDEN, desc = "A running task's cancel freed a place in the queue bound.")
    @State
    public static class RunningCancel {
        final SchedulerCore core = Stress.seam(1, 1, 0);
        final Task<Object> running = Stress.submit(core, new Stress.Probe());
        final Task<?> claimed = Stress.claim(core);
        final Task<Object> pending = Stress.submit(core, new Stress.Probe());

        @Actor
        public void canceller(IIIII_Result r) {
            r.r1 = running.cancel(true) ? 1 : 0;
        }

        @Actor
        public void submitter(IIIII_Result r) {
            r.r2 = AdmissionBound.trySubmit(core);
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            core.runForTest(Stress.CARRIER, claimed);
            r.r3 = AdmissionBound.trySubmit(core);
            SchedulerStatus s = core.status();
            r.r4 = s.pending();
            r.r5 = (int) s.cancelled();
        }
    }
}
