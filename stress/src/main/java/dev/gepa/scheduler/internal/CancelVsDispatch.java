package dev.gepa.scheduler.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Race 1: cancel against dispatch of the same pending task. A carrier's take
 * ({@code takeForTest}: the consumer role, the claim, the role given back) and a cancel both try
 * to move the task out of PENDING; exactly one may win. Results: r1 = the carrier took the task,
 * r2 = cancel returned true, r3 = the arbiter's audit of the final state.
 */
public final class CancelVsDispatch {
    private CancelVsDispatch() { }

    @JCStressTest
    @Description("Task notes: every transition out of PENDING is a CAS, so of dispatch and a cancel "
            + "exactly one wins and only the winner does the bookkeeping (each task counted once). "
            + "cancel(false) vs carrier 0's take then run: exactly one of ran / cancelled.")
    @Outcome(id = "true, false, COMPLETED invoked ok", expect = ACCEPTABLE,
            desc = "Dispatch won: the task ran and cancel(false) refused a started task.")
    @Outcome(id = "false, true, CANCELLED not-invoked ok", expect = ACCEPTABLE,
            desc = "Cancel won while pending: the carrier dropped the tombstone, nothing ran.")
    @Outcome(expect = FORBIDDEN, desc = "Both or neither won, or the final state, handle, "
            + "result(id), future and counters disagree.")
    @State
    public static class CancelPending {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe();
        final Task<Object> task = Stress.submit(core, probe);

        @Actor
        public void carrier(ZZL_Result r) {
            Task<?> t = core.takeForTest(Stress.CARRIER);
            if (t != null) {
                core.runForTest(Stress.CARRIER, t);
            }
            r.r1 = t == task;
        }

        @Actor
        public void canceller(ZZL_Result r) {
            r.r2 = task.cancel(false);
        }

        @Arbiter
        public void arbiter(ZZL_Result r) {
            r.r3 = Stress.audit(core, task, probe, true);
        }
    }

    @JCStressTest
    @Description("Task notes: PENDING->DISPATCHED (claim) and PENDING->CANCELLING are CASes, and a "
            + "claimed task is cancelled only through INTERRUPTING->CANCELLED; the carrier's start is "
            + "a CAS DISPATCHED->EXECUTING, so a task cancelled before it starts is never invoked. "
            + "cancel(true) vs carrier 0's take then run.")
    @Outcome(id = "true, false, COMPLETED invoked ok", expect = ACCEPTABLE,
            desc = "Dispatch and completion happened before the cancel.")
    @Outcome(id = "false, true, CANCELLED not-invoked ok", expect = ACCEPTABLE,
            desc = "Cancelled while pending.")
    @Outcome(id = "true, true, CANCELLED not-invoked ok", expect = ACCEPTABLE,
            desc = "Cancelled between claim and start: the carrier saw the cancel and never invoked it.")
    @Outcome(id = "true, true, CANCELLED invoked ok", expect = ACCEPTABLE,
            desc = "Cancelled while the evaluator ran: its value was discarded.")
    @Outcome(id = "true, true, CANCELLED invoked-interrupted ok", expect = ACCEPTABLE,
            desc = "Cancelled while the evaluator ran, which saw the interrupt.")
    @Outcome(expect = FORBIDDEN, desc = "Both or neither won, a completion after a successful "
            + "cancel, or the views of the final state disagree.")
    @State
    public static class CancelInterrupt {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe();
        final Task<Object> task = Stress.submit(core, probe);

        @Actor
        public void carrier(ZZL_Result r) {
            Task<?> t = core.takeForTest(Stress.CARRIER);
            if (t != null) {
                core.runForTest(Stress.CARRIER, t);
            }
            r.r1 = t == task;
        }

        @Actor
        public void canceller(ZZL_Result r) {
            r.r2 = task.cancel(true);
        }

        @Arbiter
        public void arbiter(ZZL_Result r) {
            r.r3 = Stress.audit(core, task, probe, true);
        }
    }
}
