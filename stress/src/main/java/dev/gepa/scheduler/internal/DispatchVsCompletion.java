package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskSpec;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIL_Result;
import org.openjdk.jcstress.infra.results.LLL_Result;

import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Race 7: completions against dispatch. On a real scheduler, never more evaluators run at once
 * than {@code maxConcurrent}; through the seams, the pending count and the queues end exact
 * whatever order claims and cancels take.
 */
public final class DispatchVsCompletion {
    private DispatchVsCompletion() { }

    @JCStressTest
    @Description("SchedulerCore notes, who does what: only maxConcurrent carriers consume the queues, so "
            + "at most that many evaluators run, whether a carrier takes its next task right after a "
            + "completion, from a spin, or after a wake-up; status() never shows running above maxConcurrent or a "
            + "negative figure. Real scheduler, maxConcurrent 2; two threads each submit three tasks "
            + "and join them; r1, r2 = the most evaluators seen running at once; r3 = a status "
            + "snapshot's problems.")
    @Outcome(id = "1, 1, ok", expect = ACCEPTABLE, desc = "No overlap seen.")
    @Outcome(id = "1, 2, ok", expect = ACCEPTABLE, desc = "Two evaluators overlapped.")
    @Outcome(id = "2, 1, ok", expect = ACCEPTABLE, desc = "Two evaluators overlapped.")
    @Outcome(id = "2, 2, ok", expect = ACCEPTABLE, desc = "Two evaluators overlapped.")
    @Outcome(expect = FORBIDDEN, desc = "More than maxConcurrent evaluators at once, or an impossible "
            + "status snapshot.")
    @State
    public static class RunningBound {
        /**
         * One scheduler per test VM, shared by all samples (a scheduler per sample would start
         * thousands of carrier threads per jcstress epoch). Its carriers are daemons.
         */
        static final Scheduler LIVE = Scheduler.builder().maxConcurrent(2).maxQueueSize(1024)
                .resultRetention(0).build();
        static final AtomicInteger IN_EVALUATOR = new AtomicInteger();

        /** Returns how many evaluators were inside an evaluator of LIVE, itself included. */
        static final Callable<Integer> OVERLAP = () -> {
            int now = IN_EVALUATOR.incrementAndGet();
            for (int i = 0; i < 16; i++) {
                Thread.onSpinWait(); // widen the window in which two evaluators overlap
            }
            IN_EVALUATOR.decrementAndGet();
            return now;
        };
        static final TaskSpec<Integer> SPEC = TaskSpec.of("overlap", OVERLAP);

        static int submitThreeAndJoin() {
            TaskHandle<Integer> a = LIVE.submit(SPEC);
            TaskHandle<Integer> b = LIVE.submit(SPEC);
            TaskHandle<Integer> c = LIVE.submit(SPEC);
            return Math.max(a.future().join(), Math.max(b.future().join(), c.future().join()));
        }

        @Actor
        public void first(IIL_Result r) {
            r.r1 = submitThreeAndJoin();
        }

        @Actor
        public void second(IIL_Result r) {
            TaskHandle<Integer> a = LIVE.submit(SPEC);
            TaskHandle<Integer> b = LIVE.submit(SPEC);
            r.r3 = Stress.snapshotProblems(LIVE.status());
            TaskHandle<Integer> c = LIVE.submit(SPEC);
            r.r2 = Math.max(a.future().join(), Math.max(b.future().join(), c.future().join()));
        }
    }

    @JCStressTest
    @Description("SchedulerCore notes, admission and tombstones: a claim and a pending cancel each "
            + "release exactly one pending count, a carrier drops tombstones as it meets them "
            + "and dispatch is FIFO within a level; at the end pending and the queues are empty, no "
            + "counter negative. Tasks A, B pending; one thread takes and runs once as carrier 0, the "
            + "other cancels A then reads status(); r1 = task the carrier ran, r2 = cancel result and "
            + "snapshot problems, r3 = final audit after carrier 0 took what was left.")
    @Outcome(id = "A, false ok, A=COMPLETED B=COMPLETED 2/2/0/0/0/0/0 queued=0", expect = ACCEPTABLE,
            desc = "A was dispatched before the cancel; B was dispatched afterwards.")
    @Outcome(id = "B, true ok, A=CANCELLED B=COMPLETED 2/1/0/1/0/0/0 queued=0", expect = ACCEPTABLE,
            desc = "A was cancelled first; the carrier dropped its tombstone and ran B.")
    @Outcome(id = "none, true ok, A=CANCELLED B=COMPLETED 2/1/0/1/0/0/0 queued=0", expect = ACCEPTABLE,
            desc = "A was cancelled; the take found the consumer role held by status(), which "
                    + "looks at the queues' heads under it (a real carrier then retries, or marks the "
                    + "role missed and is woken when it is given back); the arbiter's take ran B.")
    @Outcome(expect = FORBIDDEN, desc = "A lost or duplicated dispatch, a tombstone left queued, or "
            + "a negative or unbalanced counter.")
    @State
    public static class ClaimVsCancel {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Task<Object> a = Stress.submit(core, new Stress.Probe());
        final Task<Object> b = Stress.submit(core, new Stress.Probe());

        @Actor
        public void carrier(LLL_Result r) {
            Task<?> t = core.takeForTest(Stress.CARRIER);
            if (t != null) {
                core.runForTest(Stress.CARRIER, t);
            }
            r.r1 = t == a ? "A" : t == b ? "B" : "none";
        }

        @Actor
        public void canceller(LLL_Result r) {
            boolean cancelled = a.cancel(false);
            r.r2 = cancelled + " " + Stress.snapshotProblems(core.status());
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            Stress.takeAll(core);
            SchedulerStatus s = core.status();
            r.r3 = "A=" + a.state() + " B=" + b.state() + " " + Stress.counters(s)
                    + " queued=" + core.queuedTaskCount();
        }
    }
}
