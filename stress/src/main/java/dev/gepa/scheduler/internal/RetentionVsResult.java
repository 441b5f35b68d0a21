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

    @JCStressTest
    @Description("TaskIndex notes: an id is generation << slotBits | slot and a lookup checks the "
            + "id of the task in the slot, so an evicted task's id never finds the task that reuses "
            + "its slot, and a task once unfindable stays so. The index alone, retention 1, span 512: "
            + "A (sequence 0, slot 0) retained, B registered; the finisher retires B (evicting A, its "
            + "slot given back) then registers C with sequence 512, whose first choice is A's slot; "
            + "the reader asks find(idA) twice. r3 = whether C took A's slot, and the final lookups "
            + "of A and C.")
    @Outcome(id = "A, A, reused none C", expect = ACCEPTABLE, desc = "Both reads before the eviction.")
    @Outcome(id = "A, none, reused none C", expect = ACCEPTABLE, desc = "Evicted between the reads.")
    @Outcome(id = "none, none, reused none C", expect = ACCEPTABLE, desc = "Both reads after the eviction.")
    @Outcome(expect = FORBIDDEN, desc = "A's id found C (other), A found again after it was gone, C "
            + "not found by its id, or A's slot not reused.")
    @State
    public static class SlotReuse {
        final TaskIndex index = new TaskIndex(4, 1, 1);
        final Task<?> a = new Task<>(new Stress.Probe().spec(), null, 0L);
        final Task<?> b = new Task<>(new Stress.Probe().spec(), null, 0L);
        final Task<?> c = new Task<>(new Stress.Probe().spec(), null, 0L);
        final long idA;

        public SlotReuse() {
            index.register(a, 0);
            index.retire(a);
            index.register(b, 1);
            idA = a.id();
        }

        @Actor
        public void finisher() {
            index.retire(b); // evicts A: its slot is given back
            index.register(c, 512); // the span is 512: A's slot is the first choice
        }

        @Actor
        public void reader(LLL_Result r) {
            r.r1 = lookup(index.find(idA));
            r.r2 = lookup(index.find(idA));
        }

        private String lookup(Task<?> found) {
            return found == null ? "none" : found == a ? "A" : found == c ? "C" : "other";
        }

        @Arbiter
        public void arbiter(LLL_Result r) {
            r.r3 = (c.slot == 0 ? "reused" : "fresh") + " " + lookup(index.find(idA)) + " "
                    + lookup(index.find(c.id()));
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
