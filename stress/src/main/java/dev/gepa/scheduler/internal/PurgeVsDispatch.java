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
 * The tombstone purge against dispatch (an extra race, supporting races 1 and 6). 63 of 64
 * pending tasks are cancelled up front (63 tombstones, purge threshold 64); one thread submits
 * and cancels one more task, the cancel that reaches the threshold and signals a purge, while
 * the other dispatches the one live task. Results: r1 = the task dispatched, r2 = tasks still
 * queued after the actors (tombstones included), r3 = the final audit after carrier 0 took what
 * was left.
 */
public final class PurgeVsDispatch {
    private PurgeVsDispatch() { }

    static final int BOUND = 64; // purgeThreshold = max(64, maxQueueSize)

    @JCStressTest
    @Description("SchedulerCore notes, tombstones: a cancelled task stays queued as a tombstone, a "
            + "carrier drops tombstones as it meets them, and whoever sees purgeThreshold tombstones "
            + "(the last canceller, or a carrier that takes the consumer role) purges: each inbox "
            + "moves into its backlog, live tasks only, order kept (backlog, then inbox); queued "
            + "tasks stay O(maxQueueSize). Canceller's purge vs carrier 0's take, one consumer role.")
    @Outcome(id = "live, 0, live=COMPLETED extra=CANCELLED 65/1/0/64/0/0/0 queued=0", expect = ACCEPTABLE,
            desc = "A purge (the canceller's or the carrier's own) removed every tombstone.")
    @Outcome(id = "live, 1, live=COMPLETED extra=CANCELLED 65/1/0/64/0/0/0 queued=0", expect = ACCEPTABLE,
            desc = "The carrier dropped the 63 tombstones first, so the last cancel stayed below "
                    + "the threshold and its tombstone waited for the next take.")
    @Outcome(expect = FORBIDDEN, desc = "The live task lost, run twice or skipped, tombstones left "
            + "beyond the bound, or unbalanced counters.")
    @State
    public static class LastCancel {
        final SchedulerCore core = Stress.seam(1, BOUND, 0);
        final Task<Object> live;
        Task<Object> extra;

        {
            Task<?>[] cancelled = new Task<?>[BOUND - 1];
            for (int i = 0; i < BOUND - 1; i++) {
                cancelled[i] = Stress.submit(core, new Stress.Probe());
            }
            live = Stress.submit(core, new Stress.Probe());
            for (Task<?> t : cancelled) {
                t.cancel(false);
            }
        }

        @Actor
        public void canceller() {
            extra = Stress.submit(core, new Stress.Probe());
            extra.cancel(false);
        }

        @Actor
        public void carrier(LLL_Result r) {
            Task<?> t;
            while ((t = core.takeForTest(Stress.CARRIER)) == null) {
                Thread.onSpinWait(); // the canceller's purge holds the consumer role
            }
            core.runForTest(Stress.CARRIER, t);
            r.r1 = t == live ? "live" : "other";
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            r.r2 = Integer.toString(core.queuedTaskCount());
            Stress.takeAll(core);
            r.r3 = "live=" + live.state() + " extra=" + extra.state() + " "
                    + Stress.counters(core.status()) + " queued=" + core.queuedTaskCount();
        }
    }
}
