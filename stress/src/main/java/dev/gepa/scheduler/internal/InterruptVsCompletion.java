package dev.gepa.scheduler.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZLL_Result;
import org.openjdk.jcstress.infra.results.ZZL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Race 3: cancel with interrupt against the completion of a running task. The task is claimed
 * before the actors start; one actor runs it as its carrier, the other cancels it with
 * {@code mayInterruptIfRunning}. Results: r1 = the carrier's thread was still interrupted after
 * the run (an interrupt leaking to the carrier's next task), r2 = cancel returned true, r3 = the
 * arbiter's audit: the final state, the handle, {@code result(id)}, the future, the timestamps
 * and the counters of {@code status()} must agree.
 */
public final class InterruptVsCompletion {
    private InterruptVsCompletion() { }

    @JCStressTest
    @Description("Task notes: EXECUTING->FINISHING (carrier) and EXECUTING->INTERRUPTING (cancel) are "
            + "CASes, exactly one wins and only it counts the task; a carrier whose CAS lost waits "
            + "while INTERRUPTING so the interrupt lands before it clears its status, never on a "
            + "later task; outcome is discarded when the cancel won. Evaluator returns a value.")
    @Outcome(id = "false, false, COMPLETED invoked ok", expect = ACCEPTABLE,
            desc = "Completion won; the cancel found the task finished.")
    @Outcome(id = "false, true, CANCELLED not-invoked ok", expect = ACCEPTABLE,
            desc = "Cancel won before the carrier started the evaluator.")
    @Outcome(id = "false, true, CANCELLED invoked ok", expect = ACCEPTABLE,
            desc = "Cancel won while the evaluator ran; its value was discarded.")
    @Outcome(id = "false, true, CANCELLED invoked-interrupted ok", expect = ACCEPTABLE,
            desc = "Cancel won while the evaluator ran, and the evaluator saw the interrupt.")
    @Outcome(expect = FORBIDDEN, desc = "Interrupt leaked past the task, both or neither won, or the "
            + "state, handle, result(id), future and counters disagree.")
    @State
    public static class Value {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe(false);
        final Task<Object> task = Stress.submit(core, probe);
        final Task<?> claimed = Stress.claim(core);

        @Actor
        public void carrier(ZZL_Result r) {
            core.runForTest(Stress.CARRIER, claimed);
            r.r1 = Thread.interrupted();
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

    @JCStressTest
    @Description("Task notes: EXECUTING->FINISHING (carrier) and EXECUTING->INTERRUPTING (cancel) are CASes, "
            + "exactly one wins; an evaluator that throws because it saw the interrupt must leave the "
            + "task CANCELLED, never FAILED. Evaluator throws.")
    @Outcome(id = "false, false, FAILED invoked ok", expect = ACCEPTABLE,
            desc = "The failure won; the cancel found the task finished.")
    @Outcome(id = "false, true, CANCELLED not-invoked ok", expect = ACCEPTABLE,
            desc = "Cancel won before the carrier started the evaluator.")
    @Outcome(id = "false, true, CANCELLED invoked ok", expect = ACCEPTABLE,
            desc = "Cancel won while the evaluator ran; its exception was discarded.")
    @Outcome(id = "false, true, CANCELLED invoked-interrupted ok", expect = ACCEPTABLE,
            desc = "Cancel won while the evaluator ran, and the evaluator saw the interrupt.")
    @Outcome(expect = FORBIDDEN, desc = "Interrupt leaked past the task, FAILED by the interrupt, both "
            + "or neither won, or the state, handle, result(id), future and counters disagree.")
    @State
    public static class Failure {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe(true);
        final Task<Object> task = Stress.submit(core, probe);
        final Task<?> claimed = Stress.claim(core);

        @Actor
        public void carrier(ZZL_Result r) {
            core.runForTest(Stress.CARRIER, claimed);
            r.r1 = Thread.interrupted();
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

    @JCStressTest
    @Description("Task notes: startedNanos is written right after the carrier's CAS to EXECUTING, and a "
            + "canceller that wins against EXECUTING waits for it before publishing CANCELLED, so a "
            + "final task with no start time never ran and never will (TaskHandle.startedAt javadoc). "
            + "cancel(true) vs carrier 0 starting a task it took; the canceller reads "
            + "startedAt right after its cancel succeeds. r2 = what the canceller saw (lost, started, "
            + "unstarted).")
    @Outcome(id = "false, lost, COMPLETED invoked ok", expect = ACCEPTABLE,
            desc = "Completion won.")
    @Outcome(id = "false, unstarted, CANCELLED not-invoked ok", expect = ACCEPTABLE,
            desc = "Cancelled before the start; the evaluator was never invoked.")
    @Outcome(id = "false, started, CANCELLED invoked ok", expect = ACCEPTABLE,
            desc = "Cancelled after the start; the evaluator's value was discarded.")
    @Outcome(id = "false, started, CANCELLED invoked-interrupted ok", expect = ACCEPTABLE,
            desc = "Cancelled after the start; the evaluator saw the interrupt.")
    @Outcome(id = "false, unstarted, CANCELLED invoked.*", expect = FORBIDDEN,
            desc = "The canceller saw CANCELLED with startedAt empty, yet the evaluator was invoked "
                    + "afterwards: the carrier's DISPATCHED->EXECUTING CAS succeeded after "
                    + "the cancel's.")
    @Outcome(expect = FORBIDDEN, desc = "Any other end.")
    @State
    public static class StartedAt {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe(false);
        final Task<Object> task = Stress.submit(core, probe);
        final Task<?> claimed = Stress.claim(core);

        @Actor
        public void carrier(ZLL_Result r) {
            core.runForTest(Stress.CARRIER, claimed);
            r.r1 = Thread.interrupted();
        }

        @Actor
        public void canceller(ZLL_Result r) {
            if (task.cancel(true)) {
                r.r2 = task.startedAt().isPresent() ? "started" : "unstarted";
            } else {
                r.r2 = "lost";
            }
        }

        @Arbiter
        public void arbiter(ZLL_Result r) {
            r.r3 = Stress.audit(core, task, probe, true);
        }
    }
}
