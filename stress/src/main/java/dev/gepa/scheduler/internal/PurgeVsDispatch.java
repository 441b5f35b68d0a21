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
 * queued after the actors (tombstones included), r3 = the final audit after draining.
 */
public final class PurgeVsDispatch {
    private PurgeVsDispatch() { }

    static final int BOUND = 64; // purgeThreshold = max(64, maxQueueSize)

    @JCStressTest
    @Description("SchedulerCore notes, cancellation and tombstones: a cancelled task stays queued as a "
            + "tombstone, the drainer discards tombstones as it meets them, and the cancel that "
            + "brings them to purgeThreshold signals a drain that moves each inbox into its backlog "
            + "and removes every tombstone, keeping the order (backlog, then inbox); queued tasks "
            + "stay O(maxQueueSize). Purge vs dispatch through the single drain role.")
    @Outcome(id = "live, 0, live=COMPLETED extra=CANCELLED 65/1/0/64/0/0/0 queued=0", expect = ACCEPTABLE,
            desc = "The purge removed the last tombstone.")
    @Outcome(id = "live, 1, live=COMPLETED extra=CANCELLED 65/1/0/64/0/0/0 queued=0", expect = ACCEPTABLE,
            desc = "The dispatcher discarded the 63 tombstones first, so the last cancel stayed below "
                    + "the threshold and its tombstone waited for the next drain.")
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
        public void dispatcher(LLL_Result r) {
            Task<?> t;
            while ((t = core.takeForTest(Stress.CARRIER)) == null) {
                Thread.onSpinWait(); // the purge holds the drain role
            }
            core.runForTest(Stress.CARRIER, t);
            r.r1 = t == live ? "live" : "other";
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            r.r2 = Integer.toString(core.queuedTaskCount());
            Stress.drainAll(core);
            r.r3 = "live=" + live.state() + " extra=" + extra.state() + " "
                    + Stress.counters(core.status()) + " queued=" + core.queuedTaskCount();
        }
    }
}
