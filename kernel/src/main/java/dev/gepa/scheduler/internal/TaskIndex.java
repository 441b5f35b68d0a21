package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.TaskSpec;
import org.jctools.queues.MpmcArrayQueue;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Finds tasks by id, and keeps the last {@code retention} finished ones findable, with no lock
 * and no per-task allocation.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>A task's id names a slot of a fixed table: {@code id = generation << slotBits | slot}. A
 * lookup reads {@code table[id & slotMask]} and checks that the task there has that id; a
 * mismatch or an empty slot means "not found". Each slot's generation is bumped each time the
 * slot is taken, so ids are never reused within a scheduler. A slot is owned by whoever took it
 * from {@code freeSlots} until it is offered back, so its generation needs no atomics: the
 * queue's offer and poll order the hand-over.
 *
 * <p>A task holds its slot from submit until it is evicted from retention. Finished tasks enter
 * the retention ring in the order their finishers claim ring positions (one atomic increment);
 * the task a position held one lap earlier, the oldest, is evicted and its slot freed. With no
 * retention a task's slot is freed as soon as it finishes.
 *
 * <p>Why a free slot always exists for an admitted submit. The scheduler keeps this order:
 * a finishing task is retired here (freeing an evicted slot) <em>before</em> the admission count
 * or the carrier it occupied is released. So every slot in use belongs to one of: a task counted
 * in the admission word (at most {@code maxQueueSize}, the submitter itself included), a task held
 * by a carrier (at most {@code maxConcurrent}), or a task in the ring (at most
 * {@code retention}). The table has more slots than that sum, so {@link #register} finds one.
 * Its spin is a guard against a broken invariant, not a wait.
 */
final class TaskIndex {
    private final AtomicReferenceArray<Task<?>> table;
    private final int slotBits;
    private final long slotMask;
    private final long[] generations; // owned by the slot's current holder
    private final MpmcArrayQueue<Integer> freeSlots;
    private final Integer[] boxedSlots; // pre-boxed: freeing a slot allocates nothing

    private final AtomicReferenceArray<Task<?>> ring;
    private final int retention;
    private final AtomicLong ringSequence = new AtomicLong();

    TaskIndex(int maxQueueSize, int maxConcurrent, int retention) {
        long needed = (long) maxQueueSize + 2L * maxConcurrent + retention;
        int size = Math.max(2, Integer.highestOneBit((int) Math.min(needed, 1 << 30) - 1) << 1);
        this.table = new AtomicReferenceArray<>(size);
        this.slotBits = Integer.numberOfTrailingZeros(size);
        this.slotMask = size - 1;
        this.generations = new long[size];
        this.freeSlots = new MpmcArrayQueue<>(size);
        this.boxedSlots = new Integer[size];
        for (int i = 0; i < size; i++) {
            boxedSlots[i] = i;
            freeSlots.offer(boxedSlots[i]);
        }
        this.retention = retention;
        this.ring = retention == 0 ? null : new AtomicReferenceArray<>(retention);
    }

    /** Takes a slot, creates the task there and publishes it for lookups. */
    <T> Task<T> register(TaskSpec<T> spec, SchedulerCore core, long nowNanos) {
        Integer boxed;
        while ((boxed = freeSlots.poll()) == null) {
            Thread.onSpinWait(); // unreachable while the class invariant holds; see the notes
        }
        int slot = boxed;
        long id = (generations[slot]++ << slotBits) | slot;
        Task<T> task = new Task<>(id, slot, spec, core, nowNanos);
        table.set(slot, task);
        return task;
    }

    /** Returns the task with this id, or null if it is unknown or no longer retained. */
    Task<?> find(long id) {
        Task<?> t = table.get((int) (id & slotMask));
        return t != null && t.id == id ? t : null;
    }

    /** Enters a finished task into retention, evicting the oldest retained task if full. */
    void retire(Task<?> task) {
        if (ring == null) {
            free(task);
            return;
        }
        long position = ringSequence.getAndIncrement();
        Task<?> evicted = ring.getAndSet((int) (position % retention), task);
        if (evicted != null) {
            free(evicted);
        }
    }

    private void free(Task<?> task) {
        table.set(task.slot, null);
        freeSlots.offer(boxedSlots[task.slot]);
    }

    /** Visits every task in the table: pending, running and retained. Not atomic. */
    void forEach(Consumer<Task<?>> visitor) {
        for (int i = 0, n = table.length(); i < n; i++) {
            Task<?> t = table.get(i);
            if (t != null) {
                visitor.accept(t);
            }
        }
    }

    /** Returns how many slots are in use; for tests of the memory bound. */
    int slotsInUse() {
        return table.length() - freeSlots.size();
    }
}
