package dev.gepa.scheduler.internal;

import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LL_Result;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Taking id-table slots ({@link TaskIndex#register}): a submitter CASes the slot its sequence
 * names from empty to its task, stepping over held slots; a finisher gives a slot back with a
 * release store. Two submitters whose first choices collide, and a submitter whose first choice
 * is being given back, each end with a slot and an id of their own, found by that id.
 */
public final class SlotTake {
    private SlotTake() { }

    static Task<?> task() {
        return new Task<>(new Stress.Probe().spec(), null, 0L);
    }

    @JCStressTest
    @Description("TaskIndex notes: a slot is taken by CAS from empty, so of two submitters whose "
            + "first choice is the same slot (sequences 5 and 517, span 512) one takes it and the "
            + "other steps over to the next; their ids differ and each finds its own task. r1 = the "
            + "slots taken, r2 = whether each id finds its task.")
    @Outcome(id = {"5 6, found found", "6 5, found found"}, expect = ACCEPTABLE, desc = "One took the first choice, the other the next slot.")
    @Outcome(expect = FORBIDDEN, desc = "One slot taken twice, a slot skipped, or an id that does not find its task.")
    @State
    public static class TakeVsTake {
        final TaskIndex index = new TaskIndex(4, 1, 0);
        final Task<?> t1 = task();
        final Task<?> t2 = task();

        @Actor
        public void first() {
            index.register(t1, 5);
        }

        @Actor
        public void second() {
            index.register(t2, 5 + 512);
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            r.r1 = t1.slot + " " + t2.slot;
            r.r2 = (index.find(t1.id()) == t1 ? "found" : "lost") + " "
                    + (index.find(t2.id()) == t2 ? "found" : "lost");
        }
    }

    @JCStressTest
    @Description("TaskIndex notes: a slot given back is a release store of null, and the next "
            + "holder's CAS reads it; the generation bumped by each holder keeps ids unique. Task H "
            + "holds slot 5; a finisher gives it back while a submitter whose first choice is slot 5 "
            + "(sequence 517, span 512) registers T. r1 = T's slot, r2 = what H's and T's ids find.")
    @Outcome(id = "5, none T", expect = ACCEPTABLE, desc = "H's slot was given back first: T reused it.")
    @Outcome(id = "6, none T", expect = ACCEPTABLE, desc = "T found slot 5 held and stepped over.")
    @Outcome(expect = FORBIDDEN, desc = "H's id finds T or H after its slot was given back, or T is not found.")
    @State
    public static class TakeVsGiveBack {
        final TaskIndex index = new TaskIndex(4, 1, 0);
        final Task<?> h = task();
        final Task<?> t = task();
        final long idH;

        public TakeVsGiveBack() {
            index.register(h, 5);
            idH = h.id();
        }

        @Actor
        public void finisher() {
            index.unregister(h);
        }

        @Actor
        public void submitter() {
            index.register(t, 5 + 512);
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            r.r1 = String.valueOf(t.slot);
            Task<?> byH = index.find(idH);
            Task<?> byT = index.find(t.id());
            r.r2 = (byH == null ? "none" : byH == h ? "H" : "T") + " " + (byT == t ? "T" : "lost");
        }
    }
}
