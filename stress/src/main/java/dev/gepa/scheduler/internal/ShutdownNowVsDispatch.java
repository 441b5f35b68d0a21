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
 * shutdownNow against dispatch of a pending task (an extra race, next to race 8). A task that is
 * pending or running during the whole of {@code shutdownNow()} must end CANCELLED. Results:
 * r1 = shutdownNow listed the task, r2 = carrier 0 took it (the arbiter then runs it as
 * its carrier would), r3 = the arbiter's audit.
 */
public final class ShutdownNowVsDispatch {
    private ShutdownNowVsDispatch() { }

    @JCStressTest
    @Description("SchedulerCore notes, shutdown: shutdownNow sets STOP (carriers claim nothing more), "
            + "cancels every pending task and interrupts every running one through the id table, "
            + "and only then sets DISCARD, so every task pending or running when the scan passes is "
            + "listed. Task notes: a claimed task is cancelled only by cancel(true). shutdownNow vs "
            + "carrier 0's take of the only pending task.")
    @Outcome(id = "true, false, CANCELLED not-invoked ok", expect = ACCEPTABLE,
            desc = "The scan cancelled it while pending; the carrier found STOP, DISCARD or a tombstone.")
    @Outcome(id = "false, false, CANCELLED not-invoked ok", expect = FORBIDDEN,
            desc = "Cancelled but not listed: a carrier discarded it before the scan passed (DISCARD "
                    + "set too early), or the scan missed a registered task.")
    @Outcome(id = "true, true, CANCELLED not-invoked ok", expect = ACCEPTABLE,
            desc = "Claimed first; the scan cancelled it as running before its carrier started it.")
    @Outcome(id = "false, true, COMPLETED invoked ok", expect = FORBIDDEN,
            desc = "The scan saw the task pending and cancelled it without interrupt after "
                    + "carrier 0 had claimed it: shutdownNow returned leaving it to run.")
    @Outcome(expect = FORBIDDEN, desc = "Any other end: the task ran after shutdownNow, stayed "
            + "pending, or its views disagree.")
    @State
    public static class PendingTask {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe();
        final Task<Object> task = Stress.submit(core, probe);
        Task<?> claimed;

        @Actor
        public void closer(ZZL_Result r) {
            r.r1 = core.shutdownNow().contains(task);
        }

        @Actor
        public void carrier(ZZL_Result r) {
            claimed = core.takeForTest(Stress.CARRIER);
            r.r2 = claimed != null;
        }

        @Arbiter
        public void arbiter(ZZL_Result r) {
            if (claimed != null) {
                core.runForTest(Stress.CARRIER, claimed);
            }
            Stress.takeAll(core);
            r.r3 = Stress.audit(core, task, probe, true);
        }
    }
}
