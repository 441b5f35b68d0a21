package dev.gepa.scheduler.internal;

import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscUnboundedArrayQueue;
import org.jctools.queues.QueueProgressIndicators;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The priority queues: one JCTools MPSC queue per level that any thread offers to, consumed by
 * whichever carrier holds the <em>consumer role</em>.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The consumer role is a try-lock: {@link #tryAcquireRole()} is one CAS of {@code role} from
 * FREE to HELD, and a thread that loses simply does not consume. The holder only moves tasks
 * between queues and CASes their states: it never runs user code, never blocks, never parks or
 * unparks anyone, and gives the role up in a {@code finally}. Carriers take it to claim their
 * own next task; a canceller takes it only to purge tombstones (bounded, below).
 * A carrier that is about to park ({@link #acquireRoleOrMarkMissed()}) and finds the role held
 * marks it MISSED instead; {@link #releaseRole()} (one getAndSet) tells the holder so, and only
 * then does the holder look for more work and an idle carrier to wake. Both are atomic
 * read-modify-writes, so the parking carrier's idle announcement before its mark is seen by the
 * holder's check after its release: no task is left behind a missed role, and an uncontended
 * take costs one CAS and one getAndSet.
 *
 * <p>A level's order is its backlog first, then its inbox. The backlog is consumer-private
 * and is filled only by the purge, which moves a level's inbox into it keeping live tasks only:
 * one linear pass, so purging n queued tasks costs O(n), and it runs once per
 * {@code purgeThreshold} (at least {@code maxQueueSize}) cancels: O(1) amortised per cancel.
 *
 * <p>Strict priority for completed submits. {@code relaxedPoll} returns null while a producer
 * is between claiming a slot and storing its task. {@link #claimNext()} then stops at that level
 * (it does not look at less urgent levels) and reports {@link #STALLED}: a task whose submit has
 * returned is never passed over by a less urgent one. The stalled producer wakes an idle carrier
 * after its store (see {@code SchedulerCore}), so stopping loses nothing. And the scan of the
 * levels is not one instant: a CRITICAL task could be submitted after the scan passed its level
 * and before it reached the LOW task it takes. So the claim takes, then checks: on finding a
 * live task at a level, it CASes the task from PENDING to CLAIMING ({@link Task}), re-checks
 * that every more urgent level is still empty, and then either commits (polls the task and
 * stores DISPATCHED) or, if one is not, withdraws (stores PENDING, in a {@code finally}; the
 * task stays at its head) and starts over. Queues only grow between the holder's own polls, so
 * a level empty at the scan and at the re-check was empty in between, in particular at the CAS.
 * Hence the guarantee: a claim takes effect at one instant, its CAS, at which no more urgent
 * task was queued, so a task whose submit returned before the claim's effect is never passed
 * over; a reader of the task's state waits out the few instructions after the CAS, as it waits
 * out a settling cancel (see Task), so no lookup sees the task pending once the claim took
 * effect (model-checked, with a result lookup, by SchedulerLinearizabilityTest and
 * GuardedClaimLinearizabilityTest; raced by jcstress {@code ClaimVsReturnedSubmit}). The cost:
 * one release store per claim (CLAIMING to DISPATCHED); the re-check comes after the CAS only.
 *
 * <p>The starvation guard, opt-in ({@code starvationBoundNanos} above 0, more than one level).
 * Off, {@link #claimNext()} is the strict claim above behind one branch on a final field. On,
 * a claim reads the clock once, as it begins ({@code now}), and looks at every level's head
 * (its first live task; tombstones at the heads are dropped). A head is <em>overdue</em> if
 * {@code now - submittedNanos > bound}. If a head is overdue, the claim takes the overdue head
 * with the earliest submit time (a tie goes to the more urgent level). If none is, it does what
 * the strict claim does: takes the most urgent level's head, or reports STALLED if the most
 * urgent level holding anything has its next task not stored yet. A level whose next task is
 * not stored has no head to offer: an overdue pick passes it (and the tasks stored behind
 * it), as it may pass any task; a strict pick stops there. The claim takes, then checks, at
 * every level: the heads it saw stay the heads (only the role holder polls), so after its CAS
 * of the pick to CLAIMING it re-checks that each level it saw empty is still empty and each
 * level it saw stalled is still unstored, and withdraws and starts over if not. The levels
 * were then, at the CAS, as the scan saw them: the claim takes effect at its CAS. A start-over
 * follows a level's step from empty to holding a task or from stalled to stored, or a cancel
 * of the pick, so a claim starts over at most twice per level plus once per head cancelled
 * meanwhile. Hence, with the guard on:
 * <ul>
 * <li>when a claim takes effect and some level's head is overdue, the claim takes an overdue
 *     head, whatever the levels, and of those the one submitted first: the longest waiting;</li>
 * <li>when no head is overdue, the order is strict priority as above: a task whose submit has
 *     returned is never passed over by a less urgent one that is not overdue;</li>
 * <li>within a level the order stays FIFO: only heads are compared. A task's time is read as
 *     its submit begins, before it is queued, so submits that race each other may queue out of
 *     time order, and "longest waiting" holds up to that skew; so does the choice when a head
 *     that was not picked is cancelled between the look and the take (the next task of its
 *     level was queued after it);</li>
 * <li>overdue is judged by the clock read as the claim begins: a task may count as overdue up
 *     to one scan late, never early. The bound orders claims; it preempts no running task, and
 *     overdue tasks wait for each other, oldest first.</li>
 * </ul>
 * The cost, on: one clock read per claim, a look at every level's head, and a second look at
 * each level that had none; the strict claim stops at the first level holding a task.
 *
 * <p>Counters written by the role holder alone, with release stores, and read by producers for
 * admission: {@code claimed} (tasks claimed for running) and {@code dequeued} (queue entries
 * removed: claims, dropped tombstones and discarded tasks).
 *
 * <p>Per-level figures for {@code status()}, at no cost to producers: a level's offers are its
 * inbox's producer index (every task is offered once, to its own level's inbox), and the role
 * holder counts claims per level in {@code claimedAt}, next to its own {@code claimed}. The
 * oldest pending task of a level is its first live entry, which only the role holder may look
 * at ({@link #oldestSubmittedAt}): a status reader that takes the role for that looks, drops
 * the tombstones it finds first (bounded), and gives the role back.
 */
final class Inboxes extends InboxesPad1 {
    /** Returned by {@link #claimNext()} when a level holds a task not yet stored. */
    static final Task<?> STALLED = new Task<>(null, null, 0L);

    /** Tombstones a status reader drops, at most, at the head of one level before it looks. */
    private static final int MAX_DROPS_PER_LOOK = 16;

    private static final VarHandle LONG_ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);

    private final MessagePassingQueue<Task<?>>[] inboxes;
    private final Backlog[] backlogs;
    /**
     * Tasks claimed per level, at {@link #padded(int)}; written by the role holder only, with
     * release stores. Padded: it is written on every claim, and the objects allocated next to
     * it (this class's arrays of queues) are read on every offer.
     */
    private final long[] claimedAt;

    /** Longs between two padded counters (and before the first, after the last): 128 bytes. */
    static final int PAD_STRIDE = 16;

    /** The index of counter {@code i} in an array made by {@link #paddedCounters(int)}. */
    static int padded(int i) {
        return (i + 1) * PAD_STRIDE;
    }

    /** An array of {@code n} counters, each on cache lines of its own. */
    static long[] paddedCounters(int n) {
        return new long[(n + 2) * PAD_STRIDE];
    }

    /**
     * The starvation bound in nanoseconds; 0 for strict priority (the guard is off). Off with a
     * single level too: a FIFO's head is its oldest task, the one the guard would pick.
     */
    private final long starvationBoundNanos;

    /**
     * @param starvationBoundNanos how long a task may wait before it is overdue (see the notes);
     *                             0 for strict priority
     */
    @SuppressWarnings({"unchecked", "rawtypes"}) // a generic array of queues
    Inboxes(int levels, int maxQueueSize, long starvationBoundNanos) {
        if (levels < 1 || levels > Integer.SIZE || starvationBoundNanos < 0) { // a level is a bit of an int
            throw new IllegalArgumentException("levels=" + levels + ", starvationBoundNanos=" + starvationBoundNanos);
        }
        this.starvationBoundNanos = levels > 1 ? starvationBoundNanos : 0L;
        int chunk = Math.max(16, Math.min(1024, Integer.highestOneBit(maxQueueSize)));
        inboxes = new MessagePassingQueue[levels];
        backlogs = new Backlog[levels];
        claimedAt = paddedCounters(levels);
        for (int i = 0; i < levels; i++) {
            // linked chunks, each dropped once consumed: memory follows what is queued. A chunk
            // is allocated by the offer that finds the last one full, and if that allocation
            // fails the queue gives its index back and rethrows: the offer did nothing, so the
            // submit undoes its admission (a chunk pool, as in the xadd queue, allocates after
            // the index is claimed and leaves the queue stuck for every later offer)
            inboxes[i] = new MpscUnboundedArrayQueue<>(chunk);
            backlogs[i] = new Backlog();
        }
    }

    // ------------------------------------------------------------------ any thread

    void offer(Task<?> task, int level) {
        inboxes[level].offer(task);
    }

    /** {@return the tasks ever offered to {@code level}; any thread} */
    long offersAt(int level) {
        return ((QueueProgressIndicators) inboxes[level]).currentProducerIndex();
    }

    /** {@return the tasks ever claimed at {@code level}; any thread} */
    long claimedAt(int level) {
        return (long) LONG_ELEMENT.getAcquire(claimedAt, padded(level));
    }

    /**
     * Whether some level may hold a task: exact for the role holder, a hint for others (a
     * backlog's size is read without ordering).
     */
    boolean mayHoldTasks() {
        for (int level = 0; level < inboxes.length; level++) {
            if (!inboxes[level].isEmpty() || !backlogs[level].isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /** Queue entries now, tombstones included. Exact only when quiescent; for tests. */
    int queuedEntries() {
        int n = 0;
        for (int level = 0; level < inboxes.length; level++) {
            n += inboxes[level].size() + backlogs[level].size();
        }
        return n;
    }

    // ------------------------------------------------------------------ the role holder

    /**
     * Claims the most urgent live task (PENDING to DISPATCHED), dropping tombstones on the way.
     * Takes, then checks: it marks the first live task it finds CLAIMING, then checks that every
     * more urgent level is still empty; if one is not, it withdraws the claim and starts over
     * (see the notes: linearizable, at the CAS to CLAIMING).
     *
     * @return the task; null if every level is empty; {@link #STALLED} if a level's next task
     *         is not stored yet (see the notes)
     */
    Task<?> claimNext() {
        if (starvationBoundNanos != 0L) {
            return claimGuarded();
        }
        long claims = lpClaimed();
        long removed = lpDequeued();
        try {
            scan:
            for (;;) {
                for (int level = 0; level < inboxes.length; level++) {
                    Task<?> task;
                    while ((task = peek(level)) != null) {
                        if (!task.beginClaim()) { // the claim's instant, if it stands
                            // a tombstone (a reader that finds it still settling waits for
                            // its final state; see Task): dropped, go on at this level
                            poll(level); // the task peeked: the role holder is the only consumer
                            removed++;
                            continue;
                        }
                        boolean committed = false;
                        try {
                            if (!anyMoreUrgentMayHoldTasks(level)) { // empty at the scan and now: at the CAS too
                                poll(level);
                                removed++;
                                task.commitClaim();
                                committed = true;
                            }
                        } finally {
                            if (!committed) {
                                task.abandonClaim(); // still the head: PENDING again
                            }
                        }
                        if (!committed) {
                            continue scan; // a more urgent task arrived meanwhile
                        }
                        claims++;
                        countClaimAt(level);
                        return task;
                    }
                    if (!inboxes[level].isEmpty()) {
                        return STALLED;
                    }
                }
                return null;
            }
        } finally {
            soDequeued(removed);
            soClaimed(claims);
        }
    }

    /** Counts a claim at {@code level}, for status(); the role holder is its only writer. */
    private void countClaimAt(int level) {
        LONG_ELEMENT.setRelease(claimedAt, padded(level), claimedAt[padded(level)] + 1);
    }

    /** Whether any level more urgent than {@code level} may hold a task. */
    private boolean anyMoreUrgentMayHoldTasks(int level) {
        for (int above = 0; above < level; above++) {
            if (mayHoldTasks(above)) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@link #claimNext()} with the starvation guard on: claims the overdue head that has waited
     * longest, or, if no head is overdue, the most urgent live task as the strict claim does.
     * Reads the clock once; looks at every level's head, marks its pick CLAIMING, then
     * re-checks the levels that had none, and withdraws the claim and starts over if one
     * changed (see the notes).
     */
    private Task<?> claimGuarded() {
        final long now = System.nanoTime();
        final long bound = starvationBoundNanos;
        long claims = lpClaimed();
        long removed = lpDequeued();
        try {
            scan:
            for (;;) {
                int emptyLevels = 0;   // bit per level: nothing offered
                int stalledLevels = 0; // bit per level: a next task not stored yet
                Task<?> oldestOverdue = null;
                int oldestOverdueLevel = -1;
                Task<?> mostUrgent = null;
                int mostUrgentLevel = -1; // the first level holding a task, stored or not
                for (int level = 0; level < inboxes.length; level++) {
                    Task<?> head;
                    while ((head = peek(level)) != null && !head.isPending()) {
                        poll(level); // a tombstone: final, and never claimed
                        removed++;
                    }
                    if (head != null) {
                        if (mostUrgentLevel < 0) {
                            mostUrgent = head;
                            mostUrgentLevel = level;
                        }
                        long stamp = head.submittedNanos;
                        if (now - stamp > bound
                                && (oldestOverdue == null || stamp - oldestOverdue.submittedNanos < 0)) {
                            oldestOverdue = head; // a tie keeps the more urgent level
                            oldestOverdueLevel = level;
                        }
                    } else if (!inboxes[level].isEmpty()) {
                        stalledLevels |= 1 << level;
                        if (mostUrgentLevel < 0) {
                            mostUrgentLevel = level; // mostUrgent stays null: STALLED, unless overdue
                        }
                    } else {
                        emptyLevels |= 1 << level;
                    }
                }
                Task<?> pick = oldestOverdue != null ? oldestOverdue : mostUrgent;
                int pickLevel = oldestOverdue != null ? oldestOverdueLevel : mostUrgentLevel;
                if (pick == null) {
                    return mostUrgentLevel < 0 ? null : STALLED;
                }
                if (!pick.beginClaim()) { // the claim's instant, if it stands
                    poll(pickLevel); // cancelled since the look: a tombstone now, dropped
                    removed++;
                    continue;
                }
                boolean committed = false;
                try {
                    if (levelsAsSeen(emptyLevels, stalledLevels)) {
                        poll(pickLevel); // the head peeked: the role holder is the only consumer
                        removed++;
                        pick.commitClaim();
                        committed = true;
                    }
                } finally {
                    if (!committed) {
                        pick.abandonClaim(); // still the head: PENDING again
                    }
                }
                if (committed) {
                    claims++;
                    countClaimAt(pickLevel);
                    return pick;
                }
                // a level changed since the scan: withdrawn, look again
            }
        } finally {
            soDequeued(removed);
            soClaimed(claims);
        }
    }

    /**
     * For the guarded claim, after its CAS: whether each level seen empty is still empty and each
     * seen stalled still has no stored task. The heads seen are still the heads (only the role
     * holder polls).
     */
    private boolean levelsAsSeen(int emptyLevels, int stalledLevels) {
        for (int level = 0; level < inboxes.length; level++) {
            int bit = 1 << level;
            if ((emptyLevels & bit) != 0 ? mayHoldTasks(level)
                    : (stalledLevels & bit) != 0 && peek(level) != null) {
                return false;
            }
        }
        return true;
    }

    /**
     * The submit time of the first live task of {@code level}, for a status reader holding the
     * role: it drops up to {@link #MAX_DROPS_PER_LOOK} tombstones at the head first (as a claim
     * would), then looks.
     *
     * @return the head's {@code submittedNanos}; 0 if the level holds no stored task (or, with
     *         task timing off, always); a tombstone's time if more tombstones than that lead
     */
    long oldestSubmittedAt(int level) {
        int dropped = 0;
        try {
            Task<?> task;
            while ((task = peek(level)) != null) {
                if (task.isPending() || dropped == MAX_DROPS_PER_LOOK) {
                    return task.submittedNanos;
                }
                poll(level); // a tombstone: final, and never claimed
                dropped++;
            }
            return 0L;
        } finally {
            if (dropped > 0) {
                soDequeued(lpDequeued() + dropped);
            }
        }
    }

    /** Removes the next task of any level for discarding; null if none is stored. */
    Task<?> pollAny() {
        for (int level = 0; level < inboxes.length; level++) {
            Task<?> task = poll(level);
            if (task != null) {
                soDequeued(lpDequeued() + 1);
                return task;
            }
        }
        return null;
    }

    private boolean mayHoldTasks(int level) {
        return !inboxes[level].isEmpty() || !backlogs[level].isEmpty();
    }

    private Task<?> peek(int level) {
        Backlog backlog = backlogs[level];
        return backlog.isEmpty() ? inboxes[level].relaxedPeek() : backlog.peekFirst();
    }

    private Task<?> poll(int level) {
        Backlog backlog = backlogs[level];
        return backlog.isEmpty() ? inboxes[level].relaxedPoll() : backlog.pollFirst();
    }

    /**
     * Moves every level's inbox into its backlog, keeping only live tasks. Linear in the number
     * of queued entries; allocates only when a backlog must grow, before it takes the task.
     *
     * @return the number of tombstones removed
     */
    int purge() {
        int removed = 0;
        try {
            for (int level = 0; level < inboxes.length; level++) {
                Backlog backlog = backlogs[level];
                removed += backlog.purge();
                MessagePassingQueue<Task<?>> inbox = inboxes[level];
                for (;;) {
                    backlog.ensureRoomForOne();
                    Task<?> task = inbox.relaxedPoll();
                    if (task == null) {
                        break;
                    }
                    if (task.isPending()) {
                        backlog.addLast(task);
                    } else {
                        removed++;
                    }
                }
            }
        } finally {
            soDequeued(lpDequeued() + removed);
        }
        return removed;
    }
}

/*
 * Padding: the role word and the counters its holder writes share cache lines of their own, away
 * from the producers' lines and from the read-mostly fields. Classes are declared in inheritance
 * order; a class's fields are laid out after its superclass's (a small field may fill the 4-byte
 * gap after a compressed header, hence padding before the first hot field too).
 */
abstract class InboxesPad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

abstract class InboxesRole extends InboxesPad0 {
    private static final VarHandle ROLE;
    private static final VarHandle CLAIMED;
    private static final VarHandle DEQUEUED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            ROLE = l.findVarHandle(InboxesRole.class, "role", int.class);
            CLAIMED = l.findVarHandle(InboxesRole.class, "claimed", long.class);
            DEQUEUED = l.findVarHandle(InboxesRole.class, "dequeued", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The role is free. */
    static final int FREE = 0;
    /** A thread holds the role. */
    static final int HELD = 1;
    /** A thread holds the role and a carrier about to park found it taken. */
    static final int MISSED = 2;

    /** FREE, HELD or MISSED. */
    private volatile int role;
    /** Tasks claimed for running; written by the role holder only. */
    private long claimed;
    /** Queue entries removed (claims, tombstones, discards); written by the role holder only. */
    private long dequeued;

    /** Takes the consumer role if it is free: one CAS, never a wait. */
    final boolean tryAcquireRole() {
        return role == FREE && ROLE.compareAndSet(this, FREE, HELD);
    }

    /**
     * For a carrier about to park: takes the role if it is free, else marks it MISSED so that
     * the holder checks for work and idle carriers when it gives the role up.
     *
     * @return whether the role was taken
     */
    final boolean acquireRoleOrMarkMissed() {
        for (;;) {
            int r = role;
            if (r == FREE) {
                if (ROLE.compareAndSet(this, FREE, HELD)) {
                    return true;
                }
            } else if (r == MISSED || ROLE.compareAndSet(this, HELD, MISSED)) {
                return false;
            }
        }
    }

    /**
     * Gives the role up (a full fence); returns whether a parking carrier missed it meanwhile,
     * in which case the caller must look for work left and an idle carrier to wake.
     */
    final boolean releaseRole() {
        return (int) ROLE.getAndSet(this, FREE) == MISSED;
    }

    final long lvClaimed() {
        return (long) CLAIMED.getAcquire(this);
    }

    final long lvDequeued() {
        return (long) DEQUEUED.getAcquire(this);
    }

    final long lpClaimed() {
        return claimed;
    }

    final long lpDequeued() {
        return dequeued;
    }

    final void soClaimed(long value) {
        CLAIMED.setRelease(this, value);
    }

    final void soDequeued(long value) {
        DEQUEUED.setRelease(this, value);
    }
}

abstract class InboxesPad1 extends InboxesRole {
    long p10, p11, p12, p13, p14, p15, p16, p17;
    long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}
