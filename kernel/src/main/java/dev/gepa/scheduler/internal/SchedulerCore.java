package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.RejectedTaskException;
import dev.gepa.scheduler.RejectionReason;
import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskGroup;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskResult;
import dev.gepa.scheduler.TaskSpec;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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

/**
 * The scheduling kernel: admission, submit, cancellation bookkeeping, queries, statistics and
 * the lifecycle. The queues and the consumer role are {@link Inboxes}; the carriers, their loop
 * and their wake-ups are {@link Carrier} and {@link CarrierPool}; a task's state machine is
 * {@link Task}; lookup by id and retention are {@link TaskIndex}.
 *
 * <h2>Implementation notes</h2>
 *
 * <h3>Who does what</h3>
 * Only carriers consume the queues. A submitter admits, registers, publishes its task and, if a
 * carrier is idle and none is spinning, wakes one, then returns: it never drains, never runs
 * another task's callbacks, and never holds a role while it unparks. A canceller settles the
 * task it cancelled and completes that task's future on its own thread; the only shared work
 * it may do is a tombstone purge, bounded by the queue bound, once per {@code purgeThreshold}
 * cancels (below).
 *
 * <h3>Admission: counters that each side writes alone</h3>
 * <ul>
 * <li>{@code ctl}, written by submitters (CAS) and shutdown: the number of tasks ever admitted
 *     in its low bits, plus the SHUTDOWN bit. Once SHUTDOWN is set the count never
 *     changes again.</li>
 * <li>{@code claimed} and {@code dequeued}, written by the consumer-role holder alone
 *     ({@link Inboxes}).</li>
 * <li>{@code pendingCancels} (pending tasks cancelled or discarded) and {@code undone}
 *     (admissions undone by a submit that failed with an Error), written by cancellers and
 *     failed submitters.</li>
 * </ul>
 * Then {@code pending = admitted - claimed - pendingCancels - undone}, queue entries
 * {@code = admitted - undone - dequeued}, tombstones {@code = claimed + pendingCancels -
 * dequeued}. A submitter admits by CAS on {@code ctl} only while its count is below
 * {@code admitLimit}, a cached {@code min(released + maxQueueSize, dequeued + undone +
 * admissionCeiling)}; it re-reads the other sides' counters only when it reaches the cached
 * limit (as JCTools producers cache the consumer index). Those counters only grow, so a stale
 * limit is a lower one: the bound is never exceeded. Per submit that is one CAS on a line shared
 * with other submitters only; carriers never write it.
 *
 * <p>Shutdown: with SHUTDOWN set, admitted is final, so "pending is zero" read after it can
 * never become false again: the carriers' exit condition ({@link #isQuiescentShutdown()}).
 *
 * <h3>Dispatch</h3>
 * A carrier takes its next task with {@link #take}: the consumer role (one CAS), one claim, the
 * role given back, and, if tasks are left queued while a carrier is idle, a wake-up of one
 * (outside the role): every claim propagates, so a burst fans out over the idle carriers. A
 * submitter publishes, issues a full fence, and signals only if a carrier is idle and none is
 * spinning. The fences pair with a carrier's idle announcement
 * ({@link Carrier}): no task is left queued while a carrier sleeps. Invariant: whenever a live
 * task is published and no carrier will look at the queues again, no carrier is idle.
 *
 * <h3>What a task costs, in steady state</h3>
 * A submit: the stack probe ({@link StackHeadroom}), one clock read (timing on), three atomic
 * read-modify-writes and a fence: the admission CAS on {@code ctl} (a line only submitters
 * write), the CAS that takes its id-table slot (a line last written a span of tasks earlier:
 * {@link TaskIndex}), the queue's index increment, and the fence before it reads the idle set.
 * It reads no line that carriers write on every task: not the claim counters (the admission
 * limit is cached), not the idle set unless a carrier parked or woke meanwhile; carriers read
 * no line that submitters write except the queues they consume (shutdownNow's stop is a field
 * of its own). A carrier that finds its next task: the role's CAS and release (a line shared by
 * carriers only), the task's claim CAS and commit store, its start and finish CASes and final
 * store (on the task's own line), result retention (an increment of the ring's sequence, shared
 * by finishers, and a CAS on the ring entry; the evicted task's slot freed by a release store),
 * its statistics in single-writer fields, and one clock read. A wake-up (an unpark) happens only
 * when a carrier has parked: the carriers' spin, their propagation and the submitters' check of
 * the idle set keep it well below one per task (the benchmarks count parks per task).
 *
 * <h3>Tombstones</h3>
 * Cancelling a pending task leaves it in its queue as a tombstone, its pending count released at
 * once. Carriers drop tombstones as they meet them. So that cancel churn against busy carriers
 * cannot grow the queues, whoever sees tombstones at {@code purgeThreshold} (at least
 * {@code maxQueueSize}) purges them if it can take the consumer role, and a carrier that takes
 * the role purges first if they are there. If the role holder is descheduled nobody can purge,
 * so admission also refuses (QUEUE_FULL) while queue entries would reach
 * {@code admissionCeiling = maxQueueSize + 2 * purgeThreshold}: the queues stay O(maxQueueSize)
 * however many tasks are cancelled. A purge costs O(queue entries) once per
 * {@code purgeThreshold} cancels: O(1) amortised. A submit refused while tombstones are at the
 * threshold purges too, and tries again: a canceller that failed to take the role and then had
 * its own submits refused would otherwise leave nobody to purge, and the refusal would last.
 *
 * <h3>Shutdown</h3>
 * {@code shutdown()} sets SHUTDOWN and wakes every carrier; whoever releases the last pending
 * count afterwards wakes them all again; a carrier that finds "SHUTDOWN and nothing pending"
 * and no task exits, and the last one out completes termination and frees the name.
 * {@code shutdownNow()} sets SHUTDOWN, then {@code stopState} to STOPPED (carriers claim
 * nothing more; a field of its own, so that carriers read no line submitters write), cancels every
 * pending task and interrupts every running one through the id table, and only then sets
 * DISCARDING, so that carriers then cancel just what raced the scan into the queues: every task
 * pending or running when the scan passes is in the returned list.
 *
 * <h3>Statistics</h3>
 * Carriers count what they run in single-writer fields; rejections go to {@link LongAdder}s
 * (a refusal storm contends; an OutOfMemoryError there only replaces the refusal), running
 * cancels and time-outs to atomics that never allocate (they follow a commit); submitted is
 * derived from {@code ctl} (less {@code undone}, plus the group members that failed unqueued,
 * which {@code undone} counts too and failed counts once, from the same read), pending cancels
 * are {@code pendingCancels}. Every count of a task is written before its final state is published
 * ({@link Task}), and {@code status()} reads the final-state counts before {@code ctl}, so a
 * snapshot never shows more finished than submitted, and one taken after every task is final is
 * exact. The admission figures (submitted, pending, and pending cancels) come from one double
 * collect of {@code ctl}, {@code claimed}, {@code pendingCancels} and {@code undone}: all four
 * only grow, so two equal collects held at one instant between them, and submitted and pending
 * agree with each other (linearizable, model-checked), unless a sustained storm of changes
 * outlasts {@code SNAPSHOT_TRIES} collects, when the last collect is used. Clock reads: one at submit and one at each task's end on the carrier, which also serves
 * as the next task's start when no user callback ran in between (never before the next task's
 * submit time). With task timing off, none.
 */
