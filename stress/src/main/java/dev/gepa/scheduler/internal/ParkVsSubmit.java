package dev.gepa.scheduler.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZZZ_Result;
import org.openjdk.jcstress.infra.results.ZZ_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Race 9 through the seams: the park protocol against a submit, one step at a time. A carrier
 * about to park announces itself idle and re-checks the queues
 * ({@code SchedulerCore.parkCheckForTest}); it parks only if that re-check found nothing. Then
 * either the re-check took the task or a submitter (or the holder of the consumer role) woke
 * the carrier ({@code SchedulerCore.wokenForTest}): a carrier parked with a task left queued
 * and nobody to wake it is a lost wake-up. Unlike {@link LostWakeUp}, which can only hang, these
 * tests name the interleaving that lost the wake-up.
 */
public final class ParkVsSubmit {
    private ParkVsSubmit() { }

    @JCStressTest
    @Description("Carrier notes: a carrier sets IDLE and its idle bit (an atomic read-modify-write), "
            + "then re-checks the queues; a submitter publishes, fences, then reads the idle set and "
            + "wakes an idle carrier (a Dekker pair). One carrier's park check vs one submit. r1 = "
            + "the re-check took the task, r2 = the carrier was woken.")
    @Outcome(id = "true, false", expect = ACCEPTABLE, desc = "The re-check found the task.")
    @Outcome(id = "false, true", expect = ACCEPTABLE, desc = "The carrier would park; the submitter woke it.")
    @Outcome(id = "true, true", expect = ACCEPTABLE,
            desc = "The submitter woke the carrier, whose re-check also found the task.")
    @Outcome(expect = FORBIDDEN, desc = "Lost wake-up: the carrier would park, the task is queued and "
            + "nobody woke it.")
    @State
    public static class OneCarrier {
        final SchedulerCore core = Stress.seam(1, 4, 0);

        @Actor
        public void carrier(ZZ_Result r) {
            Task<?> t = core.parkCheckForTest(Stress.CARRIER);
            r.r1 = t != null;
            if (t != null) {
                core.runForTest(Stress.CARRIER, t);
            }
        }

        @Actor
        public void submitter() {
            core.trySubmit(new Stress.Probe().spec());
        }

        @Arbiter
        public void arbiter(ZZ_Result r) {
            r.r2 = core.wokenForTest(Stress.CARRIER);
        }
    }

    @JCStressTest
    @Description("Carrier and Inboxes notes: a parking carrier whose re-check finds the consumer "
            + "role held marks it missed and parks; the holder's release (an atomic getAndSet) tells "
            + "it so, and it then wakes an idle carrier if work is left. Carrier 1 takes once vs one "
            + "thread that submits and then runs carrier 0's park check, so the submit sees no idle "
            + "carrier and only carrier 1's role release can wake carrier 0. r1 = carrier 1 took the "
            + "task, r2 = carrier 0's re-check took it, r3 = carrier 0 was woken.")
    @Outcome(id = "true, false, false", expect = ACCEPTABLE, desc = "Carrier 1 took the task.")
    @Outcome(id = "false, true, false", expect = ACCEPTABLE, desc = "Carrier 0's re-check took the task.")
    @Outcome(id = "false, false, true", expect = ACCEPTABLE,
            desc = "Carrier 0 found the role held and parked; carrier 1 woke it on release.")
    @Outcome(id = "true, false, true", expect = ACCEPTABLE_INTERESTING,
            desc = "Carrier 1 took the task and still woke carrier 0 (harmless: nothing was left).")
    @Outcome(expect = FORBIDDEN, desc = "Lost wake-up (nobody took the task and carrier 0 was not "
            + "woken), or the task taken twice.")
    @State
    public static class RoleMissed {
        final SchedulerCore core = Stress.seam(2, 4, 0);

        @Actor
        public void holder(ZZZ_Result r) {
            Task<?> t = core.takeForTest(1);
            r.r1 = t != null;
            if (t != null) {
                core.runForTest(1, t);
            }
        }

        @Actor
        public void submitterThenCarrier(ZZZ_Result r) {
            core.trySubmit(new Stress.Probe().spec());
            Task<?> t = core.parkCheckForTest(Stress.CARRIER);
            r.r2 = t != null;
            if (t != null) {
                core.runForTest(Stress.CARRIER, t);
            }
        }

        @Arbiter
        public void arbiter(ZZZ_Result r) {
            r.r3 = core.wokenForTest(Stress.CARRIER);
        }
    }
}
