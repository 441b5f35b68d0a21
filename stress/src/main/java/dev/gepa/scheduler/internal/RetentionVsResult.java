package dev.gepa.scheduler.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LLL_Result;

import java.util.Optional;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Lookup by id against result retention and slot reuse ({@link TaskIndex}). With
 * {@code resultRetention} 1, task A has finished and is retained; a carrier then finishes B,
 * which evicts A and gives A's slot back. A reader asks for A (and B) by id meanwhile: it may
 * see A retained or gone, but never another task in A's slot, and never A gone while the task
 * that evicted it still reads as running.
 */
public final class RetentionVsResult {
    private RetentionVsResult() { }

    /** A, finished and retained, then B pending; returns {A, B}. */
    static Task<?>[] retainedThenPending(SchedulerCore core, Stress.Probe probeB) {
        Task<Object> a = Stress.submit(core, new Stress.Probe());
        core.runForTest(Stress.CARRIER, Stress.claim(core));
        Task<Object> b = Stress.submit(core, probeB);
        return new Task<?>[] {a, b};
    }

    /** What {@code find(id)} returned: the expected task, none, or another one. */
    static String found(Optional<?> handle, Task<?> expected) {
        return handle.isEmpty() ? "none" : handle.get() == expected ? "A" : "other";
    }

    @JCStressTest
    @Description("TaskIndex notes: an id is generation << slotBits | slot and a lookup checks the "
            + "id of the task in the slot, so an evicted task's id never finds the task that reuses "
            + "its slot, and a task once unfindable stays so. Retention 1; carrier 0 runs B (evicting "
            + "A, its slot given back) then submits C (A's slot); the reader asks result(idA), then "
            + "find(idA). r3 = whether C reused A's slot, and the final answers for A and C.")
    @Outcome(id = "COMPLETED, A, reused NOTFOUND PENDING", expect = ACCEPTABLE, desc = "Both reads before the eviction.")
    @Outcome(id = "COMPLETED, none, reused NOTFOUND PENDING", expect = ACCEPTABLE, desc = "Evicted between the reads.")
    @Outcome(id = "NOTFOUND, none, reused NOTFOUND PENDING", expect = ACCEPTABLE, desc = "Both reads after the eviction.")
    @Outcome(expect = FORBIDDEN, desc = "A's id found C (PENDING, other), A found again after it was "
            + "gone, or A's slot not reused.")
    @State
    public static class SlotReuse {
        final SchedulerCore core = Stress.seam(1, 4, 1);
        final Task<?>[] ab = retainedThenPending(core, new Stress.Probe());
        final Task<?> a = ab[0];
        final long idA = a.id();
        Task<?> c;

        @Actor
        public void carrier() {
            core.runForTest(Stress.CARRIER, Stress.claim(core)); // B: evicts A, frees its slot
            c = (Task<?>) core.trySubmit(new Stress.Probe().spec());
        }

        @Actor
        public void reader(LLL_Result r) {
            r.r1 = Stress.kind(core.result(idA));
            r.r2 = found(core.find(idA), a);
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            String reuse = c != null && c.slot == a.slot ? "reused" : "fresh";
            r.r3 = reuse + " " + Stress.kind(core.result(idA)) + " "
                    + (c == null ? "rejected" : Stress.kind(core.result(c.id())));
        }
    }

    @JCStressTest
    @Description("Task notes: a finisher publishes its final state and only then enters result "
            + "retention, which evicts the oldest retained task; TaskIndex notes: the ring entry is "
            + "replaced by CAS and the evicted slot cleared with a release store. So a reader that "
            + "finds A gone must then see B final. Retention 1, A retained, B taken; carrier 0 runs B "
            + "while the reader asks result(idA), then result(idB); r3 = A afterwards and B's audit.")
    @Outcome(id = "COMPLETED, RUNNING, NOTFOUND COMPLETED invoked ok", expect = ACCEPTABLE, desc = "Both reads before B ended.")
    @Outcome(id = "COMPLETED, COMPLETED, NOTFOUND COMPLETED invoked ok", expect = ACCEPTABLE, desc = "B ended between the reads.")
    @Outcome(id = "NOTFOUND, COMPLETED, NOTFOUND COMPLETED invoked ok", expect = ACCEPTABLE, desc = "Both reads after the eviction.")
    @Outcome(expect = FORBIDDEN, desc = "A evicted while B still read RUNNING, B not findable, a "
            + "final result without its value, or B's views disagree.")
    @State
    public static class Eviction {
        final SchedulerCore core = Stress.seam(1, 4, 1);
        final Stress.Probe probeB = new Stress.Probe();
        final Task<?>[] ab = retainedThenPending(core, probeB);
        final long idA = ab[0].id();
        final Task<?> b = ab[1];
        final long idB = b.id();
        final Task<?> taken = Stress.claim(core);

        @Actor
        public void carrier() {
            core.runForTest(Stress.CARRIER, taken);
        }

        @Actor
        public void reader(LLL_Result r) {
            r.r1 = Stress.kind(core.result(idA));
            r.r2 = Stress.kind(core.result(idB));
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            r.r3 = Stress.kind(core.result(idA)) + " " + Stress.audit(core, b, probeB, false);
        }
    }
}