public final class SchedulerCore extends CoreCancelCounts implements Scheduler {

    private static final long ADMITTED_MASK = (1L << 56) - 1;
    private static final long SHUTDOWN = 1L << 62;
    /** {@code stopState}: claims as usual. */
    private static final int RUNNING = 0;
    /** {@code stopState}: {@code shutdownNow()} began; carriers claim nothing more. */
    private static final int STOPPED = 1;
    /** {@code stopState}: {@code shutdownNow()} scanned; carriers cancel what is left queued. */
    private static final int DISCARDING = 2;

    private static long admittedOf(long c) {
        return c & ADMITTED_MASK;
    }

    private static boolean isShutdown(long c) {
        return (c & SHUTDOWN) != 0;
    }


    /** {@link #admit}'s refusals; an admission returns its sequence number, never negative. */
    private static final long FULL = -1L;
    private static final long CLOSED = -2L;

    /**
     * How often status() collects the admission counters twice before it settles for the last
     * collect: enough for any burst of changes that is not a sustained storm.
     */
    private static final int SNAPSHOT_TRIES = 16;

    /**
     * How often status() tries the consumer role, to look at the levels' oldest tasks, before it
     * settles for what the last look saw: a carrier holds the role for one claim only.
     */
    private static final int STATUS_ROLE_TRIES = 16;

    private static final Priority[] PRIORITIES = Priority.values();

    /** The least tombstone count that triggers a purge. */
    private static final int MIN_PURGE_THRESHOLD = 64;
    /** Attempts at completing a future when the heap is full; see {@link #failUnqueued}. */
    private static final int FUTURE_TRIES = 3;

    private static final AtomicInteger UNNAMED = new AtomicInteger();

    private final SchedulerConfig config;
    private final int maxQueueSize;
    private final boolean priorities;
    private final boolean timing;
    private final Inboxes inboxes;
    private final CarrierPool pool;
    private final TaskIndex index;
    private final long purgeThreshold;
    /** Queue entries (pending plus tombstones) may not reach this: see "Tombstones". */
    private final long admissionCeiling;
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();
    private final WaitingRoom waitingRoom = new WaitingRoom();

    // Counts written after a commit (a cancel's or a time-out's CAS): plain atomics, since a
    // LongAdder allocates a cell when contended, and an OutOfMemoryError there would lose the count
    private final AtomicLong runningTimeouts = new AtomicLong();
    /** Pending tasks timed out; also counted in {@code pendingCancels}, which frees the bound. */
    private final AtomicLong pendingTimeouts = new AtomicLong();
    /**
     * Group members admitted but never queued (their queue could not grow), failed with the
     * error: counted in {@code undone} too, which gives back their place and queue entry; status
     * counts them submitted and failed.
     */
    private final AtomicLong unqueuedFailures = new AtomicLong();
    private final Deadlines deadlines;
    /** The scheduler's name, or a unique one for an unnamed scheduler: its threads' names start so. */
    private final String threadBaseName;
    private final LongAdder rejectedFull = new LongAdder();
    private final LongAdder rejectedShutdown = new LongAdder();
    /** The last look at the levels' heads ({@link #lookAtHeads()}); null until one was made. */
    private volatile HeadLook lastLook;
    private final AtomicLong runningCancels = new AtomicLong();
    /** RUNNING, then STOPPED and DISCARDING by {@code shutdownNow()}; see "Shutdown". */
    private volatile int stopState;

    private final long startNanos;
    private final long startEpochNanos;

