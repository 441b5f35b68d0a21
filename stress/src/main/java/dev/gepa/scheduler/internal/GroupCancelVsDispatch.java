package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskGroup;
import dev.gepa.scheduler.TaskState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIL_Result;

import java.util.List;
import java.util.Map;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A group's cancel against dispatch of its members: a group of two pending tasks, admitted in
 * one step; carrier 0 takes and runs tasks twice while the group is cancelled without
 * interrupt. Results: r1 = members the carrier ran, r2 = members the group's cancel cancelled,
 * r3 = the arbiter's audit of both members, the counters and the group's own views.
 */
@JCStressTest
@Description("Each member leaves PENDING by one CAS, so the carrier and the group's cancel split "
        + "the members between them: every member ends in exactly one final state, ran + "
        + "cancelled = 2, and the counters, the group's counts and its whenAllDone agree.")
@Outcome(id = "2, 0, ok", expect = ACCEPTABLE, desc = "The carrier took both before the cancel.")
@Outcome(id = "1, 1, ok", expect = ACCEPTABLE, desc = "The carrier took the first; the second was cancelled pending.")
@Outcome(id = "0, 2, ok", expect = ACCEPTABLE, desc = "Both cancelled pending; the carrier found tombstones.")
@Outcome(expect = FORBIDDEN, desc = "A member lost, run and cancelled, or views that disagree.")
@State
public class GroupCancelVsDispatch {
    final SchedulerCore core = Stress.seam(1, 4, 4);
    final Stress.Probe first = new Stress.Probe();
    final Stress.Probe second = new Stress.Probe();
    final TaskGroup<Object> group = core.submitAll(List.of(first.spec(), second.spec()));

    @Actor
    public void carrier(IIL_Result r) {
        int ran = 0;
        for (int i = 0; i < 2; i++) {
            Task<?> t = core.takeForTest(Stress.CARRIER);
            if (t != null) {
                core.runForTest(Stress.CARRIER, t);
                ran++;
            }
        }
        r.r1 = ran;
    }

    @Actor
    public void canceller(IIL_Result r) {
        r.r2 = group.cancel(false);
    }

    @Arbiter
    public void arbiter(IIL_Result r) {
        Stress.takeAll(core);
        StringBuilder bad = new StringBuilder();
        Task<?> a = (Task<?>) group.members().get(0);
        Task<?> b = (Task<?>) group.members().get(1);
        String auditA = Stress.audit(core, a, first, false);
        String auditB = Stress.audit(core, b, second, false);
        if (!auditA.endsWith(" ok") || !auditB.endsWith(" ok")) {
            bad.append(" members=").append(auditA).append('/').append(auditB);
        }
        Map<TaskState, Integer> counts = group.countByState();
        int completed = counts.get(TaskState.COMPLETED);
        int cancelled = counts.get(TaskState.CANCELLED);
        if (completed != r.r1 || cancelled != r.r2 || completed + cancelled != 2) {
            bad.append(" counts=").append(counts);
        }
        SchedulerStatus s = core.status();
        if (s.submitted() != 2 || s.completed() != completed || s.cancelled() != cancelled
                || s.pending() != 0 || s.running() != 0) {
            bad.append(" counters=").append(Stress.counters(s));
        }
        if (!group.isDone() || group.whenAllDone().getNow(null) == null) {
            bad.append(" group-not-done");
        }
        r.r3 = bad.length() == 0 ? "ok" : bad.toString().trim();
    }
}
