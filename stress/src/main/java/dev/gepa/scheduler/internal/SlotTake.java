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

    @JCStressTest
    @Description("TaskIndex notes, memory falls back: a trim lowers the span and frees a segment "
            + "above it by CASing every slot from empty to a sentinel, then removes it. A submitter "
            + "that read the span before it fell may still try that segment. The table grew to two "
            + "segments (span 2048) and was emptied; a submitter registers T at sequence 1029 (slot "
            + "1029 at span 2048, slot 5 at span 1024) while a carrier trims. r1 = T's segment, "
            + "r2 = whether T is found by its id and its id is new, and the segments allocated.")
    @Outcome(id = "0, found new, 1", expect = ACCEPTABLE, desc = "T went to the lowered span; the high segment was freed.")
    @Outcome(id = "1, found new, 2", expect = ACCEPTABLE, desc = "T took a slot of the high segment first (the trim kept it), or after it was freed (a fresh one).")
    @Outcome(expect = FORBIDDEN, desc = "T lost with its segment, or given an id used before.")
    @State
    public static class TakeVsTrim {
        final TaskIndex index = new TaskIndex(2000, 1, 0); // capacity 4096: four segments
        final Task<?> t = task();
        final long[] usedIds = new long[TaskIndex.SEGMENT + TaskIndex.CROWDED];

        public TakeVsTrim() {
            Task<?>[] burst = new Task<?>[usedIds.length];
            for (int i = 0; i < burst.length; i++) { // one segment's worth and more: the span doubles
                index.register(burst[i] = task(), i);
                usedIds[i] = burst[i].id();
            }
            for (Task<?> b : burst) {
                index.unregister(b);
            }
        }

        @Actor
        public void submitter() {
            index.register(t, TaskIndex.SEGMENT + 5);
        }

        @Actor
        public void trimmer() {
            index.trim(0);
        }

        @Arbiter
        public void arbiter(LL_Result r) {
            r.r1 = String.valueOf(t.slot / TaskIndex.SEGMENT);
            boolean fresh = true;
            for (long used : usedIds) {
                fresh &= used != t.id();
            }
            r.r2 = (index.find(t.id()) == t ? "found" : "lost") + " " + (fresh ? "new" : "reused")
                    + ", " + index.segmentsAllocated();
        }
    }
}