    private SchedulerCore(SchedulerConfig config) {
        super(levelCount(config));
        this.config = config;
        this.maxQueueSize = config.maxQueueSize();
        this.priorities = config.enablePriorities();
        this.timing = config.taskTiming();
        this.inboxes = new Inboxes(levelCount(config), maxQueueSize, config.starvationBoundNanos());
        this.index = new TaskIndex(maxQueueSize, config.maxConcurrent(), config.resultRetention());
        this.purgeThreshold = Math.max(MIN_PURGE_THRESHOLD, maxQueueSize);
        this.admissionCeiling = maxQueueSize + 2 * purgeThreshold;
        this.pool = new CarrierPool(this, config.maxConcurrent(), this::onTerminated);
        this.threadBaseName = config.name() != null ? config.name() : "gepa-scheduler-" + UNNAMED.incrementAndGet();
        this.deadlines = new Deadlines(threadBaseName + "-deadlines", maxQueueSize + config.maxConcurrent());
        setAdmitLimit(maxQueueSize);
        this.startNanos = System.nanoTime();
        Instant now = Instant.now();
        this.startEpochNanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    /**
     * Builds a scheduler from a validated configuration, registers its name and starts its
     * carriers; returns once every carrier runs.
     *
     * @throws IllegalStateException if the name is taken, or the thread factory returns null,
     *                               throws a checked exception, or returns a thread that does
     *                               not run its carrier
     */
    public static SchedulerCore start(SchedulerConfig config) {
        SchedulerCore core = new SchedulerCore(config);
        String name = config.name();
        if (name != null && !NameRegistry.register(name, core)) {
            throw new IllegalStateException("a scheduler named '" + name + "' is already running");
        }
        ThreadFactory factory = config.threadFactory() != null ? config.threadFactory()
                : defaultThreadFactory(core.threadBaseName);
        try {
            core.pool.start(factory);
        } catch (Throwable e) {
            core.shutdown(); // the carriers that run exit: nothing is pending
            core.pool.abandonStart();
            if (name != null) {
                NameRegistry.release(name, core);
            }
            throw e;
        }
        FlightEvents.started(core); // until onTerminated: the periodic status event
        return core;
    }

    /**
     * A scheduler whose carriers never start, for tests in this package that drive the consumer
     * side themselves ({@link #takeForTest(int)}). It never terminates.
     */
    static SchedulerCore createWithoutCarriers(SchedulerConfig config) {
        return new SchedulerCore(config);
    }

    private static int levelCount(SchedulerConfig config) {
        return config.enablePriorities() ? PRIORITIES.length : 1;
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

    @Override
    public <T> TaskHandle<T> submit(TaskSpec<T> spec, Duration maxWait) throws InterruptedException {
        Objects.requireNonNull(spec, "spec must not be null");
        Objects.requireNonNull(maxWait, "maxWait must not be null");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must not be negative: " + maxWait);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException("interrupted before submit");
        }
        long deadline = System.nanoTime() + saturatedNanos(maxWait);
        Task<T> task = waitingRoom.lvWaiting() == 0 ? tryOnceWaiting(spec) : null; // no queue-jumping
        if (task == null) {
            task = waitingRoom.await(() -> tryOnceWaiting(spec), deadline);
        }
        if (task == null) {
            recordRefusal(spec, countRefusal(FULL, 1));
            throw new RejectedTaskException(RejectionReason.QUEUE_FULL, "task for candidate '"
                    + spec.candidateId() + "' rejected: the queue stayed full for " + maxWait
                    + " (maxQueueSize=" + maxQueueSize + ")");
        }
        return task;
    }

    /** One admission attempt of a waiting submit: the task, null if full; throws after shutdown. */
    private <T> Task<T> tryOnceWaiting(TaskSpec<T> spec) {
        Task<T> task = newTask(spec, timing ? nonZero(System.nanoTime()) : 0L);
        // from this attempt: the task counts as submitted now
        Deadlines.Due due = spec.timeout() != null ? prepareDeadline(task) : null;
        StackHeadroom.ensure(StackHeadroom.SUBMIT_FRAMES);
        long sequence = admit(1);
        if (sequence == FULL) {
            return null; // not a refusal yet: the caller waits
        }
        if (sequence == CLOSED) {
            recordRefusal(spec, countRefusal(CLOSED, 1));
            throw rejection(spec, RejectionReason.SHUTDOWN);
        }
        publishOne(task, due, sequence);
        return task;
    }

    private static long saturatedNanos(Duration d) {
        try {
            return Math.min(d.toNanos(), Long.MAX_VALUE / 2); // far beyond any deadline's reach
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE / 2;
        }
    }

    @Override
    public <T> TaskGroup<T> submitAll(List<TaskSpec<T>> specs) {
        return enqueueAll(specs, true);
    }

    @Override
    public <T> TaskGroup<T> trySubmitAll(List<TaskSpec<T>> specs) {
        return enqueueAll(specs, false);
    }

    /**
     * A group's submit: as {@link #enqueue} for each task, with one admission of them all. The
     * tasks and the list are made before admission; then every task is registered before any
     * is queued, so an Error while registering undoes the whole group. An Error while queueing
     * (a queue that cannot grow) fails the members not yet queued, or undoes the whole group if
     * none was ({@link #publish}).
     */
    private <T> TaskGroup<T> enqueueAll(List<TaskSpec<T>> specs, boolean throwOnReject) {
        Objects.requireNonNull(specs, "specs must not be null");
        Object[] given = specs.toArray(); // one read of a list the caller may still change
        if (given.length == 0) {
            throw new IllegalArgumentException("specs must not be empty");
        }
        if (given.length > maxQueueSize) {
            throw new IllegalArgumentException("specs holds " + given.length
                    + " tasks, more than maxQueueSize (" + maxQueueSize + "): the group could never be admitted");
        }
        long now = timing ? nonZero(System.nanoTime()) : 0L;
        List<TaskSpec<T>> checked = new ArrayList<>(given.length);
        List<Task<T>> tasks = new ArrayList<>(given.length);
        Deadlines.Due[] dues = null; // made with the first member that has a timeout
        for (int i = 0; i < given.length; i++) {
            if (given[i] == null) {
                throw new NullPointerException("specs[" + i + "] must not be null");
            }
            @SuppressWarnings("unchecked") // the list's element type
            TaskSpec<T> spec = (TaskSpec<T>) given[i];
            checked.add(spec);
            Task<T> task = newTask(spec, now);
            if (spec.timeout() != null) {
                if (dues == null) {
                    dues = new Deadlines.Due[given.length];
                }
                dues[i] = prepareDeadline(task);
            }
            tasks.add(task);
        }
        TaskGroup<T> group = TaskGroup.of(tasks); // before admission: it allocates
        StackHeadroom.ensure(StackHeadroom.SUBMIT_FRAMES); // as in enqueue: nothing may strand the admission
        long sequence = admit(tasks.size());
        if (sequence < 0) {
            RejectionReason reason = countRefusal(sequence, checked.size());
            for (TaskSpec<T> spec : checked) {
                recordRefusal(spec, reason);
            }
            if (throwOnReject) {
                throw groupRejection(checked, reason);
            }
            return null;
        }
        publish(tasks, dues, sequence);
        return group;
    }

    private <T> Task<T> newTask(TaskSpec<T> spec, long submittedNanos) {
        Task<T> task = new Task<>(spec, this, submittedNanos);
        task.slot = -1;
        return task;
    }

    /**
     * Before admission of a task whose spec has a timeout: its deadline, due from now, to hand
     * over once the task is published, and the deadline thread, started if it is not (a thread
     * that cannot be made refuses the submit).
     */
    private Deadlines.Due prepareDeadline(Task<?> task) {
        deadlines.ensureStarted();
        long now = task.submittedNanos != 0L ? task.submittedNanos : System.nanoTime();
        return new Deadlines.Due(task, now + saturatedNanos(task.spec.timeout())); // before admission: it allocates
    }

    /** Counts {@code n} refused tasks under the verdict's reason, and returns the reason. */
    private RejectionReason countRefusal(long verdict, long n) {
        if (verdict == CLOSED) {
            rejectedShutdown.add(n);
            return RejectionReason.SHUTDOWN;
        }
        rejectedFull.add(n);
        return RejectionReason.QUEUE_FULL;
    }

    /** A refused task's flight-recorder event, if a recording ever started. */
    private void recordRefusal(TaskSpec<?> spec, RejectionReason reason) {
        if (FlightEvents.recorderStarted) {
            FlightEvents.taskRejected(config.name(), spec, reason);
        }
    }

    private RejectedTaskException groupRejection(List<? extends TaskSpec<?>> specs, RejectionReason reason) {
        String who = "group of " + specs.size() + " tasks (first candidate '"
                + specs.get(0).candidateId() + "') rejected: ";
        return new RejectedTaskException(reason, reason == RejectionReason.SHUTDOWN
                ? who + "the scheduler is shut down"
                : who + "fewer than " + specs.size() + " places are free in the queue (maxQueueSize="
                        + maxQueueSize + ")");
    }

    /**
     * Publishes a group's admitted tasks: registers them all, then queues them, then wakes a
     * carrier if one is idle. An Error before the first is queued undoes the whole group and is
     * thrown: the submit took no effect. An Error after (a queue that could not grow) leaves the
     * members queued so far live, so the group stands: the members not queued fail with that
     * error, counted submitted and failed, their futures completed ({@link #failUnqueued}), and
     * the submit returns them all.
     */
    private void publish(List<? extends Task<?>> tasks, Deadlines.Due[] dues, long firstSequence) {
        int queued = 0;
        int undoFrom = 0; // the members an Error leaves to be undone
        try {
            for (int i = 0; i < tasks.size(); i++) {
                index.register(tasks.get(i), firstSequence + i);
            }
            for (; queued < tasks.size(); queued++) {
                Task<?> task = tasks.get(queued);
                inboxes.offer(task, level(task.spec));
            }
            undoFrom = tasks.size();
        } catch (Throwable error) {
            undoFrom = queued;
            if (queued == 0) {
                throw error; // nothing is live: the whole group is undone below
            }
            for (int i = queued; i < tasks.size(); i++) {
                failUnqueued(tasks.get(i), error);
            }
            undoFrom = tasks.size();
        } finally {
            try {
                for (int i = undoFrom; i < tasks.size(); i++) { // only after an Error
                    undoAdmission(tasks.get(i));
                }
            } finally {
                if (queued > 0) { // whatever was thrown: the queued ones are live
                    wakeACarrierAfterPublishing(); // the first claim wakes the next carrier
                    for (int i = 0; i < queued; i++) {
                        if (dues != null && dues[i] != null) {
                            deadlines.add(dues[i]);
                        }
                    }
                }
            }
        }
    }

    /** After a submit published its tasks: wakes an idle carrier if there is one. */
    private void wakeACarrierAfterPublishing() {
        VarHandle.fullFence(); // pairs with an idle carrier's announcement; see "Dispatch"
        if (pool.hasIdle()) {
            pool.signalWork();
        }
    }

    /**
     * Creates the task, admits it, registers and publishes it, and wakes a carrier if needed.
     * Everything that can fail for lack of memory is allocated before admission or undone
     * after it, and the stack's headroom for the rest is proven before admission
     * ({@link StackHeadroom}), so a submit that throws changed nothing but, at most, the
     * rejected count.
     */
    private <T> Task<T> enqueue(TaskSpec<T> spec, boolean throwOnReject) {
        Objects.requireNonNull(spec, "spec must not be null");
        Task<T> task = newTask(spec, timing ? nonZero(System.nanoTime()) : 0L);
        Deadlines.Due due = spec.timeout() != null ? prepareDeadline(task) : null;
        StackHeadroom.ensure(StackHeadroom.SUBMIT_FRAMES); // a StackOverflowError from here on would strand the admission
        long sequence = admit(1);
        if (sequence < 0) {
            RejectionReason reason = countRefusal(sequence, 1);
            recordRefusal(spec, reason);
            if (throwOnReject) {
                throw rejection(spec, reason);
            }
            return null;
        }
        publishOne(task, due, sequence);
        return task;
    }

    /**
     * Publishes one admitted task: registers and queues it (an Error there, such as an id-table
     * segment or a queue chunk that cannot be allocated, undoes the admission), then, allocating
     * nothing, wakes a carrier if one is idle and hands over its deadline, if any.
     */
    private void publishOne(Task<?> task, Deadlines.Due due, long sequence) {
        boolean published = false;
        try {
            index.register(task, sequence);
            inboxes.offer(task, level(task.spec));
            published = true;
        } finally {
            if (!published) {
                undoAdmission(task);
            }
        }
        wakeACarrierAfterPublishing();
        if (due != null) {
            deadlines.add(due);
        }
    }

    /**
     * A group member admitted and registered but not queued: FAILED with {@code error}, and its
     * future completed (the group made it, and waits on it). Completing a future allocates a
     * little; with the heap this full that can fail too, so it is tried a few times, and if it
     * still fails the error goes up and the group's submit throws (its members all final and
     * counted, their futures not all complete).
     */
    private void failUnqueued(Task<?> task, Throwable error) {
        if (task.failUnqueued(error)) { // else shutdownNow()'s scan cancelled it first: counted there
            index.retire(task);
            afterPendingReleased();
            for (int tries = 1;; tries++) {
                try {
                    task.signalFuture();
                    return;
                } catch (OutOfMemoryError again) {
                    if (tries == FUTURE_TRIES) {
                        throw again;
                    }
                }
            }
        }
    }

    /** The counts of a group member that failed unqueued, before FAILED is published. */
    void onUnqueuedFailure() {
        unqueuedFailures.incrementAndGet(); // first: status reads it after undone
        incrementUndone();
    }

    private void undoAdmission(Task<?> task) {
        if (!task.withdrawUnpublished()) {
            return; // shutdownNow()'s scan cancelled it first: counted, retired and handed out there
        }
        if (task.slot >= 0) {
            index.unregister(task);
        }
        incrementUndone();
        afterPendingReleased();
    }

    private static long nonZero(long nanoTime) {
        return nanoTime == 0L ? 1L : nanoTime;
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

    /**
     * Admits {@code n} tasks at once, or none; see "Admission".
     *
     * @return the first admitted task's sequence number (the count admitted before it), or
     *         {@link #FULL} or {@link #CLOSED}
     */
    private long admit(int n) {
        long c = lvCtl();
        for (;;) {
            if (isShutdown(c)) {
                return CLOSED;
            }
            long admitted = admittedOf(c) + n;
            if (admitted > lvAdmitLimit() && admitted > refreshAdmitLimit()) {
                if (!purgedPiledTombstones()) {
                    return FULL;
                }
                c = lvCtl(); // the purge gave queue entries back: try again
                continue;
            }
            long witness = casExchangeCtl(c, c + n);
            if (witness == c) {
                return admittedOf(c);
            }
            c = witness;
        }
    }

    /**
     * For a submit refused while tombstones have piled up to the purge threshold: purges them
     * (bounded by the queue bound, as a canceller's purge is) if it can take the role, and says
     * whether that gave entries back. Without it, a refusal at the admission ceiling could last
     * for ever: with every carrier busy, only cancellers purge, and cancellers whose own submits
     * are refused cancel nothing more (two churners against busy carriers were both refused with
     * 250 tombstones queued and the role free: {@code CancelChurnMemoryTest}).
     */
    private boolean purgedPiledTombstones() {
        if (tombstones() < purgeThreshold) {
            return false;
        }
        StackHeadroom.ensure(StackHeadroom.CANCEL_FRAMES); // a purge moves tasks: it must not be cut off
        if (!inboxes.tryAcquireRole()) {
            return false; // its holder claims or purges
        }
        int removed = 0;
        try {
            if (tombstones() >= purgeThreshold) {
                removed = inboxes.purge();
            }
        } finally {
            if (inboxes.releaseRole()) {
                signalIfWorkLeft(); // a carrier found the role taken and parked
            }
        }
        return removed > 0;
    }

    /** Recomputes the admission limit from the other sides' counters; see "Admission". */
    private long refreshAdmitLimit() {
        long undone = lvUndone();
        long released = inboxes.lvClaimed() + lvPendingCancels() + undone;
        long limit = Math.min(released + maxQueueSize, inboxes.lvDequeued() + undone + admissionCeiling);
        setAdmitLimit(limit);
        return limit;
    }

    /** Tasks admitted and neither claimed nor withdrawn. Exact once shut down (read order). */
    private long pendingCount(long c) {
        return admittedOf(c) - inboxes.lvClaimed() - lvPendingCancels() - lvUndone();
    }

    private long tombstones() {
        return inboxes.lvClaimed() + lvPendingCancels() - inboxes.lvDequeued();
    }

    boolean isQuiescentShutdown() {
        long c = lvCtl();
        return isShutdown(c) && pendingCount(c) == 0;
    }

    /** Wakes every carrier once, so that each sees the quiet shutdown; by the first to see it. */
    void onQuiescentShutdown() {
        pool.wakeAllOnce();
    }

    /** After a pending count is given back: the last one after shutdown lets carriers exit. */
    private void afterPendingReleased() {
        waitingRoom.signalIfWaiting(); // a place freed: the head waiter may take it
        long c = lvCtl();
        if (isShutdown(c) && pendingCount(c) == 0) {
            pool.wakeAll();
        }
    }

    // ------------------------------------------------------------------ the consumer side

    /**
     * Takes the next task for {@code carrier}: claims it under the consumer role, or, after
     * {@code shutdownNow()}, cancels what raced into the queues. Returns null if there is no
     * task, the role is taken, or the next task is not stored yet; each of those cases wakes an
     * idle carrier again when it changes ({@link Inboxes}, {@link Carrier}).
     *
     * @param aboutToPark whether the carrier has announced itself idle: a role found taken is
     *                    then marked missed, so that its holder wakes a carrier if work is left
     */
    Task<?> take(Carrier carrier, boolean aboutToPark) {
        for (;;) {
            if (!(aboutToPark ? inboxes.acquireRoleOrMarkMissed() : inboxes.tryAcquireRole())) {
                return null;
            }
            Task<?> task = null;
            Task<?> discarded = null;
            boolean missed;
            try {
                int stop = stopState; // not ctl: carriers read no line that submitters write
                if (stop == DISCARDING) {
                    discarded = discardNext();
                } else if (stop == RUNNING) {
                    if (tombstones() >= purgeThreshold) {
                        inboxes.purge();
                    }
                    task = inboxes.claimNext();
                    if (task != null && task != Inboxes.STALLED) {
                        carrier.soCurrent(task); // before the role is given back: status sees it
                    }
                }
            } finally {
                missed = inboxes.releaseRole();
            }
            waitingRoom.signalIfWaiting(); // after the role's release (a full fence): a claim frees a place
            boolean claimed = task != null && task != Inboxes.STALLED;
            if (claimed && aboutToPark) {
                carrier.leaveIdle(); // first: the wake-up below must not pick this carrier itself
            }
            if (missed || claimed) {
                // propagation: whoever claims wakes the next idle carrier while work is left, so
                // a burst fans out even when its submitters found no carrier idle (all woken,
                // none running yet) or left the wake-up to a spinner
                signalIfWorkLeft();
            }
            if (discarded != null) { // outside the role: completing a future runs callbacks
                try {
                    discarded.signalFuture();
                } finally {
                    afterPendingReleased();
                }
                continue;
            }
            return task == Inboxes.STALLED ? null : task;
        }
    }

    /** Wakes an idle carrier if tasks are queued and none is spinning; after a role release. */
    void signalIfWorkLeft() {
        if (pool.hasIdle() && inboxes.mayHoldTasks()) {
            pool.signalWork();
        }
    }

    /** Under DISCARDING: drops tombstones and cancels the first pending task found; null if none. */
    private Task<?> discardNext() {
        Task<?> task;
        while ((task = inboxes.pollAny()) != null) {
            if (task.cancelQueued()) {
                return task;
            }
        }
        return null;
    }

    boolean mayHoldTasks() {
        return inboxes.mayHoldTasks();
    }

    // ------------------------------------------------------------------ task callbacks

    /** The count of a running task's time-out, before FAILED is published. */
    void onRunningTimedOut() {
        runningTimeouts.incrementAndGet();
    }

    /**
     * The count of a pending task's time-out, before FAILED is published: a failure for the
     * statistics, and for admission a pending task withdrawn, as a pending cancel is. The
     * cancel count first: status() reads the time-outs first, so it never subtracts a time-out
     * from a cancel count that does not hold it yet.
     */
    void onPendingTimedOut(Task<?> task) {
        onPendingCancelled(task);
        pendingTimeouts.incrementAndGet();
    }

    /** A place in the bound was given back: lets the head waiter try (see {@link WaitingRoom}). */
    void signalWaiters() {
        waitingRoom.signalIfWaiting();
    }

    /** The count of a running cancel, before CANCELLED is published. */
    void onRunningCancelled() {
        runningCancels.incrementAndGet();
    }

    /** The count of a pending cancel, and its pending count given back, before CANCELLED. */
    void onPendingCancelled(Task<?> task) {
        incrementPendingCancels(priorities ? task.priority().ordinal() : 0);
    }

    /**
     * By a carrier about to park: one bounded step of giving back id-table memory a burst grew
     * ({@link TaskIndex#trim}); returns whether another step may follow.
     */
    boolean trimIndex() {
        return index.mayTrim() && index.trim(pendingCount(lvCtl()));
    }

    /** A canceller's task enters result retention, after it was published CANCELLED. */
    void retire(Task<?> task) {
        index.retire(task);
    }

    /** After a pending cancel was published and its future completed: purge, shutdown. */
    void afterPendingCancel() {
        try {
            if (tombstones() >= purgeThreshold && inboxes.tryAcquireRole()) {
                try {
                    if (tombstones() >= purgeThreshold) {
                        inboxes.purge();
                    }
                } finally {
                    if (inboxes.releaseRole()) {
                        signalIfWorkLeft(); // a carrier found the role taken and parked
                    }
                }
            }
        } finally {
            afterPendingReleased(); // whatever the purge threw: the last release lets carriers exit
        }
    }

    Instant toInstant(long nanoTime) {
        long epochNanos = startEpochNanos + (nanoTime - startNanos);
        return Instant.ofEpochSecond(0L, epochNanos);
    }

    // ------------------------------------------------------------------ queries

    /** This scheduler's name, or null if unnamed; for the flight recorder's events. */
    String nameOrNull() {
        return config.name();
    }

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
        // final-state counts first, ctl (submitted) last: see "Statistics"
        long nCompleted = 0;
        long nFailed = 0;
        long nStarted = 0;
        long totalWait = 0;
        long totalRun = 0;
        int running = 0;
        int overrunning = 0;
        for (Carrier c : pool.carriers) {
            nCompleted += c.lvCompleted();
            nFailed += c.lvFailed();
            nStarted += c.lvStarted();
            totalWait += c.lvWaitNanos();
            totalRun += c.lvRunNanos();
            Task<?> current = c.lvCurrent();
            if (current != null) {
                running++;
                if (current.isFinal()) {
                    overrunning++; // cancelled or timed out, its evaluator not returned yet
                }
            }
        }
        long nRunningCancels = runningCancels.get();
        long nRunningTimeouts = runningTimeouts.get();
        long nPendingTimeouts = pendingTimeouts.get(); // before pendingCancels, which counts them first
        long nRejectedFull = rejectedFull.sum();
        long nRejected = nRejectedFull + rejectedShutdown.sum();
        // the admission figures as one snapshot: a double collect of counters that only grow
        long c;
        long claimed;
        long pendingCancels;
        long undone;
        int tries = 0;
        do { // ctl last: every released count then belongs to an admitted task, even in a fallback
            claimed = inboxes.lvClaimed();
            pendingCancels = lvPendingCancels();
            undone = lvUndone();
            c = lvCtl();
        } while ((inboxes.lvClaimed() != claimed || lvPendingCancels() != pendingCancels
                || lvUndone() != undone || lvCtl() != c) && ++tries < SNAPSHOT_TRIES);
        long nUnqueuedFailures = unqueuedFailures.get(); // after undone, which counts them last
        long nCancelled = nRunningCancels + pendingCancels - nPendingTimeouts;
        long nTimedOut = nRunningTimeouts + nPendingTimeouts;
        nFailed += nTimedOut + nUnqueuedFailures;
        long nSubmitted = admittedOf(c) - undone + nUnqueuedFailures;
        int pending = (int) Math.max(0L, admittedOf(c) - claimed - pendingCancels - undone);
        int max = pool.carriers.length;
        double capacity = (double) running / max;
        long now = System.nanoTime();
        long uptimeNanos = Math.max(1L, now - startNanos);
        long ran = nCompleted + nFailed;
        return new SchedulerStatus(running, pending, nSubmitted, nCompleted, nFailed, nCancelled,
                nTimedOut, overrunning, nStarted, nRejected, nRejectedFull, capacity, capacity >= config.capacityThreshold(), max,
                maxQueueSize, nCompleted / (uptimeNanos / 1e9), Duration.ofNanos(uptimeNanos),
                Duration.ofNanos(totalRun), Duration.ofNanos(ran == 0 ? 0 : totalRun / ran),
                Duration.ofNanos(totalWait), Duration.ofNanos(nStarted == 0 ? 0 : totalWait / nStarted),
                levels(pending, now));
    }

    /**
     * The per-level figures: pending as offers less claims less pending cancels (claims and
     * cancels read first, so that a level is never negative; clamped to {@code pending}, which
     * is read apart), and the age of each level's oldest task. Empty with priorities off.
     */
    private List<SchedulerStatus.LevelStatus> levels(int pending, long now) {
        if (!priorities) {
            return List.of();
        }
        int[] waiting = new int[PRIORITIES.length];
        boolean anyWaiting = false;
        for (int level = 0; level < waiting.length; level++) {
            long released = inboxes.claimedAt(level) + lvPendingCancelsAt(level);
            waiting[level] = (int) Math.min(pending, Math.max(0L, inboxes.offersAt(level) - released));
            anyWaiting |= waiting[level] > 0;
        }
        HeadLook look = timing && anyWaiting ? lookAtHeads() : null; // no look when nothing waits
        SchedulerStatus.LevelStatus[] levels = new SchedulerStatus.LevelStatus[PRIORITIES.length];
        for (int level = 0; level < levels.length; level++) {
            Duration oldest = Duration.ZERO;
            if (waiting[level] > 0 && look != null) {
                // no head seen: every task now waiting there came after the look
                long since = look.heads[level] != 0L ? look.heads[level] : look.atNanos;
                oldest = Duration.ofNanos(Math.max(0L, now - since));
            }
            levels[level] = new SchedulerStatus.LevelStatus(PRIORITIES[level], waiting[level], oldest);
        }
        return List.of(levels);
    }

    /** Each level's oldest queued task's submit time (0: none), as one look at {@code atNanos} saw them. */
    private static final class HeadLook {
        final long[] heads = new long[PRIORITIES.length];
        long atNanos;
    }

    /**
     * Looks at each level's oldest queued task under the consumer role if it can be had within
     * {@link #STATUS_ROLE_TRIES}, else returns the last look (null if there was none): the role's
     * holder alone may look at a queue's head. Holding it, the reader only drops tombstones and
     * looks (bounded work, nothing allocated); after giving it up it wakes a carrier if one
     * missed it meanwhile, as every holder must, and a waiting submitter, for the dropped
     * tombstones may have made room under the admission ceiling.
     */
    private HeadLook lookAtHeads() {
        HeadLook look = new HeadLook(); // before the role: nothing may throw while it is held
        StackHeadroom.ensure(StackHeadroom.SUBMIT_FRAMES); // nor a StackOverflowError
        for (int attempt = 0; attempt < STATUS_ROLE_TRIES; attempt++) {
            if (inboxes.tryAcquireRole()) {
                try {
                    look.atNanos = System.nanoTime();
                    for (int level = 0; level < look.heads.length; level++) {
                        look.heads[level] = inboxes.oldestSubmittedAt(level);
                    }
                } finally {
                    if (inboxes.releaseRole()) {
                        signalIfWorkLeft();
                    }
                }
                waitingRoom.signalIfWaiting();
                lastLook = look;
                return look;
            }
            Thread.onSpinWait();
        }
        return lastLook;
    }

    // ------------------------------------------------------------------ lifecycle

    @Override
    public void shutdown() {
        StackHeadroom.ensure(StackHeadroom.SUBMIT_FRAMES); // an error inside wakeAll could strand a carrier
        orCtl(SHUTDOWN);
        try {
            pool.wakeAll();
        } finally {
            waitingRoom.wakeAll(); // last: it allocates an iterator, and carriers come first
        }
    }

    @Override
    public List<TaskHandle<?>> shutdownNow() {
        StackHeadroom.ensure(StackHeadroom.CANCEL_FRAMES);
        orCtl(SHUTDOWN); // no more admission
        stopState = STOPPED; // no more claims
        ArrayList<TaskHandle<?>> cancelledNow = new ArrayList<>();
        try {
            index.forEach(task -> {
                cancelledNow.ensureCapacity(cancelledNow.size() + 1); // any OOM before the cancel
                if (task.cancel(true, false)) { // pending or running alike; callbacks after the scan
                    cancelledNow.add(task);
                }
            });
        } finally {
            // DISCARDING only now: set before the scan, a carrier would cancel queued tasks that
            // the scan then misses from its list; and whatever the scan threw, carriers must
            // discard what is left and exit, and the futures cancelled so far must complete
            stopState = DISCARDING;
            try {
                pool.wakeAll();
                waitingRoom.wakeAll();
            } finally {
                // only now the futures, whose callbacks may block, throw, or call close(): every
                // task is final and every carrier told to stop before the first callback runs
                completeFutures(cancelledNow, 0);
            }
        }
        return cancelledNow;
    }

    /** Completes the futures of {@code tasks} from {@code from} on, each whatever the others throw. */
    private static void completeFutures(List<TaskHandle<?>> tasks, int from) {
        for (int i = from; i < tasks.size(); i++) {
            try {
                ((Task<?>) tasks.get(i)).signalFuture();
            } catch (Throwable t) {
                completeFutures(tasks, i + 1); // the rest first, then the caller sees the error
                throw t;
            }
        }
    }

    @Override
    public boolean isShutdown() {
        return isShutdown(lvCtl());
    }

    @Override
    public boolean isTerminated() {
        return terminated.isDone();
    }

    @Override
    public boolean awaitTermination(Duration timeout) throws InterruptedException {
        Objects.requireNonNull(timeout, "timeout must not be null");
        if (pool.isCarrierThread(Thread.currentThread())) {
            throw new IllegalStateException("awaitTermination called from one of this scheduler's own "
                    + "carrier threads (in a task or a callback): it would wait for itself");
        }
        long nanos;
        try {
            nanos = timeout.toNanos();
        } catch (ArithmeticException overflow) {
            nanos = Long.MAX_VALUE;
        }
        try {
            terminated.get(Math.max(0L, nanos), TimeUnit.NANOSECONDS);
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
        if (pool.isCarrierThread(Thread.currentThread())) {
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

    private void onTerminated() {
        deadlines.stop();
        FlightEvents.terminated(this);
        if (config.name() != null) {
            NameRegistry.release(config.name(), this);
        }
        terminated.complete(null);
    }

    @Override
    public String toString() {
        return "Scheduler[" + config.name() + ", maxConcurrent=" + pool.carriers.length
                + ", maxQueueSize=" + maxQueueSize + "]";
    }

    // ------------------------------------------------------------------ for tests in this package

    /** Queue entries, tombstones included. Exact only when quiescent. */
    int queuedTaskCount() {
        return inboxes.queuedEntries();
    }

    /** Id-table slots in use (pending, running and retained tasks). Exact only when quiescent. */
    int slotsInUse() {
        return index.slotsInUse();
    }

    /** Tasks the deadline thread holds (racy): memory that follows use. */
    int deadlinesHeld() {
        return deadlines.heldForTest();
    }

    /** Id-table segments allocated: memory that follows use. */
    int tableSegments() {
        return index.segmentsAllocated();
    }

    /**
     * Takes the next task as carrier {@code carrier} would (claim, or discard after
     * shutdownNow); null if none, the role is taken, or the next task is not stored yet. For
     * tests that drive a scheduler made by {@link #createWithoutCarriers}; one thread per
     * carrier index, since a carrier's statistics have a single writer.
     */
    Task<?> takeForTest(int carrier) {
        return take(pool.carriers[carrier], false);
    }

    /**
     * Plays carrier {@code carrier}'s side of the wake-up handshake up to the point where it
     * would park: announces it idle and re-checks the queues. Returns the task it took (it has
     * left idle), or null if it would park now; {@link #wokenForTest} then tells whether a
     * submitter has woken it.
     */
    Task<?> parkCheckForTest(int carrier) {
        return pool.carriers[carrier].announceIdleAndRecheck();
    }

    /** Whether some thread has woken carrier {@code carrier} since it announced itself idle. */
    boolean wokenForTest(int carrier) {
        return pool.carriers[carrier].isWoken();
    }

    /** Runs a task taken by {@link #takeForTest} on the calling thread, as that carrier would. */
    void runForTest(int carrier, Task<?> task) {
        pool.carriers[carrier].runForTest(task);
    }
}

/*
 * Padding, in inheritance order: the admission word (written by submitters) and the cancel
 * counters (written by cancellers) each get cache lines of their own, away from each other and
 * from SchedulerCore's read-mostly fields. A small field may fill the 4-byte gap after a
 * compressed object header, hence padding before the first hot field too.
 */
abstract class CorePad0 {
    long p00, p01, p02, p03, p04, p05, p06, p07;
    long p08, p09, p0a, p0b, p0c, p0d, p0e, p0f;
}

abstract class CoreAdmission extends CorePad0 {
    private static final VarHandle CTL;
    private static final VarHandle ADMIT_LIMIT;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CTL = l.findVarHandle(CoreAdmission.class, "ctl", long.class);
            ADMIT_LIMIT = l.findVarHandle(CoreAdmission.class, "admitLimit", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Tasks ever admitted, plus the SHUTDOWN bit; see SchedulerCore. */
    private volatile long ctl;
    /** A cached admission limit, never above the true one; written by submitters. */
    private long admitLimit;

    final long lvCtl() {
        return ctl;
    }

    final long casExchangeCtl(long expected, long value) {
        return (long) CTL.compareAndExchange(this, expected, value);
    }

    final void orCtl(long bits) {
        CTL.getAndBitwiseOr(this, bits);
    }

    final long lvAdmitLimit() {
        return (long) ADMIT_LIMIT.getOpaque(this);
    }

    final void setAdmitLimit(long limit) {
        ADMIT_LIMIT.setOpaque(this, limit);
    }
}

abstract class CorePad1 extends CoreAdmission {
    long p10, p11, p12, p13, p14, p15, p16, p17;
    long p18, p19, p1a, p1b, p1c, p1d, p1e, p1f;
}

abstract class CoreCancelCounts extends CorePad1 {
    private static final VarHandle PENDING_CANCELS;
    private static final VarHandle UNDONE;
    private static final VarHandle LONG_ELEMENT = MethodHandles.arrayElementVarHandle(long[].class);

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            PENDING_CANCELS = l.findVarHandle(CoreCancelCounts.class, "pendingCancels", long.class);
            UNDONE = l.findVarHandle(CoreCancelCounts.class, "undone", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Pending tasks cancelled or discarded: their pending counts given back. */
    private volatile long pendingCancels;
    /** Admissions undone by a submit that failed after admission. */
    private volatile long undone;

    long p20, p21, p22, p23, p24, p25, p26, p27;
    long p28, p29, p2a, p2b, p2c, p2d, p2e, p2f;

    /** {@code pendingCancels} per level, for status only; written by cancellers; padded. */
    private final long[] pendingCancelsAt;

    CoreCancelCounts(int levels) {
        pendingCancelsAt = Inboxes.paddedCounters(levels);
        // The first run of a VarHandle call site links it, and linking allocates. These counts
        // follow a commit (a pending cancel's CAS, an admission being undone), where an
        // OutOfMemoryError would leave a task counted nowhere: link their call sites now, to no
        // effect (OutOfMemoryTest saw a first cancel under a full heap strand a place of the bound)
        addPendingCancels(0, 0L);
        addUndone(0L);
    }

    final long lvPendingCancels() {
        return pendingCancels;
    }

    /** Counts a pending cancel, its level's first: status clamps a level to the total. */
    final void incrementPendingCancels(int level) {
        addPendingCancels(level, 1L);
    }

    private void addPendingCancels(int level, long n) {
        LONG_ELEMENT.getAndAdd(pendingCancelsAt, Inboxes.padded(level), n);
        PENDING_CANCELS.getAndAdd(this, n);
    }

    final long lvPendingCancelsAt(int level) {
        return (long) LONG_ELEMENT.getVolatile(pendingCancelsAt, Inboxes.padded(level));
    }

    final long lvUndone() {
        return undone;
    }

    final void incrementUndone() {
        addUndone(1L);
    }

    private void addUndone(long n) {
        UNDONE.getAndAdd(this, n);
    }
}
