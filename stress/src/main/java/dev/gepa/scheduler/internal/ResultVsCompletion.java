package dev.gepa.scheduler.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Race 4: {@code result(id)} against a task's dispatch and end. A reader asks for the result
 * twice while the task moves on; it may see any prefix of the task's life, in order, and a final
 * result always carries its value (a mutable object whose field the evaluator wrote with a plain
 * store: a torn publication shows as COMPLETED-BADVALUE). Results: r1, r2 = the two answers,
 * r3 = the arbiter's audit.
 */
public final class ResultVsCompletion {
    private ResultVsCompletion() { }

    @JCStressTest
    @Description("Task notes: outcome is written by the carrier before its CAS to COMPLETED, so "
            + "whoever reads a final state reads the outcome; the state only moves forward. "
            + "TaskIndex notes: a task is findable by id from submit until evicted from retention. "
            + "result(id) twice vs carrier 0's take then run of a task that returns a value.")
    @Outcome(id = "PENDING, PENDING, COMPLETED invoked ok", expect = ACCEPTABLE, desc = "Read before the claim.")
    @Outcome(id = "PENDING, RUNNING, COMPLETED invoked ok", expect = ACCEPTABLE, desc = "Claim between reads.")
    @Outcome(id = "PENDING, COMPLETED, COMPLETED invoked ok", expect = ACCEPTABLE, desc = "Run between reads.")
    @Outcome(id = "RUNNING, RUNNING, COMPLETED invoked ok", expect = ACCEPTABLE, desc = "Both reads while running.")
    @Outcome(id = "RUNNING, COMPLETED, COMPLETED invoked ok", expect = ACCEPTABLE, desc = "Completion between reads.")
    @Outcome(id = "COMPLETED, COMPLETED, COMPLETED invoked ok", expect = ACCEPTABLE, desc = "Both reads after completion.")
    @Outcome(expect = FORBIDDEN, desc = "Completed without its value, a step backwards, NOTFOUND, or "
            + "final views that disagree.")
    @State
    public static class Value {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe(false);
        final Task<Object> task = Stress.submit(core, probe);
        final long id = task.id();

        @Actor
        public void carrier() {
            Task<?> t = core.takeForTest(Stress.CARRIER);
            if (t != null) {
                core.runForTest(Stress.CARRIER, t);
            }
        }

        @Actor
        public void reader(LLL_Result r) {
            r.r1 = Stress.kind(core.result(id));
            r.r2 = Stress.kind(core.result(id));
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            r.r3 = Stress.audit(core, task, probe, true);
        }
    }

    @JCStressTest
    @Description("Task notes: outcome (the throwable) is written by the carrier before its CAS to "
            + "FAILED, so a reader of FAILED reads the error; the state only moves forward. "
            + "result(id) twice vs carrier 0's take then run of a task that throws.")
    @Outcome(id = "PENDING, PENDING, FAILED invoked ok", expect = ACCEPTABLE, desc = "Read before the claim.")
    @Outcome(id = "PENDING, RUNNING, FAILED invoked ok", expect = ACCEPTABLE, desc = "Claim between reads.")
    @Outcome(id = "PENDING, FAILED, FAILED invoked ok", expect = ACCEPTABLE, desc = "Run between reads.")
    @Outcome(id = "RUNNING, RUNNING, FAILED invoked ok", expect = ACCEPTABLE, desc = "Both reads while running.")
    @Outcome(id = "RUNNING, FAILED, FAILED invoked ok", expect = ACCEPTABLE, desc = "Failure between reads.")
    @Outcome(id = "FAILED, FAILED, FAILED invoked ok", expect = ACCEPTABLE, desc = "Both reads after the failure.")
    @Outcome(expect = FORBIDDEN, desc = "Failed without its error, a step backwards, NOTFOUND, or final "
            + "views that disagree.")
    @State
    public static class Failure {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe(true);
        final Task<Object> task = Stress.submit(core, probe);
        final long id = task.id();

        @Actor
        public void carrier() {
            Task<?> t = core.takeForTest(Stress.CARRIER);
            if (t != null) {
                core.runForTest(Stress.CARRIER, t);
            }
        }

        @Actor
        public void reader(LLL_Result r) {
            r.r1 = Stress.kind(core.result(id));
            r.r2 = Stress.kind(core.result(id));
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            r.r3 = Stress.audit(core, task, probe, true);
        }
    }

    @JCStressTest
    @Description("Task notes: INTERRUPTING reads as RUNNING, cancel returns only after CANCELLED is "
            + "published, and the state never moves back. result(id) twice vs cancel(true) of a "
            + "task carrier 0 took, which the arbiter then runs as carrier 0.")
    @Outcome(id = "RUNNING, RUNNING, CANCELLED not-invoked ok", expect = ACCEPTABLE, desc = "Both reads before the cancel.")
    @Outcome(id = "RUNNING, CANCELLED, CANCELLED not-invoked ok", expect = ACCEPTABLE, desc = "Cancel between reads.")
    @Outcome(id = "CANCELLED, CANCELLED, CANCELLED not-invoked ok", expect = ACCEPTABLE, desc = "Both reads after the cancel.")
    @Outcome(expect = FORBIDDEN, desc = "CANCELLED then RUNNING, NOTFOUND, the evaluator invoked after "
            + "the cancel, or final views that disagree.")
    @State
    public static class Cancel {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe(false);
        final Task<Object> task = Stress.submit(core, probe);
        final Task<?> claimed = Stress.claim(core);
        final long id = task.id();

        @Actor
        public void canceller() {
            task.cancel(true);
        }

        @Actor
        public void reader(LLL_Result r) {
            r.r1 = Stress.kind(core.result(id));
            r.r2 = Stress.kind(core.result(id));
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            core.runForTest(Stress.CARRIER, claimed);
            r.r3 = Stress.audit(core, task, probe, true);
        }
    }
}
