package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.TaskSpec;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A claim's instant against a more urgent submit and a lookup. A LOW task is pending; one
 * thread takes as carrier 0 (the claim, without running the task), the other submits a
 * CRITICAL task and, once that submit returned, reads the LOW task by id and by handle. If that
 * thread saw LOW pending, the CRITICAL task was queued before any claim of LOW took effect, so
 * the take must not return LOW: a claim whose state change came after its check of the more
 * urgent levels would. Results: r1 = what the take returned, r2 = LOW's result by id and its
 * state, r3 = both tasks' states after the arbiter ran what was taken and what was left.
 */
public final class ClaimVsReturnedSubmit {
    private ClaimVsReturnedSubmit() { }

    @JCStressTest
    @Description("Inboxes notes, strict priority: a claim takes effect at one instant, its CAS to "
            + "CLAIMING, at which no more urgent task was queued, and readers wait out the "
            + "claim's few instructions after it; so a task read as pending after a more urgent "
            + "submit returned is never claimed ahead of that task. Strict claim; LOW pending; "
            + "take vs CRITICAL submit then LOW looked up.")
    @Outcome(id = "CRITICAL, PENDING PENDING, COMPLETED COMPLETED", expect = ACCEPTABLE,
            desc = "The CRITICAL task was stored before the claim: it was taken.")
    @Outcome(id = "LOW, RUNNING RUNNING, COMPLETED COMPLETED", expect = ACCEPTABLE,
            desc = "The claim of LOW took effect before the CRITICAL submit queued its task.")
    @Outcome(id = "none, PENDING PENDING, COMPLETED COMPLETED", expect = ACCEPTABLE_INTERESTING,
            desc = "The take found the CRITICAL level stalled (slot claimed, task not stored) "
                    + "and stopped there.")
    @Outcome(expect = FORBIDDEN, desc = "LOW taken although it read as pending after the CRITICAL "
            + "submit returned (passed over at the claim's instant), a lookup that disagrees "
            + "with the take, or a task lost.")
    @State
    public static class Strict {
        final Race race = new Race(Stress.seam(1, 4, 4));

        @Actor
        public void carrier(LLL_Result r) {
            r.r1 = race.take();
        }

        @Actor
        public void submitter(LLL_Result r) {
            r.r2 = race.submitThenLookUp();
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            r.r3 = race.finish();
        }
    }

    @JCStressTest
    @Description("Inboxes notes, starvation guard: with no head overdue the guarded claim orders "
            + "as the strict one, and takes effect at its CAS to CLAIMING, after which it "
            + "re-checks the levels it saw empty; readers wait out the claim. So a task read as "
            + "pending after a more urgent submit returned is never claimed ahead of that task. "
            + "Guarded claim, bound not reached; LOW pending; take vs CRITICAL submit then LOW "
            + "looked up.")
    @Outcome(id = "CRITICAL, PENDING PENDING, COMPLETED COMPLETED", expect = ACCEPTABLE,
            desc = "The CRITICAL task was stored before the claim: it was taken.")
    @Outcome(id = "LOW, RUNNING RUNNING, COMPLETED COMPLETED", expect = ACCEPTABLE,
            desc = "The claim of LOW took effect before the CRITICAL submit queued its task.")
    @Outcome(id = "none, PENDING PENDING, COMPLETED COMPLETED", expect = ACCEPTABLE_INTERESTING,
            desc = "The take found the CRITICAL level stalled (slot claimed, task not stored) "
                    + "and stopped there.")
    @Outcome(expect = FORBIDDEN, desc = "LOW taken although it read as pending after the CRITICAL "
            + "submit returned (passed over at the claim's instant), a lookup that disagrees "
            + "with the take, or a task lost.")
    @State
    public static class Guarded {
        final Race race = new Race(SchedulerCore.createWithoutCarriers(new SchedulerConfig(1, 4,
                true, 0.8, null, null, 4, true, Duration.ofDays(365))));

        @Actor
        public void carrier(LLL_Result r) {
            r.r1 = race.take();
        }

        @Actor
        public void submitter(LLL_Result r) {
            r.r2 = race.submitThenLookUp();
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            r.r3 = race.finish();
        }
    }

    /** The race on one carrier-less core; each actor's step. */
    static final class Race {
        final SchedulerCore core;
        final Task<Object> low;
        volatile Task<?> critical;
        volatile Task<?> taken;

        Race(SchedulerCore core) {
            this.core = core;
            low = (Task<Object>) core.trySubmit(TaskSpec.of("low", Priority.LOW, new Stress.Probe()));
        }

        /** The carrier's claim; the task is run by the arbiter. */
        String take() {
            Task<?> t = core.takeForTest(Stress.CARRIER);
            taken = t;
            return t == null ? "none" : t == low ? "LOW" : t.priority() == Priority.CRITICAL ? "CRITICAL" : "other";
        }

        /** Submits CRITICAL; once that returned, LOW's result by id, then its handle's state. */
        String submitThenLookUp() {
            critical = (Task<?>) core.trySubmit(TaskSpec.of("critical", Priority.CRITICAL, new Stress.Probe()));
            String byId = Stress.kind(core.result(low.id()));
            return byId + " " + low.state();
        }

        /** Runs what was taken, then everything left; both tasks' states. */
        String finish() {
            Task<?> t = taken;
            if (t != null) {
                core.runForTest(Stress.CARRIER, t);
            }
            Stress.takeAll(core);
            Task<?> c = critical;
            return low.state() + " " + (c == null ? "rejected" : c.state().name());
        }
    }
}
