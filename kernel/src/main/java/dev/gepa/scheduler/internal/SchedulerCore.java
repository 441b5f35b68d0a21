package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.RejectedTaskException;
import dev.gepa.scheduler.RejectionReason;
import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskResult;
import dev.gepa.scheduler.TaskSpec;
import org.jctools.queues.MessagePassingQueue;
import org.jctools.queues.MpscArrayQueue;
import org.jctools.queues.MpscUnboundedXaddArrayQueue;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * The scheduling kernel: admission, the priority queues, dispatch onto carriers, completion,
 * cancellation, statistics and shutdown, with no lock on any of them.
 *
 * <h2>Implementation notes</h2>
 *
 * <h3>State</h3>
 * <ul>
 * <li>{@code ctl}, the admission word: the pending count in its low 32 bits, plus the SHUTDOWN,
 *     STOP and DISCARD bits. "Pending" counts tasks admitted and neither held by a carrier nor
 *     cancelled. Submit admits by CAS only while SHUTDOWN is clear and pending is below
 *     {@code maxQueueSize}; hand-over to a carrier and pending-cancel subtract one. Keeping the shutdown bits in
 *     the same word as the count makes "shut down and nothing pending" a single read that can
 *     never become false again: the carriers' exit condition.</li>
 * <li>One JCTools MPSC queue per priority level ({@code inboxes}, one level when priorities
 *     are off), plus a consumer-private {@code backlogs} deque per level used only by the
 *     tombstone purge (below). A level's order is backlog first, then inbox.</li>
 * <li>{@code idleCarriers}: an MPSC queue of carriers waiting for a task. Its size is the number
 *     of free slots seen by dispatch; a carrier is in it at most once.</li>
 * <li>{@code wip}: the drain counter that serialises the single consumer of all those MPSC
 *     queues without a lock (the work-in-progress pattern). {@code signalDrain()} increments
 *     it; whoever moves it from 0 becomes the drainer and loops until it can subtract all the
 *     signals it has seen and reach 0 again. A thread that finds it non-zero leaves at once:
 *     the drainer has promised to look again. The drainer never runs an evaluator or blocks.</li>
 * </ul>
 *
 * <h3>Dispatch</h3>
 * A drain pass pairs the highest-priority live task with an idle carrier while both exist:
 * claim the task (CAS PENDING to DISPATCHED), take the carrier off {@code idleCarriers}, hand the
 * task over (unparking the carrier only if it is parked), and only then release the task's
 * pending count: a claimed task is counted pending until a carrier holds it. The
 * invariant after every pass: not (an idle carrier is queued and a published live task is
 * queued). Every event that could break it signals a drain after it happens:
 * <ul>
 * <li>A carrier that goes idle offers itself to {@code idleCarriers}, then signals.</li>
 * <li>A submitter publishes its task, issues a full fence, and signals only if
 *     {@code idleCarriers} is not empty. The fence pairs with the carrier's atomic offer:
 *     either the submitter sees the idle carrier and signals, or the carrier's offer and its
 *     signal come after the task was published, and that drain finds it. When every carrier is
 *     busy a submit touches neither {@code wip} nor any carrier.</li>
 * </ul>
 * A drainer loops until it has answered every signal, so while carriers keep finishing and
 * signalling it may make several passes, and a carrier that claimed its own task in the first
 * pass starts it after them. Each pass only moves tasks and never blocks.
 * The drain uses {@code relaxedPoll}, which may return null while a producer is between
 * claiming a queue slot and storing its element; that producer signals after it stores
 * (previous rule), so the drain can stop without waiting for it.
 *
 * <h3>Carriers</h3>
 * {@code maxConcurrent} carrier threads, so at most that many evaluators run. A carrier that
 * finishes a task first tries to become the drainer itself (one CAS of {@code wip} from 0) and
 * claim the next task for itself: no hand-off, no wake-up. Failing that, it offers itself as
 * idle, signals, and waits for a hand-off: it sets {@code parked}, re-reads its mailbox, and
 * only then parks; the drainer writes the mailbox, then reads {@code parked} (a Dekker pair of
 * volatiles, so no wake-up is lost). Idle carriers park and use no CPU.
 *
 * <h3>Cancellation and tombstones</h3>
 * Cancelling a pending task is one CAS on the task ({@link Task}); the task stays in its queue
 * as a tombstone, but its pending count is released at once, so the bound frees at once. The
 * drainer discards tombstones as it meets them. So that cancel churn against busy carriers
 * cannot grow the queues (the ScheduledThreadPoolExecutor retention leak), {@code tombstones}
 * counts them, and when it reaches {@code purgeThreshold} (at least {@code maxQueueSize}) the
 * canceller signals a drain that moves each inbox into its backlog and removes every tombstone.
 * The purge runs on whichever thread holds the drain role; if that thread is descheduled,
 * cancellers cannot purge in its place, so admission also refuses (QUEUE_FULL) while pending
 * plus tombstones would reach {@code admissionCeiling = maxQueueSize + 2 * purgeThreshold}.
 * Every tombstone was once an admitted task, so queued tasks never exceed that ceiling plus the
 * submits in flight: O(maxQueueSize) however many are cancelled, even with the purge stalled.
 * Normally the purge keeps tombstones below {@code purgeThreshold}, and the ceiling never binds.
 * The purge costs O(maxQueueSize) once per {@code purgeThreshold} cancels: O(1) amortised.
 *
 * <h3>Finishing</h3>
 * Whoever wins a task's final transition does its bookkeeping exactly once: statistics, then
 * result retention ({@link TaskIndex#retire}), then, for a pending cancel, releasing its pending
 * count. Retiring before releasing is what keeps the id table's slot count sufficient
 * ({@link TaskIndex}).
 *
 * <h3>Shutdown</h3>
 * {@code shutdown()} sets SHUTDOWN: no admission from then on, so the pending count only falls.
 * The thread that takes it to zero with SHUTDOWN set (or shutdown itself) unparks every carrier;
 * a carrier that finds "SHUTDOWN and nothing pending" exits (after one more look at its
 * mailbox), and the last one out completes termination and frees the name. A carrier may exit
 * while still in {@code idleCarriers}: with nothing pending and no admission, no task is queued
 * or claimed-but-unheld, and none can ever be again. {@code shutdownNow()} sets SHUTDOWN and
 * STOP (drains claim nothing more), cancels every pending task and interrupts every running one
 * through the id table, and only then sets DISCARD, so that a drain that sees DISCARD cancels
 * just what raced the scan into the queues: every task pending or running when the scan passes
 * is in the returned list, since no carrier can take a pending one ahead of the scan.
 *
 * <h3>Statistics</h3>
 * Counters are written once per event by the event's winner: what carriers count (started,
 * completed, failed, run and wait time) in single-writer fields of each carrier, released with
 * a plain store; the rest (submitted, cancelled, rejected) in {@link LongAdder}s. {@code status()}
 * reads the final-state counters before {@code submitted}; since a task is counted submitted
 * before it can finish, the counters only grow, and each carrier counter is read with acquire,
 * the snapshot never shows more finished than submitted. Clock reads: one at submit, and on the
 * carrier one at the end of each task, which also serves as the start of the next task when the
 * carrier takes it straight away (so run time includes that one claim, some tens of ns).
 */
public final class SchedulerCore extends SchedulerCoreFields implements Scheduler {

    private static final long PENDING_MASK = 0xFFFF_FFFFL;
    private static final long SHUTDOWN = 1L << 40;
    private static final long STOP = 1L << 41;
    private static final long DISCARD = 1L << 42;

    private static final int ADMITTED = 0;
    private static final int FULL = 1;
    private static final int CLOSED = 2;

    private static final AtomicInteger UNNAMED = new AtomicInteger();

    private static final VarHandle CTL;
    private static final VarHandle WIP;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CTL = l.findVarHandle(SchedulerCoreAdmission.class, "ctl", long.class);
            WIP = l.findVarHandle(SchedulerCoreDrain.class, "wip", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final SchedulerConfig config;
    private final int maxQueueSize;
    private final boolean priorities;
    private final MessagePassingQueue<Task<?>>[] inboxes;
    private final ArrayDeque<Task<?>>[] backlogs; // drainer-private
    private final MpscArrayQueue<Carrier> idleCarriers;
    private final Carrier[] carriers;
    private final TaskIndex index;
    private final AtomicLong tombstones = new AtomicLong();
    private final long purgeThreshold;
    /** Pending plus tombstones may not reach this: the queues stay bounded while a purge waits. */
    private final long admissionCeiling;
    private final AtomicInteger liveCarriers = new AtomicInteger();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    private final LongAdder submitted = new LongAdder();
    private final LongAdder completed = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final LongAdder cancelled = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder started = new LongAdder();
    private final LongAdder runNanos = new LongAdder();
    private final LongAdder waitNanos = new LongAdder();

    private final long startNanos;
    private final long startEpochNanos;

    @SuppressWarnings("unchecked")
    private SchedulerCore(SchedulerConfig config) {
        this.config = config;
        this.maxQueueSize = config.maxQueueSize();
        this.priorities = config.enablePriorities();
        int levels = priorities ? dev.gepa.scheduler.Priority.values().length : 1;
        int chunk = Math.max(16, Math.min(1024, Integer.highestOneBit(maxQueueSize)));
        this.inboxes = new MessagePassingQueue[levels];
        this.backlogs = new ArrayDeque[levels];
        for (int i = 0; i < levels; i++) {
            inboxes[i] = new MpscUnboundedXaddArrayQueue<>(chunk, 2);
            backlogs[i] = new ArrayDeque<>();
        }
        this.idleCarriers = new MpscArrayQueue<>(Math.max(2, config.maxConcurrent()));
        this.carriers = new Carrier[config.maxConcurrent()];
        this.index = new TaskIndex(maxQueueSize, config.maxConcurrent(), config.resultRetention());
        this.purgeThreshold = Math.max(64, maxQueueSize);
        this.admissionCeiling = maxQueueSize + 2 * purgeThreshold;
        this.startNanos = System.nanoTime();
        Instant now = Instant.now();
        this.startEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * Builds a scheduler from a validated configuration, registers its name and starts its
     * carriers.
     *
     * @throws IllegalStateException if the name is taken or the thread factory fails
     */
    public static SchedulerCore start(SchedulerConfig config) {
        SchedulerCore core = new SchedulerCore(config);
        String name = config.name();
        if (name != null && !NameRegistry.register(name, core)) {
            throw new IllegalStateException("a scheduler named '" + name + "' is already running");
        }
        ThreadFactory factory = config.threadFactory() != null ? config.threadFactory()
                : defaultThreadFactory(name != null ? name : "gepa-scheduler-" + UNNAMED.incrementAndGet());
        Carrier[] cs = core.carriers;
        try {
            for (int i = 0; i < cs.length; i++) {
                cs[i] = new Carrier(core, i);
                Thread t = factory.newThread(cs[i]);
                if (t == null) {
                    throw new IllegalStateException("threadFactory returned null for carrier " + i);
                }
                cs[i].thread = t;
            }
        } catch (RuntimeException | Error e) {
            if (name != null) {
                NameRegistry.release(name, core);
            }
            throw e;
        }
        core.liveCarriers.set(cs.length);
        for (int i = 0; i < cs.length; i++) {
            try {
                cs[i].thread.start();
            } catch (RuntimeException | Error e) {
                core.shutdown(); // the started carriers exit; the others never ran
                for (int j = i; j < cs.length; j++) {
                    core.onCarrierExit(cs[j]);
                }
                throw e;
            }
        }
        return core;
    }

    /**
     * Test seam: a scheduler whose carriers never start, so a test drives dispatch itself with
     * {@link #claimNextForTest()} and {@link #runClaimedForTest(Task)}. It never terminates.
     */
    public static SchedulerCore createWithoutCarriers(SchedulerConfig config) {
        return new SchedulerCore(config);
    }

    private static ThreadFactory defaultThreadFactory(String baseName) {
        return r -> {
            Thread t = new Thread(null, r, baseName + "-carrier-" + ((Carrier) r).index, 0, false);
            t.setDaemon(true);
            return t;
        };
    }

    // ------------------------------------------------------------------ submit

    @Override
    public <T> TaskHandle<T> submit(TaskSpec<T> spec) {
        return enqueue(spec, true);
    }

    @Override
    public <T> TaskHandle<T> trySubmit(TaskSpec<T> spec) {
        return enqueue(spec, false);
    }

    /**
     * Admits, registers, publishes and signals. A rejection is counted, then thrown or
     * reported as null.
     */
    private <T> Task<T> enqueue(TaskSpec<T> spec, boolean throwOnReject) {
        Objects.requireNonNull(spec, "spec must not be null");
        int verdict = admit();
        if (verdict != ADMITTED) {
            rejected.increment();
            if (throwOnReject) {
                throw rejection(spec, verdict == CLOSED ? RejectionReason.SHUTDOWN : RejectionReason.QUEUE_FULL);
            }
            return null;
        }
        submitted.increment(); // before the task can finish: see "Statistics"
        Task<T> task = null;
        try {
            task = index.register(spec, this, System.nanoTime());
            inboxes[level(spec)].offer(task);
        } catch (Throwable t) { // out of memory: undo the admission, lose nothing silently
            if (task == null || task.cancelQueued()) {
                if (task == null) {
                    submitted.decrement();
                }
                releasePending();
            }
            throw t;
        }
        VarHandle.fullFence(); // pairs with the idle carrier's offer; see "Dispatch"
        if (!idleCarriers.isEmpty() || (ctlValue() & STOP) != 0) {
            signalDrain(); // under STOP, so that a discarding drain sees this task
        }
        return task;
    }

    private RejectedTaskException rejection(TaskSpec<?> spec, RejectionReason reason) {
        String who = "task for candidate '" + spec.candidateId() + "' rejected: ";
        return new RejectedTaskException(reason, reason == RejectionReason.SHUTDOWN
                ? who + "the scheduler is shut down"
                : who + "the queue is full (maxQueueSize=" + maxQueueSize + ")");
    }

    private int level(TaskSpec<?> spec) {
        return priorities ? spec.priority().ordinal() : 0;
    }

    private int admit() {
        long c = ctlValue();
        for (;;) {
            if ((c & SHUTDOWN) != 0) {
                return CLOSED;
            }
            long pending = c & PENDING_MASK;
            if (pending >= maxQueueSize || pending + tombstones.get() >= admissionCeiling) {
                return FULL;
            }
            long witness = (long) CTL.compareAndExchange(this, c, c + 1);
            if (witness == c) {
                return ADMITTED;
            }
            c = witness;
        }
    }

    private long ctlValue() {
        return (long) CTL.getVolatile(this);
    }

    /** Gives back one pending count: a task was claimed or cancelled while pending. */
    private void releasePending() {
        long c = (long) CTL.getAndAdd(this, -1L) - 1L;
        if ((c & SHUTDOWN) != 0 && (c & PENDING_MASK) == 0) {
            wakeAllCarriers(); // the last pending task is gone: carriers may now exit
        }
    }

    private boolean isQuiescentShutdown() {
        long c = ctlValue();
        return (c & SHUTDOWN) != 0 && (c & PENDING_MASK) == 0;
    }

    // ------------------------------------------------------------------ drain

    private void signalDrain() {
        if ((long) WIP.getAndAdd(this, 1L) == 0L) {
            drain(null, false);
        }
    }

    /**
     * The drain loop; the caller holds the drain role (it moved {@code wip} from 0). If
     * {@code claimForCaller}, the first live task found is claimed for the caller and returned
     * ({@code self} is the calling carrier, or null for a test).
     *
     * <p>NOTE: a claimed task's pending count is released only once the task is held by its
     * carrier ({@code current} and, for a hand-off, the mailbox written). Releasing it earlier
     * could make "shut down and nothing pending" true while the task is in nobody's hands, and
     * the carrier it is meant for could exit instead of running it.
     */
    private Task<?> drain(Carrier self, boolean claimForCaller) {
        Task<?> mine = null;
        List<Task<?>> discarded = null;
        long missed = 1;
        try {
            for (;;) {
                long c = ctlValue();
                if ((c & DISCARD) != 0) {
                    discarded = discardQueued(discarded);
                } else if ((c & STOP) == 0) {
                    if (tombstones.get() >= purgeThreshold) {
                        purgeTombstones();
                    }
                    if (claimForCaller && mine == null && (mine = claimNext()) != null) {
                        if (self != null) {
                            self.current = mine;
                        }
                        releasePending();
                    }
                    while (idleCarriers.relaxedPeek() != null) {
                        Task<?> task = claimNext();
                        if (task == null) {
                            break;
                        }
                        idleCarriers.relaxedPoll().handOff(task);
                        releasePending();
                    }
                }
                missed = (long) WIP.getAndAdd(this, -missed) - missed;
                if (missed == 0) {
                    break;
                }
            }
        } catch (Throwable t) {
            // Only an Error (out of memory, stack overflow) gets here. Give the role up rather
            // than hold it forever; the next signal starts a new drain.
            WIP.setVolatile(this, 0L);
            throw t;
        }
        if (discarded != null) {
            // outside the drain role: completing futures runs user callbacks
            for (Task<?> task : discarded) {
                task.signalFuture();
                releasePending();
            }
        }
        return mine;
    }

    /**
     * Claims the most urgent live task, discarding tombstones on the way; null if none. The
     * caller releases the task's pending count once the task is held (see {@link #drain}).
     */
    private Task<?> claimNext() {
        for (int level = 0; level < inboxes.length; level++) {
            Task<?> task;
            while ((task = pollLevel(level)) != null) {
                if (task.rawState() == Task.PENDING && (ctlValue() & STOP) != 0) {
                    // NOTE: shutdownNow began after this pass read ctl; its scan will cancel the
                    // task, so put it back rather than run it
                    backlogs[level].addFirst(task);
                    return null;
                }
                if (task.tryClaim()) {
                    return task;
                }
                tombstones.decrementAndGet();
            }
        }
        return null;
    }

    private Task<?> pollLevel(int level) {
        Task<?> task = backlogs[level].pollFirst();
        return task != null ? task : inboxes[level].relaxedPoll();
    }

    private void purgeTombstones() {
        for (int level = 0; level < inboxes.length; level++) {
            ArrayDeque<Task<?>> backlog = backlogs[level];
            inboxes[level].drain(backlog::addLast);
            int removed = 0;
            for (Iterator<Task<?>> it = backlog.iterator(); it.hasNext(); ) {
                if (it.next().rawState() != Task.PENDING) {
                    it.remove();
                    removed++;
                }
            }
            tombstones.addAndGet(-removed);
        }
    }

    /**
     * Under DISCARD: cancel and drop every queued task. The tasks it cancels are returned, so
     * that their futures are completed and their pending counts released after the drain.
     */
    private List<Task<?>> discardQueued(List<Task<?>> discarded) {
        for (int level = 0; level < inboxes.length; level++) {
            Task<?> task;
            while ((task = pollLevel(level)) != null) {
                if (task.cancelQueued()) {
                    if (discarded == null) {
                        discarded = new ArrayList<>();
                    }
                    discarded.add(task);
                } else {
                    tombstones.decrementAndGet(); // cancelled earlier: a tombstone, dropped here
                }
            }
        }
        return discarded;
    }

    // ------------------------------------------------------------------ carriers

    /** The carrier loop: take the next task directly if possible, else wait for a hand-off. */
    void runCarrier(Carrier carrier) {
        long clock = 0L; // the end of the previous task, while it is still "now"
        for (;;) {
            Task<?> task = takeDirect(carrier);
            if (task == null) {
                clock = 0L;
                // NOTE: no spin before parking. Spinning took a core from the submitters on a
                // 2-core machine, and spinning with Thread.yield() cost the carrier its place in
                // the OS scheduler: woken, it then waited for the submitter's time slice (a
                // cold burst took 1.9 ms instead of 0.2 ms). See results/README.md.
                if ((task = awaitHandOff(carrier)) == null) {
                    return; // shut down and nothing pending
                }
            }
            clock = task.runOnCarrier(carrier, clock); // current was set by the task's claimer
            carrier.current = null;
        }
    }

    private Task<?> takeDirect(Carrier carrier) {
        if ((long) WIP.getVolatile(this) == 0L && WIP.compareAndSet(this, 0L, 1L)) {
            return drain(carrier, true);
        }
        return null;
    }

    private Task<?> awaitHandOff(Carrier carrier) {
        if (isQuiescentShutdown()) {
            return null;
        }
        idleCarriers.offer(carrier); // never full: a carrier is queued at most once
        signalDrain();
        for (;;) {
            Task<?> task = carrier.handOff;
            if (task != null) {
                carrier.handOff = null;
                return task;
            }
            if (isQuiescentShutdown()) {
                // a hand-off is written before its pending count is released: look once more
                task = carrier.handOff;
                carrier.handOff = null;
                return task;
            }
            Thread.interrupted(); // a stray interrupt would make park return at once, forever
            carrier.parked = true;
            if (carrier.handOff == null && !isQuiescentShutdown()) {
                LockSupport.park(this);
            }
            carrier.parked = false;
        }
    }

    private void wakeAllCarriers() {
        for (Carrier c : carriers) {
            if (c != null && c.thread != null) {
                LockSupport.unpark(c.thread);
            }
        }
    }

    void onCarrierExit(Carrier carrier) {
        if (liveCarriers.decrementAndGet() == 0) {
            if (config.name() != null) {
                NameRegistry.release(config.name(), this);
            }
            terminated.complete(null);
        }
    }

    private boolean isCarrierThread() {
        Thread me = Thread.currentThread();
        for (Carrier c : carriers) {
            if (c != null && c.thread == me) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ task callbacks

    void recordStart(Carrier carrier, long queueWaitNanos) {
        if (carrier != null) {
            carrier.recordStart(queueWaitNanos);
        } else { // a test running a task on its own thread
            started.increment();
            waitNanos.add(queueWaitNanos);
        }
    }

    void onFinished(Carrier carrier, Task<?> task, boolean failedRun, long ranNanos) {
        if (carrier != null) {
            carrier.recordFinish(failedRun, ranNanos);
        } else {
            (failedRun ? failed : completed).increment();
            runNanos.add(ranNanos);
        }
        index.retire(task);
    }

    /** The bookkeeping of a cancel, pending or running; before the pending count is released. */
    void onCancelled(Task<?> task) {
        cancelled.increment();
        index.retire(task); // before releasePending: see "Finishing"
    }

    /** A pending task was cancelled: it is a tombstone in its queue, and its place is free. */
    void releaseCancelledPending() {
        boolean purge = tombstones.incrementAndGet() >= purgeThreshold;
        releasePending();
        if (purge) {
            signalDrain();
        }
    }

    Instant toInstant(long nanoTime) {
        long epochNanos = startEpochNanos + (nanoTime - startNanos);
        return Instant.ofEpochSecond(0L, epochNanos);
    }

    // ------------------------------------------------------------------ queries

    @Override
    public Optional<String> name() {
        return Optional.ofNullable(config.name());
    }

    @Override
    public TaskResult<?> result(long id) {
        Task<?> task = index.find(id);
        return task == null ? Task.NOT_FOUND : task.result();
    }

    @Override
    public Optional<TaskHandle<?>> find(long id) {
        return Optional.ofNullable(index.find(id));
    }

    @Override
    public boolean cancel(long id, boolean mayInterruptIfRunning) {
        Task<?> task = index.find(id);
        return task != null && task.cancel(mayInterruptIfRunning);
    }

    @Override
    public SchedulerStatus status() {
        // final-state counters first, submitted last: see "Statistics"
        long nCompleted = completed.sum();
        long nFailed = failed.sum();
        long nStarted = started.sum();
        long totalWait = waitNanos.sum();
        long totalRun = runNanos.sum();
        int running = 0;
        for (Carrier c : carriers) {
            if (c != null) {
                nCompleted += c.completed();
                nFailed += c.failed();
                nStarted += c.started();
                totalWait += c.waitNanos();
                totalRun += c.runNanos();
                if (c.current != null) {
                    running++;
                }
            }
        }
        long nCancelled = cancelled.sum();
        long nRejected = rejected.sum();
        long nSubmitted = submitted.sum();
        int pending = (int) (ctlValue() & PENDING_MASK);
        int max = carriers.length;
        double capacity = (double) running / max;
        long uptimeNanos = Math.max(1L, System.nanoTime() - startNanos);
        long ran = nCompleted + nFailed;
        return new SchedulerStatus(running, pending, nSubmitted, nCompleted, nFailed, nCancelled,
                nRejected, capacity, capacity >= config.capacityThreshold(), max, maxQueueSize,
                nCompleted / (uptimeNanos / 1e9), Duration.ofNanos(uptimeNanos),
                Duration.ofNanos(totalRun), Duration.ofNanos(ran == 0 ? 0 : totalRun / ran),
                Duration.ofNanos(totalWait), Duration.ofNanos(nStarted == 0 ? 0 : totalWait / nStarted));
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void shutdown() {
        CTL.getAndBitwiseOr(this, SHUTDOWN);
        wakeAllCarriers();
    }

    @Override
    public List<TaskHandle<?>> shutdownNow() {
        CTL.getAndBitwiseOr(this, SHUTDOWN | STOP); // no more admission, no more dispatch
        List<TaskHandle<?>> cancelledNow = new ArrayList<>();
        index.forEach(task -> {
            if (task.cancel(true)) { // pending or running alike
                cancelledNow.add(task);
            }
        });
        // DISCARD only now: set before the scan, a drain would cancel queued tasks that the
        // scan then misses from its list
        CTL.getAndBitwiseOr(this, DISCARD);
        signalDrain(); // cancels what raced the scan into the queues
        wakeAllCarriers();
        return cancelledNow;
    }

    @Override
    public boolean isShutdown() {
        return (ctlValue() & SHUTDOWN) != 0;
    }

    @Override
    public boolean isTerminated() {
        return terminated.isDone();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout must not be null");
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException overflow) {
            nanos = Long.MAX_VALUE;
        }
        try {
            terminated.get(nanos, TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
    }

    @Override
    public void close() {
        shutdown();
        if (isCarrierThread()) {
            return; // waiting here would wait for ourselves
        }
        boolean interrupted = false;
        while (!terminated.isDone()) {
            try {
                terminated.get();
            } catch (InterruptedException e) {
                if (!interrupted) {
                    interrupted = true;
                    shutdownNow();
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException(e);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "Scheduler[" + config.name() + ", maxConcurrent=" + carriers.length
                + ", maxQueueSize=" + maxQueueSize + "]";
    }

    // ------------------------------------------------------------------ test seams

    /** Test seam: tasks in the queues, tombstones included. Exact only when quiescent. */
    public int queuedTaskCount() {
        int n = 0;
        for (int level = 0; level < inboxes.length; level++) {
            n += inboxes[level].size() + backlogs[level].size();
        }
        return n;
    }

    /** Test seam: id-table slots in use (pending, running and retained tasks). */
    public int slotsInUse() {
        return index.slotsInUse();
    }

    /**
     * Test seam: claims the next task as a drain would, or returns null if there is none or
     * another thread holds the drain role.
     */
    public Task<?> claimNextForTest() {
        if (!WIP.compareAndSet(this, 0L, 1L)) {
            return null;
        }
        return drain(null, true);
    }

    /** Test seam: runs a claimed task on the calling thread, as a carrier would. */
    public static void runClaimedForTest(Task<?> task) {
        task.runOnCarrier(null, 0L);
    }
}

/*
 * Padding: the admission word and the drain counter are written by different threads at high
 * rates; each gets cache lines of its own, and neither shares a line with the read-mostly fields
 * of SchedulerCore. A class's fields are laid out after its superclass's, except that a small
 * field may fill a gap left there (the 4 bytes after a compressed header): hence two longs.
 */
abstract class SchedulerCorePad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

abstract class SchedulerCoreAdmission extends SchedulerCorePad0 {
    volatile long ctl;
}

abstract class SchedulerCorePad1 extends SchedulerCoreAdmission {
    long p10, p11, p12, p13, p14, p15, p16, p17;
    long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

abstract class SchedulerCoreDrain extends SchedulerCorePad1 {
    // NOTE: long, not int: since JDK 15 HotSpot may place a subclass's int in the 4-byte gap
    // after the object header, far from the padding, next to the class pointer.
    volatile long wip;
}

abstract class SchedulerCoreFields extends SchedulerCorePad2 { }

abstract class SchedulerCorePad2 extends SchedulerCoreDrain {
    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;
}
