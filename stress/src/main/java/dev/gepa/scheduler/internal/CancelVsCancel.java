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
 * Race 2: two cancels of one task. Results: r1, r2 = what each cancel returned, r3 = the
 * arbiter's audit (the cancelled count must be exactly one).
 */
public final class CancelVsCancel {
    private CancelVsCancel() { }

    @JCStressTest
    @Description("Task notes: of any number of cancels exactly one wins the PENDING->CANCELLING CAS "
            + "and only it settles the task (pendingCancels, retention) before publishing CANCELLED; "
            + "SchedulerCore notes: a pending cancel releases one pending count. "
            + "Two cancel(false) of a pending task.")
    @Outcome(id = "true, false, CANCELLED not-invoked ok", expect = ACCEPTABLE, desc = "The first cancel won.")
    @Outcome(id = "false, true, CANCELLED not-invoked ok", expect = ACCEPTABLE, desc = "The second cancel won.")
    @Outcome(expect = FORBIDDEN, desc = "Both or neither won, or it was counted twice or not at all.")
    @State
    public static class Pending {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe();
        final Task<Object> task = Stress.submit(core, probe);

        @Actor
        public void first(ZZL_Result r) {
            r.r1 = task.cancel(false);
        }

        @Actor
        public void second(ZZL_Result r) {
            r.r2 = core.cancel(task.id(), false);
        }

        @Arbiter
        public void arbiter(ZZL_Result r) {
            Stress.takeAll(core); // discards the tombstone; must run nothing
            r.r3 = Stress.audit(core, task, probe, true);
        }
    }

    @JCStressTest
    @Description("Task notes: of any number of cancels exactly one wins the DISPATCHED->INTERRUPTING "
            + "CAS; a task cancelled before its carrier starts it is never invoked. Two cancel(true) "
            + "of a task carrier 0 took (DISPATCHED, publicly RUNNING) and has not started; the "
            + "arbiter then runs it as carrier 0.")
    @Outcome(id = "true, false, CANCELLED not-invoked ok", expect = ACCEPTABLE, desc = "The first cancel won.")
    @Outcome(id = "false, true, CANCELLED not-invoked ok", expect = ACCEPTABLE, desc = "The second cancel won.")
    @Outcome(expect = FORBIDDEN, desc = "Both or neither won, the evaluator ran after a cancel, or "
            + "the counters disagree.")
    @State
    public static class Running {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe();
        final Task<Object> task = Stress.submit(core, probe);
        final Task<?> claimed = Stress.claim(core);

        @Actor
        public void first(ZZL_Result r) {
            r.r1 = task.cancel(true);
        }

        @Actor
        public void second(ZZL_Result r) {
            r.r2 = core.cancel(task.id(), true);
        }

        @Arbiter
        public void arbiter(ZZL_Result r) {
            core.runForTest(Stress.CARRIER, claimed);
            r.r3 = Stress.audit(core, task, probe, true);
        }
    }
}
