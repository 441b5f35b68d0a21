package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskSpec;
import dev.gepa.scheduler.TaskState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Race 10: {@code status()} against concurrent operations. Whatever runs, a snapshot has no
 * negative figure, never more finished than submitted, pending and running within their bounds,
 * and a later snapshot never shows a cumulative counter smaller than an earlier one.
 */
public final class StatusVsOperations {
    private StatusVsOperations() { }

    /** Problems between two snapshots taken in this order by one thread. */
    static String problems(SchedulerStatus first, SchedulerStatus second) {
        String a = Stress.snapshotProblems(first);
        String b = Stress.snapshotProblems(second);
        StringBuilder bad = new StringBuilder();
        if (!a.equals("ok")) {
            bad.append(" first=").append(a);
        }
        if (!b.equals("ok")) {
            bad.append(" second=").append(b);
        }
        if (second.submitted() < first.submitted() || second.completed() < first.completed()
                || second.failed() < first.failed() || second.cancelled() < first.cancelled()
                || second.rejected() < first.rejected()) {
            bad.append(" went-back=").append(Stress.counters(first)).append("/then/")
                    .append(Stress.counters(second));
        }
        return bad.length() == 0 ? "ok" : bad.toString().trim();
    }

    @JCStressTest
    @Description("SchedulerCore notes, statistics: each count is written once, by the winner of the "
            + "task's settling CAS, before its final state, and status() reads them before ctl, so a snapshot never "
            + "shows more finished than submitted and no figure is negative; the pending "
            + "figure never underflows. Three pending tasks (one fails); one thread takes and runs two "
            + "as carrier 0, the other reads status, cancels the third, reads status again; r2 = "
            + "the counters after carrier 0 took what was left.")
    @Outcome(id = "ok, 3/1/1/1/0/0/0 queued=0", expect = ACCEPTABLE, desc = "Every snapshot possible; counters balance.")
    @Outcome(expect = FORBIDDEN, desc = "An impossible snapshot, a counter going back, or unbalanced "
            + "counters at the end.")
    @State
    public static class Seam {
        final SchedulerCore core = Stress.seam(2, 4, 4);
        final Task<Object> a = Stress.submit(core, new Stress.Probe(false));
        final Task<Object> b = Stress.submit(core, new Stress.Probe(true));
        final Task<Object> c = Stress.submit(core, new Stress.Probe(false));

        @Actor
        public void worker() {
            for (int i = 0; i < 2; i++) {
                Task<?> t = core.takeForTest(Stress.CARRIER);
                if (t != null) {
                    core.runForTest(Stress.CARRIER, t);
                }
            }
        }

        @Actor
        public void observer(LL_Result r) {
            SchedulerStatus first = core.status();
            c.cancel(false);
            SchedulerStatus second = core.status();
            String p = problems(first, second);
            if (second.submitted() != 3 || second.pending() > 2) {
                p = (p.equals("ok") ? "" : p + " ") + "exact=" + Stress.counters(second);
            }
            r.r1 = p;
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            Stress.takeAll(core);
            r.r2 = Stress.counters(core.status()) + " queued=" + core.queuedTaskCount();
        }
    }

    @JCStressTest
    @Description("SchedulerCore notes, statistics and carriers: on a real scheduler (maxConcurrent "
            + "2) whose carriers complete, fail and cancel tasks, status() never shows a negative "
            + "figure, more finished than submitted, running above maxConcurrent or a counter going "
            + "back. r1 = the observer's problems, r2 = the final states the submitter saw (value "
            + "task COMPLETED, failing task FAILED, cancelled task CANCELLED or COMPLETED).")
    @Outcome(id = "ok, COMPLETED FAILED CANCELLED", expect = ACCEPTABLE, desc = "The cancel won.")
    @Outcome(id = "ok, COMPLETED FAILED COMPLETED", expect = ACCEPTABLE, desc = "The task finished before the cancel.")
    @Outcome(expect = FORBIDDEN, desc = "An impossible snapshot or a wrong final state.")
    @State
    public static class Live {
        /** One scheduler per test VM, shared by all samples; its carriers are daemons. */
        static final Scheduler LIVE = Scheduler.builder().maxConcurrent(2).maxQueueSize(1024)
                .resultRetention(0).build();
        static final TaskSpec<Object> VALUE = TaskSpec.of("value", () -> Stress.VALUE);
        static final TaskSpec<Object> FAIL = TaskSpec.of("fail", () -> {
            throw new Stress.Boom(Stress.VALUE);
        });

        static void await(TaskHandle<?> h) {
            while (!h.isDone()) {
                Thread.onSpinWait();
            }
        }

        @Actor
        public void submitter(LL_Result r) {
            TaskHandle<Object> v = LIVE.submit(VALUE);
            TaskHandle<Object> f = LIVE.submit(FAIL);
            TaskHandle<Object> c = LIVE.submit(VALUE);
            c.cancel(true);
            await(v);
            await(f);
            await(c);
            TaskState cs = c.state();
            r.r2 = v.state() + " " + f.state() + " " + cs;
        }

        @Actor
        public void observer(LL_Result r) {
            SchedulerStatus first = LIVE.status();
            SchedulerStatus second = LIVE.status();
            r.r1 = problems(first, second);
        }
    }
}
