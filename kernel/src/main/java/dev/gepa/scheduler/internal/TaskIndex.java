package dev.gepa.scheduler.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

/**
 * Finds tasks by id, and keeps the last {@code retention} finished ones findable, with no lock,
 * no per-task allocation, and memory that follows use rather than configuration.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>A task's id names a slot of a table: {@code id = generation << slotBits | slot}. A lookup
 * reads the slot and checks that the task there has that id; a mismatch or an empty slot means
 * "not found". Each slot's generation is bumped each time the slot is taken, so ids are never
 * reused within a scheduler. A slot is owned by whoever took it until it is given back, so its
 * generation needs no atomics: the CAS that hands the slot over orders it.
 *
 * <p>The table is a directory of {@value #SEGMENT}-slot segments, allocated the first time a
 * slot in them is handed out: slots are handed out lowest first ({@code fresh} counts the slots
 * ever used) and reused from a free stack before any fresh one is taken, so the table's memory
 * follows the peak number of tasks held at once, not {@code maxQueueSize}. A segment is
 * allocated before the fresh slot is claimed, so an OutOfMemoryError changes nothing.
 *
 * <p>Given-back slots form a Treiber stack threaded through each segment's {@code next} links;
 * the head packs a modification tag (high 32 bits) with the top slot plus one (low 32 bits, 0 =
 * empty), so a pop whose read of a link went stale (the ABA problem) fails its CAS and retries.
 *
 * <p>A task holds its slot from submit until it is evicted from retention. A finisher takes a
 * ring position (one atomic increment) and stores its task at that position modulo the ring
 * size, evicting the task there, the oldest retained one. A finisher delayed by a whole lap
 * could find a newer task in its place; the CAS on the entry keeps the newer one and evicts the
 * late one instead. The ring's segments are allocated as positions first reach them; if that
 * allocation fails, the task is simply not retained (its handle still holds its result). With no
 * retention a task's slot is freed as soon as it finishes.
 *
 * <p>Carriers retire through a {@link Retirer}, which gives evicted slots back in batches: one
 * free-stack CAS per batch instead of per task.
 *
 * <p>Why a free slot exists for an admitted submit: every slot in use belongs to a task counted
 * as pending (at most {@code maxQueueSize}, the submitter itself included), a task held by a
 * carrier (at most {@code maxConcurrent}; a carrier retires its task before it takes another), a
 * slot in a carrier's give-back batch (at most {@code BATCH} per carrier), a task in the ring (at
 * most {@code retention}), or a task whose canceller has published it CANCELLED (so its place is
 * free) and not yet retired it: a few statements, one per cancelling thread. The table has
 * {@code SLACK} slots more than the sum of the bounded terms; a submit that still finds none
 * waits for a canceller to finish those statements.
 */
final class TaskIndex {
    /** Slots per segment of the table and of the ring: small enough that an idle scheduler is small. */
    static final int SEGMENT = 1024;
    private static final int SEGMENT_SHIFT = Integer.numberOfTrailingZeros(SEGMENT);

    /** Slots beyond the bound, for cancellers between publishing a task and retiring it. */
    private static final int SLACK = 256;

