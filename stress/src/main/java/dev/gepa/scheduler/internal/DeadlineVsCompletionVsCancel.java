package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskResult;
import dev.gepa.scheduler.TaskState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZL_Result;
import org.openjdk.jcstress.infra.results.ZZL_Result;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A task's deadline against its completion and against a cancel. The deadline is what the
 * scheduler's deadline thread calls when it passes ({@link Task#timeOut()}), called here by an
 * actor, so the race is the state machine's alone and no thread is started. Results: r1, r2 =
 * the two sides' wins, r3 = the arbiter's audit: final state, whether the evaluator ran, and
 * "ok" if the handle, {@code result(id)}, the future and the counters agree.
 */
public final class DeadlineVsCompletionVsCancel {
    private DeadlineVsCompletionVsCancel() { }

    /** The audit of the sole task of {@code core}; see the class notes. */
    static String audit(SchedulerCore core, Task<?> t, Stress.Probe probe) {
        TaskState state = t.state();
        StringBuilder bad = new StringBuilder();
        TaskResult<?> byId = core.result(t.id());
        TaskResult<?> byHandle = t.result();
        CompletableFuture<?> f = t.future();
        if (state == TaskState.FAILED) {
            if (!(byId instanceof TaskResult.Failed<?> failed && failed.error() instanceof TimeoutException)
                    || !(byHandle instanceof TaskResult.Failed<?>)) {
                bad.append(" result=").append(byId).append('/').append(byHandle);
            }
            try {
                f.getNow(null);
                bad.append(" future-not-failed");
            } catch (java.util.concurrent.CompletionException e) {
                if (!(e.getCause() instanceof TimeoutException)) {
                    bad.append(" future-bad");
                }
            }
        } else if (!Stress.kind(byId).equals(state.name()) || !Stress.kind(byHandle).equals(state.name())) {
            bad.append(" result=").append(Stress.kind(byId)).append('/').append(Stress.kind(byHandle));
        }
        if (!f.isDone()) {
            bad.append(" future-not-done");
        }
        if (t.finishedAt().isEmpty()) {
            bad.append(" no-finishedAt");
        }
        SchedulerStatus s = core.status();
        long c = state == TaskState.COMPLETED ? 1 : 0;
        long x = state == TaskState.CANCELLED ? 1 : 0;
        long timedOut = state == TaskState.FAILED ? 1 : 0;
        if (s.submitted() != 1 || s.completed() != c || s.failed() != timedOut || s.timedOut() != timedOut
                || s.cancelled() != x || s.pending() != 0 || s.running() != 0 || s.overrunning() != 0) {
            bad.append(" counters=").append(Stress.counters(s)).append(" timedOut=").append(s.timedOut());
        }
        return state.name() + " " + probe.invocation() + (bad.length() == 0 ? " ok" : bad.toString());
    }

    @JCStressTest
    @Description("Task notes: the deadline takes PENDING, DISPATCHED or EXECUTING by CAS, as a cancel "
            + "does, and publishes FAILED with a TimeoutException; the carrier's start and finish are "
            + "CASes. Exactly one ends the task; a task timed out before it started never runs.")
    @Outcome(id = "true, false, COMPLETED invoked ok", expect = ACCEPTABLE,
            desc = "The task ran and completed before its deadline.")
    @Outcome(id = "false, true, FAILED not-invoked ok", expect = ACCEPTABLE,
            desc = "Timed out while pending; the carrier found a tombstone.")
    @Outcome(id = "true, true, FAILED not-invoked ok", expect = ACCEPTABLE,
            desc = "Timed out between claim and start: the carrier never invoked it.")
    @Outcome(id = "true, true, FAILED invoked ok", expect = ACCEPTABLE,
            desc = "Timed out while the evaluator ran: its value was discarded.")
    @Outcome(id = "true, true, FAILED invoked-interrupted ok", expect = ACCEPTABLE,
            desc = "Timed out while the evaluator ran, which saw the interrupt.")
    @Outcome(expect = FORBIDDEN, desc = "Both or neither ended it, a completion after the deadline "
            + "won, or views that disagree.")
    @State
    public static class VersusRun {
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
        public void deadline(ZZL_Result r) {
            r.r2 = task.timeOut();
        }

        @Arbiter
        public void arbiter(ZZL_Result r) {
            r.r3 = audit(core, task, probe);
        }
    }

    @JCStressTest
    @Description("SchedulerCore: a pending time-out counts as a pending cancel (which frees the "
            + "bound) and as a time-out (which status() subtracts from the cancels), in that order, "
            + "and status() reads the time-outs first: no snapshot shows a negative cancel count.")
    @Outcome(id = "true, ok", expect = ACCEPTABLE, desc = "Every snapshot is possible.")
    @Outcome(expect = FORBIDDEN, desc = "A snapshot with a negative figure (cancelled below zero) "
            + "or more finished than submitted.")
    @State
    public static class VersusStatus {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Task<Object> task = Stress.submit(core, new Stress.Probe());

        @Actor
        public void deadline(ZL_Result r) {
            r.r1 = task.timeOut();
        }

        @Actor
        public void reader(ZL_Result r) {
            r.r2 = Stress.snapshotProblems(core.status());
        }
    }

    @JCStressTest
    @Description("Task notes: of a pending task's deadline and a cancel, one CAS out of PENDING wins; "
            + "the loser changes nothing and the counts agree with the winner.")
    @Outcome(id = "true, false, CANCELLED not-invoked ok", expect = ACCEPTABLE, desc = "The cancel won.")
    @Outcome(id = "false, true, FAILED not-invoked ok", expect = ACCEPTABLE, desc = "The deadline won.")
    @Outcome(expect = FORBIDDEN, desc = "Both or neither won, or views that disagree.")
    @State
    public static class VersusCancel {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe();
        final Task<Object> task = Stress.submit(core, probe);

        @Actor
        public void canceller(ZZL_Result r) {
            r.r1 = task.cancel(true);
        }

        @Actor
        public void deadline(ZZL_Result r) {
            r.r2 = task.timeOut();
        }

        @Arbiter
        public void arbiter(ZZL_Result r) {
            Stress.takeAll(core);
            r.r3 = audit(core, task, probe);
        }
    }
}
