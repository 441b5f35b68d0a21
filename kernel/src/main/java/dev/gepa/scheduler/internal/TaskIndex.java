package dev.gepa.scheduler.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
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
 * "not found". Each slot's generation is bumped each time the slot is taken, starting at 1 (or
 * above a floor, in a segment allocated again after a trim: below), so ids are never reused
 * within a scheduler and 0 is never an id. A slot is owned by whoever took
 * it until it is given back, so its generation needs no atomics: taking the slot orders it.
 *
 * <p>Taking a slot: the submitter's admission sequence (its task's number among all admitted,
 * unique) names a first choice, {@code sequence mod span}; the submitter CASes that slot from
 * empty to its task, and if it is held, tries the next ones in turn. Giving a slot back is a
 * release store of null by whoever evicts the task. So a submitter writes slots in sequence
 * order, sixteen to a cache line, and a slot's line was last written by a carrier long before
 * (a whole span of submits earlier): no shared word is written by every submit and every
 * finish, as a free-slot stack's head would be. Tasks live for about the same time, so the
 * slots they hold form a window behind the sequence and the first choice is nearly always free;
 * a task held long (a LOW task pending under a flood) is stepped over. Stepping over shifts
 * every later task of the window by one slot, and each would then step over its predecessor,
 * a lap after lap (a cost that grew to a thousand probes a submit): so a submitter that stepped
 * over {@code k} slots adds {@code k} to {@code drift}, which is added to every later sequence,
 * and the later submitters' first choices are free again.
 *
 * <p>Memory follows use: {@code span}, the range of slots in use, starts at one segment of
 * {@value #SEGMENT} slots and doubles (up to the capacity) whenever a submitter finds
 * {@value #CROWDED} slots in a row held, so it settles at about twice the peak number of tasks
 * held at once, and segments are allocated when a slot in them is first tried, before it is
 * taken (an OutOfMemoryError changes nothing). The capacity (every pending, running and retained
 * task, plus {@code SLACK} for cancellers between publishing and retiring a task) guarantees a
 * free slot to every admitted submit; one that still finds none goes round again.
 *
 * <p>And memory falls back after a burst: {@link #trim} (a carrier's, announced idle before it
 * parks, so that no submitter pays for it and a submit's wake-up stops it between steps) first
 * lowers the span to the least power of two that is {@value #TRIM_HEADROOM} times what can be
 * held (the retained tasks, the pending ones, and one running task a carrier), then frees the
 * segments above the span, the highest allocated one first, one a call. Freeing a segment: a
 * read-only look for a held slot (a segment still holding a task stays, and so do those below
 * it, until the next trim); then a CAS of every slot from empty to {@code RETIRED}, a sentinel
 * that submitters step over as held (a submitter that read the span before it fell may still
 * try the segment); then, owning every slot, the trimmer raises {@code generationFloor} past
 * the segment's generations and CASes the segment out of the table. If any CAS finds a slot taken, or the span grew back over the segment, the
 * sentinels are removed and the segment stays. A lookup of the slots of a freed segment finds
 * nothing, as it should: they held no task. A submitter that tries a slot there again allocates
 * a fresh segment; its slots' generations start above the floor, read after the segment (the
 * successful CAS that installed it read the trimmer's removal, which the floor's raise
 * preceded), so an id is never given twice. {@code top} bounds the allocated segments so that a
 * trim looks at few; an allocator raises it after installing a segment and the trimmer lowers
 * it before re-reading the segment, so that one of the two sees the other. One trimmer at a
 * time ({@code trimming}, tried, never waited for).
 *
 * <p>A finished task enters retention: the finisher takes a ring position (one atomic
 * increment) and stores its task at that position modulo the ring size, evicting the task
 * there, the oldest retained one. A finisher delayed by a whole lap could find a newer task in
 * its place; the CAS on the entry keeps the newer one and evicts the late one instead. The
 * ring's segments are allocated as positions first reach them; if that allocation fails, the
 * task is simply not retained (its handle still holds its result). With no retention a task's
 * slot is given back as soon as it finishes.
 */
final class TaskIndex {
    /** Slots per segment of the table and of the ring: small enough that an idle scheduler is small. */
    static final int SEGMENT = 1024;
    private static final int SEGMENT_SHIFT = Integer.numberOfTrailingZeros(SEGMENT);

    /** Slots beyond the bound, for cancellers between publishing a task and retiring it. */
    private static final int SLACK = 256;

    /** Held slots in a row that make a submitter double the span. */
    static final int CROWDED = 8;

    /** A trim leaves this many times the slots that can be held when a carrier is idle. */
    static final int TRIM_HEADROOM = 4;

    /** Fills the slots of a segment being freed: held, for submitters; never a lookup's answer. */
    private static final Task<?> RETIRED = new Task<>(null, null, 0L);

    private static final VarHandle SPAN;
    private static final VarHandle TOP;
    private static final VarHandle TRIMMING;
    private static final VarHandle TASK_ID;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            SPAN = l.findVarHandle(TaskIndex.class, "span", int.class);
            TOP = l.findVarHandle(TaskIndex.class, "top", int.class);
            TRIMMING = l.findVarHandle(TaskIndex.class, "trimming", int.class);
            TASK_ID = l.findVarHandle(Task.class, "id", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** One segment of the table: tasks, and their slots' generations. */
    private static final class Segment {
        final AtomicReferenceArray<Task<?>> tasks;
        final long[] generations; // owned by the slot's current holder

        Segment(int size) {
            tasks = new AtomicReferenceArray<>(size);
            generations = new long[size];
        }
    }

    private final int capacity;
    private final int slotBits;
    private final long slotMask;
    private final int segmentSize;
    private final AtomicReferenceArray<Segment> segments;
    private volatile int span; // a power of two, segmentSize to capacity; grows when crowded, falls in a trim
    /** Segments at this index and above are not allocated; see the notes. */
    private volatile int top;
    /** No slot is given a generation below this: raised past each freed segment's generations. */
    private volatile long generationFloor;
    /** 1 while a carrier trims; tried with a CAS, never waited for. */
    private volatile int trimming;
    private final int maxConcurrent;
    /** Added to a sequence to name its first choice; see the notes. A hint: races lose updates. */
    private volatile int drift;
    /** Held slots submitters stepped over, in all; racy (a statistic, for tests). */
    private long steppedOver;

    private final int retention;
    private final AtomicReferenceArray<AtomicReferenceArray<Task<?>>> ring;
    private final AtomicLong ringSequence = new AtomicLong();

    TaskIndex(int maxQueueSize, int maxConcurrent, int retention) {
        long needed = (long) maxQueueSize + 2L * maxConcurrent + retention + SLACK;
        this.capacity = Math.max(2, Integer.highestOneBit((int) Math.min(needed, 1 << 30) - 1) << 1);
        this.slotBits = Integer.numberOfTrailingZeros(capacity);
        this.slotMask = capacity - 1;
        this.segmentSize = Math.min(SEGMENT, capacity);
        this.segments = new AtomicReferenceArray<>(capacity / segmentSize);
        this.span = segmentSize;
        this.maxConcurrent = maxConcurrent;
        this.retention = retention;
        this.ring = retention == 0 ? null
                : new AtomicReferenceArray<>((retention + SEGMENT - 1) >>> SEGMENT_SHIFT);
    }

    /**
     * Takes a slot, first trying the one {@code sequence} names, gives the task its id there and
     * publishes it for lookups.
     *
     * @param sequence the task's admission sequence number (unique per task)
     */
    void register(Task<?> task, long sequence) {
        int sp = span;
        int shift = drift;
        int slot = (int) (sequence + shift) & (sp - 1);
        for (int tried = 0;; tried++) {
            if (tried == CROWDED && sp < capacity) {
                // crowded: twice the slots, and the sequence's choice among them first
                SPAN.compareAndSet(this, sp, sp << 1);
                sp = span;
                slot = (int) (sequence + shift) & (sp - 1);
                tried = 0;
            }
            Segment seg = segment(slot / segmentSize); // allocated before the slot is taken
            int i = slot % segmentSize;
            if (seg.tasks.get(i) == null) {
                task.slot = slot; // before the CAS: a scan that finds the task may retire it
                if (seg.tasks.compareAndSet(i, null, task)) {
                    long generation = seg.generations[i] + 1;
                    if (generation == 1) { // a fresh segment's slot: above those of freed segments
                        generation = Math.max(1, generationFloor);
                    }
                    seg.generations[i] = generation;
                    TASK_ID.setRelease(task, generation << slotBits | slot);
                    if (tried != 0) {
                        drift = shift + tried; // later sequences start past the tasks stepped over
                        steppedOver += tried;
                    }
                    return;
                }
                task.slot = -1; // not ours: an undo must not give it back
            }
            if (tried >= sp) {
                Thread.onSpinWait(); // every slot held: a canceller is about to give one back
            }
            slot = (slot + 1) & (sp - 1);
        }
    }

    private Segment segment(int s) {
        Segment seg = segments.get(s);
        if (seg == null) {
            if (segments.compareAndSet(s, null, new Segment(segmentSize))) {
                raiseTop(s + 1); // after the install: see the notes
            }
            seg = segments.get(s);
        }
        return seg;
    }

    private void raiseTop(int atLeast) {
        for (int t; (t = top) < atLeast; ) {
            if (TOP.compareAndSet(this, t, atLeast)) {
                return;
            }
        }
    }

    /**
     * Whether the table grew beyond one segment, so that {@link #trim} may have work: two
     * reads, for the carrier's idle path.
     */
    boolean mayTrim() {
        return span > segmentSize || top > 1;
    }

    /**
     * Gives memory back after a burst, one bounded step at a time (see the notes): lowers the
     * span if it is far above what can be held, then frees the highest segment above it if that
     * holds no task. By a carrier that found no task; returns at once if another thread is
     * trimming.
     *
     * @param pending tasks admitted and not yet claimed, about: they hold slots too
     * @return whether a segment was freed and more may follow: the caller may call again
     */
    boolean trim(long pending) {
        int sp = span;
        long retained = ring == null ? 0 : Math.min(ringSequence.get(), retention);
        long wanted = TRIM_HEADROOM * (retained + maxConcurrent + Math.max(0, pending));
        int target = (int) Math.max(segmentSize, Math.min(capacity, Long.highestOneBit(Math.max(1, wanted - 1)) << 1));
        if (sp <= target && top <= sp / segmentSize) {
            return false; // trimmed already
        }
        if (!TRIMMING.compareAndSet(this, 0, 1)) {
            return false;
        }
        try {
            if (sp > target && SPAN.compareAndSet(this, sp, target)) {
                sp = target;
            }
            for (int s; (s = top - 1) >= sp / segmentSize; ) {
                Segment seg = segments.get(s);
                if (seg == null) {
                    lowerTop(s); // never allocated, or freed: look lower
                } else if (free(seg, s)) {
                    lowerTop(s);
                    return top > sp / segmentSize;
                } else {
                    return false; // it holds a task: look again at the next trim
                }
            }
            return false;
        } finally {
            trimming = 0;
        }
    }

    /** Lowers {@code top} past segment {@code s}, unless a submitter installs it meanwhile. */
    private void lowerTop(int s) {
        TOP.compareAndSet(this, s + 1, s);
        if (segments.get(s) != null) { // installed meanwhile (or before our CAS): keep it in view
            raiseTop(s + 1);
        }
    }

    /** Frees segment {@code s} of the table if it holds no task and lies above the span. */
    private boolean free(Segment seg, int s) {
        AtomicReferenceArray<Task<?>> tasks = seg.tasks;
        int n = tasks.length();
        for (int i = 0; i < n; i++) {
            if (tasks.get(i) != null) {
                return false; // a look first: no write to a segment still in use
            }
        }
        int owned = 0;
        while (owned < n && tasks.compareAndSet(owned, null, RETIRED)) {
            owned++;
        }
        if (owned == n && span <= s * segmentSize) {
            long highest = 0;
            for (long g : seg.generations) { // every slot is ours: their holders' stores are seen
                highest = Math.max(highest, g);
            }
            if (generationFloor <= highest) {
                generationFloor = highest + 1; // before the removal, which a new install reads
            }
            segments.compareAndSet(s, seg, null); // only the trimmer removes a segment
            return true;
        }
        for (int i = 0; i < owned; i++) {
            tasks.lazySet(i, null); // a submitter took a slot, or the span grew back over it
        }
        return false;
    }

    /** Returns the task with this id, or null if it is unknown or no longer retained. */
    Task<?> find(long id) {
        int slot = (int) (id & slotMask);
        Segment seg;
        if (id <= 0 || (seg = segments.get(slot / segmentSize)) == null) {
            return null;
        }
        Task<?> t = seg.tasks.get(slot % segmentSize);
        return t != null && (long) TASK_ID.getAcquire(t) == id ? t : null;
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

    /** Gives the task's slot back: a release store, so the next holder's CAS sees it whole. */
    private void free(Task<?> task) {
        int slot = task.slot;
        segments.get(slot / segmentSize).tasks.lazySet(slot % segmentSize, null);
    }

    /** Visits every task in the table: pending, running and retained. Not atomic. */
    void forEach(Consumer<Task<?>> visitor) {
        for (int s = 0, n = segments.length(); s < n; s++) {
            Segment seg = segments.get(s);
            if (seg == null) {
                continue; // never tried
            }
            for (int i = 0; i < segmentSize; i++) {
                Task<?> t = seg.tasks.get(i);
                if (t != null && t != RETIRED) {
                    visitor.accept(t);
                }
            }
        }
    }

    /** Returns how many slots are in use; for tests of the memory bound. Exact only when quiet. */
    int slotsInUse() {
        int[] held = {0};
        forEach(task -> held[0]++);
        return held[0];
    }

    /** Returns how many held slots submitters stepped over, about; for tests of the drift. */
    long steppedOver() {
        return steppedOver;
    }

    /** Returns how many table segments are allocated; for tests of memory that follows use. */
    int segmentsAllocated() {
        int n = 0;
        for (int s = 0; s < segments.length(); s++) {
            if (segments.get(s) != null) {
                n++;
            }
        }
        return n;
    }
}
