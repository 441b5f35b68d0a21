package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.TaskSpec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicIntegerArray;
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
 * slot is taken, so ids are never reused within a scheduler. A slot is owned by whoever popped
 * it from the free list until it is pushed back, so its generation needs no atomics: the CAS of
 * the free list's head orders the hand-over.
 *
 * <p>Free slots form a Treiber stack threaded through {@code nextFree}; the head word packs a
 * modification tag (high 32 bits) with the top slot plus one (low 32 bits, 0 = empty), so a
 * pop whose read of {@code nextFree} went stale (the ABA problem) fails its CAS and retries.
 * Unlike an array queue, neither push nor pop ever waits for another thread's half-finished
 * operation.
 *
 * <p>A task holds its slot from submit until it is evicted from retention. A finisher takes a
 * ring position (one atomic increment) and stores its task at that position modulo the ring
 * size, evicting the task there, which is the oldest retained one. A finisher delayed by a whole
 * lap could find a newer task in its place; the CAS on the entry keeps the newer one and evicts
 * the late one instead, so the oldest is always the one evicted. With no retention a task's slot
 * is freed as soon as it finishes.
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
    private final AtomicIntegerArray nextFree; // the free stack's links: slot + 1, 0 ends it
    private volatile long freeHead; // tag << 32 | (top slot + 1)
    private static final VarHandle FREE_HEAD;

    static {
        try {
            FREE_HEAD = MethodHandles.lookup().findVarHandle(TaskIndex.class, "freeHead", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

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
        this.nextFree = new AtomicIntegerArray(size);
        for (int i = 0; i < size - 1; i++) {
            nextFree.set(i, i + 2); // slot i links to slot i + 1
        }
        this.freeHead = 1; // slot 0 on top, tag 0
        this.retention = retention;
        this.ring = retention == 0 ? null : new AtomicReferenceArray<>(retention);
    }

    /** Takes a slot, creates the task there and publishes it for lookups. */
    <T> Task<T> register(TaskSpec<T> spec, SchedulerCore core, long nowNanos) {
        int slot = popFreeSlot();
        long id = (generations[slot]++ << slotBits) | slot;
        Task<T> task = new Task<>(id, slot, spec, core, nowNanos);
        table.lazySet(slot, task); // release: a reader that finds the task sees it whole
        return task;
    }

    private int popFreeSlot() {
        for (;;) {
            long head = freeHead;
            int top = (int) head; // slot + 1
            if (top == 0) {
                // unreachable while the class invariant holds; see the notes
                throw new IllegalStateException("no free task slot: the slot bound was broken");
            }
            long next = ((head >>> 32) + 1) << 32 | (nextFree.get(top - 1) & 0xFFFF_FFFFL);
            if (FREE_HEAD.compareAndSet(this, head, next)) {
                return top - 1;
            }
        }
    }

    private void pushFreeSlot(int slot) {
        for (;;) {
            long head = freeHead;
            nextFree.set(slot, (int) head);
            long next = ((head >>> 32) + 1) << 32 | (slot + 1);
            if (FREE_HEAD.compareAndSet(this, head, next)) {
                return;
            }
        }
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
        task.retiredAt = position;
        int entry = (int) (position % retention);
        for (;;) {
            Task<?> there = ring.get(entry);
            if (there != null && there.retiredAt > position) {
                free(task); // a lap late: the newer task stays, and ours is the oldest
                return;
            }
            if (ring.compareAndSet(entry, there, task)) {
                if (there != null) {
                    free(there);
                }
                return;
            }
        }
    }

    private void free(Task<?> task) {
        table.lazySet(task.slot, null);
        pushFreeSlot(task.slot);
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

    /** Returns how many slots are in use; for tests of the memory bound. Exact only when quiet. */
    int slotsInUse() {
        int free = 0;
        for (int top = (int) freeHead; top != 0 && free < table.length(); top = nextFree.get(top - 1)) {
            free++;
        }
        return table.length() - free;
    }
}