    private static final VarHandle FREE_HEAD;
    private static final VarHandle FRESH;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            FREE_HEAD = l.findVarHandle(TaskIndex.class, "freeHead", long.class);
            FRESH = l.findVarHandle(TaskIndex.class, "fresh", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One segment of the table: tasks, their slots' generations and free-stack links. */
    private static final class Segment {
        final AtomicReferenceArray<Task<?>> tasks;
        final long[] generations; // owned by the slot's current holder
        final AtomicIntegerArray next; // free-stack links: slot + 1, 0 ends the stack

        Segment(int size) {
            tasks = new AtomicReferenceArray<>(size);
            generations = new long[size];
            next = new AtomicIntegerArray(size);
        }
    }

    private final int capacity;
    private final int slotBits;
    private final long slotMask;
    private final int segmentSize;
    private final AtomicReferenceArray<Segment> segments;
    private volatile long freeHead; // tag << 32 | (top slot + 1)
    private volatile int fresh; // slots ever handed out; those below are in use or on the stack

    private final int retention;
    private final AtomicReferenceArray<AtomicReferenceArray<Task<?>>> ring;
    private final AtomicLong ringSequence = new AtomicLong();

    TaskIndex(int maxQueueSize, int maxConcurrent, int retention) {
        long needed = (long) maxQueueSize + (2L + Retirer.BATCH) * maxConcurrent + retention
                + SLACK;
        this.capacity = Math.max(2, Integer.highestOneBit((int) Math.min(needed, 1 << 30) - 1) << 1);
        this.slotBits = Integer.numberOfTrailingZeros(capacity);
        this.slotMask = capacity - 1;
        this.segmentSize = Math.min(SEGMENT, capacity);
        this.segments = new AtomicReferenceArray<>(capacity / segmentSize);
        this.retention = retention;
        this.ring = retention == 0 ? null
                : new AtomicReferenceArray<>((retention + SEGMENT - 1) >>> SEGMENT_SHIFT);
    }

    /** Takes a slot, gives the task its id there and publishes it for lookups. */
    void register(Task<?> task) {
        int slot = takeSlot();
        Segment seg = segments.get(slot / segmentSize);
        int i = slot % segmentSize;
        task.slot = slot;
        task.id = (seg.generations[i]++ << slotBits) | slot;
        seg.tasks.lazySet(i, task); // release: a reader that finds the task sees it whole
    }

    private int takeSlot() {
        for (;;) {
            long head = freeHead;
            int top = (int) head; // slot + 1
            if (top != 0) {
                long next = ((head >>> 32) + 1) << 32 | (nextOf(top - 1) & 0xFFFF_FFFFL);
                if (FREE_HEAD.compareAndSet(this, head, next)) {
                    return top - 1;
                }
                continue;
            }
            int f = fresh;
            if (f >= capacity) {
                // only while more than SLACK cancellers sit between publishing and retiring
                // their tasks (see the notes): wait for one to give its slot back
                Thread.onSpinWait();
                continue;
            }
            int s = f / segmentSize;
            if (segments.get(s) == null) {
                segments.compareAndSet(s, null, new Segment(segmentSize)); // before the claim
            }
            if (FRESH.compareAndSet(this, f, f + 1)) {
                return f;
            }
        }
    }

    private int nextOf(int slot) {
        return segments.get(slot / segmentSize).next.get(slot % segmentSize);
    }

    private void giveBack(int slot) {
        giveBackChain(slot + 1, slot);
    }

    /** Pushes a chain of slots, linked top (slot + 1) down to {@code bottom}, in one CAS. */
    private void giveBackChain(int top, int bottom) {
        AtomicIntegerArray bottomLinks = segments.get(bottom / segmentSize).next;
        for (;;) {
            long head = freeHead;
            bottomLinks.set(bottom % segmentSize, (int) head);
            long next = ((head >>> 32) + 1) << 32 | top;
            if (FREE_HEAD.compareAndSet(this, head, next)) {
                return;
            }
        }
    }

    /** Returns the task with this id, or null if it is unknown or no longer retained. */
    Task<?> find(long id) {
        int slot = (int) (id & slotMask);
        if (id < 0 || slot >= fresh) {
            return null;
        }
        Task<?> t = segments.get(slot / segmentSize).tasks.get(slot % segmentSize);
        return t != null && t.id == id ? t : null;
    }

    /**
     * Undoes {@link #register} for a task that was never published to a queue: a submit whose
     * enqueue failed.
     */
    void unregister(Task<?> task) {
        free(task);
    }

    /** Enters a finished task into retention at once, evicting the oldest retained task if full. */
    void retire(Task<?> task) {
        if (ring == null) {
            free(task);
            return;
        }
        Task<?> evicted = place(task, ringSequence.getAndIncrement());
        if (evicted != null) {
            free(evicted);
        }
    }

    /**
     * Stores {@code task} at ring position {@code position}; returns the task to evict (the one
     * there before, or {@code task} itself if a newer one is there or the ring has no memory).
     */
    private Task<?> place(Task<?> task, long position) {
        int entry = (int) (position % retention);
        AtomicReferenceArray<Task<?>> seg = ringSegment(entry >>> SEGMENT_SHIFT);
        if (seg == null) {
            return task; // out of memory for the ring: not retained, nothing else lost
        }
        int i = entry & (SEGMENT - 1);
        task.retiredAt = position;
        for (;;) {
            Task<?> there = seg.get(i);
            if (there != null && there.retiredAt > position) {
                return task; // a lap late: the newer task stays, and ours is the oldest
            }
            if (seg.compareAndSet(i, there, task)) {
                return there;
            }
        }
    }

    /** A carrier's batch of retirements; see {@link Retirer}. */
    Retirer newRetirer() {
        return new Retirer();
    }

    /**
     * Retires one carrier's finished tasks: each enters the ring at once (so retention is exact),
     * but the slots they evict are collected in a private chain and given back to the free stack
     * {@link #BATCH} at a time, in one CAS, and before the carrier waits for work. So submitters,
     * who pop the free stack, rarely meet a carrier's CAS there. An evicted task is unfindable at
     * once; only its slot's reuse waits. Each carrier holds at most {@link #BATCH} slots here,
     * which the table's capacity counts.
     */
    final class Retirer {
        static final int BATCH = 16;
        private int top; // the chain of evicted slots: slot + 1, linked through next; 0 = none
        private int bottom;
        private int size;

        void retire(Task<?> task) {
            Task<?> evicted = ring == null ? task : place(task, ringSequence.getAndIncrement());
            if (evicted == null) {
                return;
            }
            int slot = evicted.slot;
            Segment seg = segments.get(slot / segmentSize);
            seg.tasks.lazySet(slot % segmentSize, null);
            seg.next.set(slot % segmentSize, top);
            if (top == 0) {
                bottom = slot;
            }
            top = slot + 1;
            if (++size == BATCH) {
                flush();
            }
        }

        void flush() {
            if (top != 0) {
                giveBackChain(top, bottom);
                top = 0;
                size = 0;
            }
        }
    }

    private AtomicReferenceArray<Task<?>> ringSegment(int s) {
        AtomicReferenceArray<Task<?>> seg = ring.get(s);
        if (seg != null) {
            return seg;
        }
        try {
            int size = Math.min(SEGMENT, retention - (s << SEGMENT_SHIFT));
            ring.compareAndSet(s, null, new AtomicReferenceArray<>(size));
        } catch (OutOfMemoryError e) {
            return null;
        }
        return ring.get(s);
    }

    private void free(Task<?> task) {
        int slot = task.slot;
        segments.get(slot / segmentSize).tasks.lazySet(slot % segmentSize, null);
        giveBack(slot);
    }

    /** Visits every task in the table: pending, running and retained. Not atomic. */
    void forEach(Consumer<Task<?>> visitor) {
        for (int s = 0, n = segments.length(); s < n; s++) {
            Segment seg = segments.get(s);
            if (seg == null) {
                return; // segments are allocated in order
            }
            for (int i = 0; i < segmentSize; i++) {
                Task<?> t = seg.tasks.get(i);
                if (t != null) {
                    visitor.accept(t);
                }
            }
        }
    }

    /** Returns how many slots are in use; for tests of the memory bound. Exact only when quiet. */
    int slotsInUse() {
        int free = 0;
        for (int top = (int) freeHead; top != 0 && free < capacity; top = nextOf(top - 1)) {
            free++;
        }
        return fresh - free;
    }

    /** Returns how many table segments are allocated; for tests of memory that follows use. */
    int segmentsAllocated() {
        int n = 0;
        while (n < segments.length() && segments.get(n) != null) {
            n++;
        }
        return n;
    }
}
