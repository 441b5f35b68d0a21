package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.TaskSpec;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.ZLL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE_INTERESTING;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Strict priority against a take. A LOW task is pending; one thread submits a CRITICAL task and
 * then raises a flag, the other reads the flag and then takes as carrier 0. If the flag was up,
 * the CRITICAL submit had returned before the take began, so the take must return it: a
 * {@code relaxedPoll} that misses a stored task, or a take that passes over a level whose next
 * task is not stored yet, would return LOW (or nothing). Results: r1 = the flag, r2 = what the
 * take returned, r3 = both tasks' states after carrier 0 took what was left.
 */
public final class PriorityVsTake {
    private PriorityVsTake() { }

    @JCStressTest
    @Description("Inboxes notes, strict priority for completed submits: a take claims the most "
            + "urgent stored task and, when a level's next task is not stored yet, stops there "
            + "(STALLED) instead of looking at less urgent levels; so a task whose submit has "
            + "returned is never passed over by a less urgent one. LOW pending; CRITICAL submit "
            + "then flag vs flag read then take.")
    @Outcome(id = "true, CRITICAL, COMPLETED COMPLETED", expect = ACCEPTABLE,
            desc = "The submit had returned: the take returned CRITICAL.")
    @Outcome(id = "false, CRITICAL, COMPLETED COMPLETED", expect = ACCEPTABLE,
            desc = "The CRITICAL task was stored before the take, its submit not yet returned.")
    @Outcome(id = "false, LOW, COMPLETED COMPLETED", expect = ACCEPTABLE,
            desc = "The take came before the CRITICAL submit published its task.")
    @Outcome(id = "false, none, COMPLETED COMPLETED", expect = ACCEPTABLE_INTERESTING,
            desc = "The take found the CRITICAL level stalled (slot claimed, task not stored) and "
                    + "stopped there.")
    @Outcome(expect = FORBIDDEN, desc = "A returned CRITICAL submit passed over (LOW or nothing "
            + "taken), or a task lost.")
    @State
    public static class ReturnedSubmit {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Task<Object> low = (Task<Object>) core.trySubmit(
                TaskSpec.of("low", Priority.LOW, new Stress.Probe()));
        volatile Task<?> critical;
        volatile boolean returned;

        @Actor
        public void submitter() {
            critical = (Task<?>) core.trySubmit(TaskSpec.of("critical", Priority.CRITICAL, new Stress.Probe()));
            returned = true;
        }

        @Actor
        public void carrier(ZLL_Result r) {
            r.r1 = returned;
            Task<?> t = core.takeForTest(Stress.CARRIER);
            r.r2 = t == null ? "none" : t == low ? "LOW" : t.priority() == Priority.CRITICAL ? "CRITICAL" : "other";
            if (t != null) {
                core.runForTest(Stress.CARRIER, t);
            }
        }

        @Arbiter
        public void arbiter(ZLL_Result r) {
            Stress.takeAll(core);
            Task<?> c = critical;
            r.r3 = (c == null ? "rejected" : c.state().name()) + " " + low.state();
        }
    }
}
