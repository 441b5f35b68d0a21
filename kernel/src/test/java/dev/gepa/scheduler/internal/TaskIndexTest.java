package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.TaskSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The id table's slot protocol ({@link TaskIndex}): a submitter takes the slot its admission
 * sequence names, steps over held slots, and the span of slots grows only when crowded. Races of
 * the protocol are jcstress's {@code SlotTakeVsGiveBack}.
 */
class TaskIndexTest {

    private static Task<Integer> task() {
        return new Task<>(TaskSpec.of("c", () -> 1), null, 0L);
    }

    /** One task at a time through a table sized for a million: one segment, fresh ids throughout. */
    @Test
    void lightUseStaysInOneSegmentAndNeverReusesAnId() {
        TaskIndex index = new TaskIndex(1 << 20, 1, 0);
        Set<Long> ids = new HashSet<>();
        Task<?> previous = null;
        for (long seq = 0; seq < 100_000; seq++) {
            Task<?> t = task();
            index.register(t, seq);
            assertTrue(t.id > 0, "ids are positive");
            assertTrue(ids.add(t.id), () -> "id " + t.id + " given twice");
            assertSame(t, index.find(t.id));
            index.unregister(t);
            assertNull(index.find(t.id), "a given-back slot's task is not found");
            if (previous != null) {
                assertNull(index.find(previous.id));
            }
            previous = t;
        }
        assertEquals(1, index.segmentsAllocated(), "segments");
        assertEquals(0, index.slotsInUse(), "slots in use");
    }

    /** A task held while the sequence laps it is stepped over, and the span does not grow for one held slot. */
    @Test
    void aHeldSlotIsSteppedOver() {
        TaskIndex index = new TaskIndex(1 << 20, 1, 0);
        Task<?> held = task();
        index.register(held, 0);
        assertEquals(0, held.slot);
        for (long seq = 1; seq < 10 * TaskIndex.SEGMENT; seq++) {
            Task<?> t = task();
            index.register(t, seq);
            assertTrue(t.slot != held.slot, "the held slot was taken again");
            index.unregister(t);
        }
        assertSame(held, index.find(held.id));
        assertEquals(1, index.segmentsAllocated(), "segments");
        assertEquals(1, index.slotsInUse(), "slots in use");
    }

    /**
     * Tasks held for ever (carriers busy with endless tasks) while a full retention window flows
     * past them lap after lap: each lap steps over them once, not once per submit. Without the
     * drift, a stepped-over slot shifted every later task of the window by one and each submit
     * stepped over all the shift: about a thousand slots a submit after a few hundred laps.
     */
    @Test
    void tasksHeldForEverAreSteppedOverOncePerLap() {
        int retention = 1024;
        TaskIndex index = new TaskIndex(1024, 2, retention); // capacity 4096
        index.register(task(), 0);
        index.register(task(), 1);
        int laps = 300;
        long submits = (long) laps * 4096;
        for (long seq = 2; seq < submits; seq++) {
            Task<?> t = task();
            index.register(t, seq);
            index.retire(t);
        }
        long stepped = index.steppedOver();
        assertTrue(stepped <= 8L * laps, () -> "stepped over " + stepped + " held slots in " + submits
                + " submits (" + laps + " laps)");
        assertEquals(retention + 2, index.slotsInUse());
    }

    /** Holding more tasks than the span has slots doubles it until they fit; every task stays findable. */
    @Test
    void crowdingGrowsTheSpanToFitWhatIsHeld() {
        TaskIndex index = new TaskIndex(1 << 20, 1, 0);
        int n = 3 * TaskIndex.SEGMENT;
        List<Task<?>> tasks = new ArrayList<>();
        Set<Integer> slots = new HashSet<>();
        for (int seq = 0; seq < n; seq++) {
            Task<?> t = task();
            index.register(t, seq);
            assertTrue(slots.add(t.slot), () -> "slot " + t.slot + " held twice");
            tasks.add(t);
        }
        for (Task<?> t : tasks) {
            assertSame(t, index.find(t.id));
        }
        int segments = index.segmentsAllocated();
        assertEquals(3, segments, () -> "segments for " + n + " held tasks");
        for (Task<?> t : tasks) {
            index.unregister(t);
        }
        for (long seq = n; seq < n + 20_000; seq++) { // light use afterwards stays within that span
            Task<?> t = task();
            index.register(t, seq);
            index.unregister(t);
        }
        assertEquals(4, index.segmentsAllocated(), "segments after the burst: the span it grew to, 4096 slots");
        assertEquals(0, index.slotsInUse());
    }

    /** At full capacity with retention, slots given back by eviction are found again by later sequences. */
    @Test
    void retentionEvictsAndTheSlotIsReused() {
        int retention = 100;
        TaskIndex index = new TaskIndex(10, 1, retention);
        List<Task<?>> finished = new ArrayList<>();
        for (long seq = 0; seq < 10_000; seq++) {
            Task<?> t = task();
            index.register(t, seq);
            index.retire(t);
            finished.add(t);
        }
        for (int i = 0; i < finished.size(); i++) {
            Task<?> t = finished.get(i);
            if (i >= finished.size() - retention) {
                assertSame(t, index.find(t.id), "a retained task is found");
            } else {
                assertNull(index.find(t.id), "an evicted task is not found");
            }
        }
        assertEquals(retention, index.slotsInUse());
    }

    /**
     * After a burst, trims give the grown segments back, a few at a time, while a task still held
     * high keeps its segment (and it stays findable); slots taken again in a freed segment's range
     * get ids never given before.
     */
    @Test
    void trimGivesBackWhatABurstGrewAndNeverReusesAnId() {
        TaskIndex index = new TaskIndex(1 << 20, 1, 0);
        int n = 40 * TaskIndex.SEGMENT;
        List<Task<?>> burst = new ArrayList<>();
        Set<Long> ids = new HashSet<>();
        for (int seq = 0; seq < n; seq++) {
            Task<?> t = task();
            index.register(t, seq);
            assertTrue(ids.add(t.id));
            burst.add(t);
        }
        int grown = index.segmentsAllocated();
        assertTrue(grown >= 40, () -> "segments after the burst: " + grown);
        Task<?> heldHigh = burst.get(n - 1);
        for (Task<?> t : burst) {
            if (t != heldHigh) {
                index.unregister(t);
            }
        }
        for (int i = 0; i < 100; i++) {
            index.trim(0);
        }
        assertTrue(index.segmentsAllocated() > 1, "a segment holding a task is kept, and those below it");
        assertSame(heldHigh, index.find(heldHigh.id), "a task held through trims is still found");
        index.unregister(heldHigh);
        for (int i = 0; i < 100; i++) {
            index.trim(0);
        }
        assertEquals(1, index.segmentsAllocated(), "segments after trims");
        // a burst again: the freed segments come back, with ids above any given before
        for (int seq = n; seq < 3 * n; seq++) {
            Task<?> t = task();
            index.register(t, seq);
            assertTrue(ids.add(t.id), () -> "id " + t.id + " given twice, slot " + t.slot);
            assertSame(t, index.find(t.id));
            if (seq % 3 != 0) {
                index.unregister(t);
            }
        }
        for (Task<?> t : burst) {
            assertNull(index.find(t.id), "a task of the first burst is not found");
        }
    }
}
