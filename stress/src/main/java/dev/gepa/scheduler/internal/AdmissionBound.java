package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.RejectedTaskException;
import dev.gepa.scheduler.RejectionReason;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskSpec;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IIIII_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Race 5: concurrent submits at the admission bound. Results: r1, r2 = tasks each actor got
 * admitted (-1 if a rejection named the wrong reason), then from {@code status()} after the
 * actors: r3 = pending, r4 = submitted, r5 = rejected.
 */
public final class AdmissionBound {
    private AdmissionBound() { }

    static final TaskSpec<Object> SPEC = TaskSpec.of("bound", () -> Stress.VALUE);

    /** Submits with the throwing API; returns 1 if admitted, 0 if refused for a full queue. */
    static int submitThrowing(SchedulerCore core) {
        try {
            core.submit(SPEC);
            return 1;
        } catch (RejectedTaskException e) {
            return e.reason() == RejectionReason.QUEUE_FULL ? 0 : -100;
        }
    }

    static int trySubmit(SchedulerCore core) {
        return core.trySubmit(SPEC) != null ? 1 : 0;
    }

    @JCStressTest
    @Description("SchedulerCore notes, admission: submit admits by CAS on ctl only below the "
            + "(re-read when reached) admission limit, released + maxQueueSize, so never more than maxQueueSize are admitted, and each attempt is "
            + "counted once, as submitted or rejected. maxQueueSize 3, four attempts from two "
            + "threads (trySubmit and submit).")
    @Outcome(id = "2, 1, 3, 3, 1", expect = ACCEPTABLE, desc = "The first actor got both places it asked for.")
    @Outcome(id = "1, 2, 3, 3, 1", expect = ACCEPTABLE, desc = "The second actor got both places it asked for.")
    @Outcome(expect = FORBIDDEN, desc = "More than maxQueueSize admitted, a place lost, a wrong "
            + "rejection reason, or admitted + rejected != attempted.")
    @State
    public static class Submits {
        final SchedulerCore core = Stress.seam(1, 3, 0);

        @Actor
        public void first(IIIII_Result r) {
            r.r1 = trySubmit(core) + trySubmit(core);
        }

        @Actor
        public void second(IIIII_Result r) {
            r.r2 = submitThrowing(core) + submitThrowing(core);
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            SchedulerStatus s = core.status();
            r.r3 = s.pending();
            r.r4 = (int) s.submitted();
            r.r5 = (int) s.rejected();
        }
    }

    @JCStressTest
    @Description("SchedulerCore notes, admission word: a carrier's claim releases one pending "
            + "count, which frees exactly one place; admission never exceeds maxQueueSize. "
            + "maxQueueSize 2, full; one actor takes and runs a task as carrier 0 then submits, the "
            + "other submits twice.")
    @Outcome(id = "1, 0, 2, 3, 2", expect = ACCEPTABLE, desc = "The carrier's thread took the place its take freed.")
    @Outcome(id = "0, 1, 2, 3, 2", expect = ACCEPTABLE, desc = "The other submitter took the freed place.")
    @Outcome(expect = FORBIDDEN, desc = "More than maxQueueSize pending, the freed place lost or "
            + "given twice, or admitted + rejected != attempted.")
    @State
    public static class SubmitsVsDispatch {
        final SchedulerCore core = Stress.seam(1, 2, 0);

        {
            Stress.submit(core, new Stress.Probe());
            Stress.submit(core, new Stress.Probe());
        }

        @Actor
        public void carrier(IIIII_Result r) {
            Task<?> t = Stress.claim(core);
            core.runForTest(Stress.CARRIER, t);
            r.r1 = trySubmit(core);
        }

        @Actor
        public void submitter(IIIII_Result r) {
            r.r2 = trySubmit(core) + submitThrowing(core);
        }

        @Arbiter
        public void arbiter(IIIII_Result r) {
            SchedulerStatus s = core.status();
            r.r3 = s.pending();
            r.r4 = (int) s.submitted();
            r.r5 = (int) s.rejected();
        }
    }
}
