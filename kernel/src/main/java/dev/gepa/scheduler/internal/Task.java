package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskResult;
import dev.gepa.scheduler.TaskSpec;
import dev.gepa.scheduler.TaskState;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * One accepted task and its state machine; also the user's {@link TaskHandle}.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The whole life of a task is one int, {@code state}:
 * <pre>
 *   PENDING ─claim─> CLAIMING ─commit─> DISPATCHED ─start─> EXECUTING ─return─> FINISHING ──> COMPLETED | FAILED
 *      │  ^             │                   │                  │
 *      │  └──withdraw───┘                   └──cancel(true)────┴──> INTERRUPTING ──> CANCELLED
 *      │                                    └──deadline────────┴──> INTERRUPTING ──> FAILED (timed out)
 *      └─cancel──> CANCELLING ──────────────────────────────────────────────────> CANCELLED
 *      └─deadline─> CANCELLING ─────────────────────────────────────────────────> FAILED (timed out)
 * </pre>
 * A submit that fails after its admission (an id-table segment or queue chunk it could not
 * allocate) withdraws its task by the cancel's steps, counted nowhere, unless
 * {@code shutdownNow()}'s scan of the id table cancelled it first ({@link #withdrawUnpublished});
 * a group member that its queue could not take after others were queued ends FAILED by the
 * same steps ({@link #failUnqueued}).
 * A deadline ({@link #timeOut}, by the scheduler's {@link Deadlines} thread) takes the same
 * steps as a cancel, interrupting a running task, but the task ends FAILED with a
 * {@link TaskTimeoutException} as its outcome, written before the final state like any other.
 * Every step out of PENDING, DISPATCHED and EXECUTING is a CAS, so of dispatch, start,
 * completion and any number of cancels exactly one wins. The winner of the step into one of the
 * three <em>settling</em> states (FINISHING, INTERRUPTING, CANCELLING) owns the task's end: it
 * does the bookkeeping (statistics, the admission count, the finish time), and only then
 * publishes the final state with a volatile store, in a {@code finally} so that the task always
 * ends. (Volatile, not release: the finisher then reads {@code future}, and that read must not
 * move before the store; see the future's protocol below.) Only after that does it complete the future, which runs user callbacks. Hence:
 * <ul>
 * <li>each accepted task is counted exactly once, and a reader that sees a final state (through
 *     {@link #state()}, {@link #isDone()} or {@code result(id)}) also sees its counts and its
 *     free place in the bound: {@code status()} taken after every task is final is exact;</li>
 * <li>the winner enters the task into result retention right <em>after</em> publishing it (so a
 *     task is never evicted, and unfindable, while it still reads as pending or running), and
 *     completes the future after that: a callback never runs before its task is final,
 *     retained and its place given back, and no carrier ever waits for a callback (the carrier
 *     completes its own tasks' futures; a canceller completes the future on its own thread).</li>
 * </ul>
 * Publicly FINISHING and INTERRUPTING read as RUNNING, the state they came from; a reader
 * that finds CANCELLING waits the few stores until CANCELLED (the pending count is given back
 * first, so reading it as pending would disagree with {@code status()}); a cancel that finds
 * another cancel settling the task waits likewise before it returns false. Carriers never wait
 * for a canceller: a take passes a settling task over as a tombstone. A settling task cannot be
 * cancelled again.
 *
 * <p>A claim, by the consumer role's holder ({@link Inboxes}), is a CAS from PENDING to
 * CLAIMING, a re-check that no more urgent task is queued, then a release store: DISPATCHED,
 * or PENDING if one is (the claim is withdrawn; the task stays at its queue's head). A claim
 * that stands took effect at its CAS. Only the claimer leaves CLAIMING, in a {@code finally},
 * and the window holds no user code and no allocation; every other reader that finds CLAIMING
 * ({@link #state()}, {@link #result()}, a cancel, a deadline) waits it out as it waits out
 * CANCELLING, then acts on PENDING or DISPATCHED; CLAIMING is never seen publicly. So a task
 * read as pending after a more urgent submit returned is never claimed ahead of that task. A
 * cancel's CAS from PENDING races the claim's: if the cancel wins, the claim finds a tombstone;
 * if the claim wins, the cancel waits, then finds DISPATCHED, or PENDING if the claim was
 * withdrawn. The cost: one release store per claim; a reader waits only if it meets a claim.
 *
 * <p>Data written with a transition is ordered around it:
 * <ul>
 * <li>{@code outcome} (the value or the throwable) is written by the carrier while FINISHING,
 *     before the release of the final state, so whoever reads a final state reads it.</li>
 * <li>{@code finishedNanos} is written by the settling winner before it publishes the final
 *     state; {@code startedNanos} by the carrier right after its CAS to EXECUTING, so a start
 *     time means the evaluator was invoked. A canceller that wins against EXECUTING waits for
 *     that one store before it publishes CANCELLED, so a final task with no start time never
 *     ran and never will. With task timing off neither time is taken.</li>
 * <li>{@code runner}, the carrier thread, is written before the CAS to EXECUTING and read by a
 *     canceller only after its own CAS saw EXECUTING, so the CAS orders it.</li>
 * </ul>
 *
 * <p>Interrupting cancel, as in {@code FutureTask}: the canceller CASes DISPATCHED or EXECUTING
 * to INTERRUPTING and interrupts the runner if it was executing. A carrier whose CAS to
 * EXECUTING or FINISHING loses waits while the state is INTERRUPTING (the canceller's few stores,
 * no user code), so the interrupt lands before the carrier clears its interrupt status, never on
 * a later task.
 *
 * <p>The {@link CompletableFuture} view is created lazily (most hot-path callers never ask for
 * it). Creator: CAS the field, then read the state and complete the future if final. Finisher:
 * publish the final state, then read the field. One of the two always completes it; completing
 * twice is harmless.
 */
public final class Task<T> implements TaskHandle<T> {

    /** Waiting in its queue: claimable and cancellable. */
    static final int PENDING = 0;
    /**
     * Being claimed: the consumer role's holder is re-checking the more urgent levels and will
     * store DISPATCHED or PENDING; readers wait it out.
     */
    static final int CLAIMING = 1;
    /** Claimed by a carrier, evaluator not yet invoked. */
    static final int DISPATCHED = 2;
    /** The evaluator runs. */
    static final int EXECUTING = 3;
    /** Settling: the evaluator returned; its carrier does the bookkeeping. This and above settle. */
    static final int FINISHING = 4;
    /** Settling: an interrupting cancel won against a dispatched or executing task. */
    static final int INTERRUPTING = 5;
    /** Settling: a cancel won against a pending task. */
    static final int CANCELLING = 6;
    /** Final: the evaluator returned a value. This and above are final. */
    static final int COMPLETED = 7;
    /** Final: the evaluator threw. */
    static final int FAILED = 8;
    /** Final: cancelled, pending or running. */
    static final int CANCELLED = 9;

    // The data-less results are shared: result() is a hot read and allocates only for final values.
    static final TaskResult<?> NOT_FOUND = new TaskResult.NotFound<>();
    private static final TaskResult<?> PENDING_RESULT = new TaskResult.Pending<>();
    private static final TaskResult<?> RUNNING_RESULT = new TaskResult.Running<>();
    private static final TaskResult<?> CANCELLED_RESULT = new TaskResult.Cancelled<>();
    /**
     * For a cancelled future whose own exception could not be made (no stack or memory left);
     * made here, so the exception class is also loaded before any cancel needs it.
     */
    private static final CancellationException CANCELLED_FALLBACK =
            new TaskCancelledException("a task was cancelled");

    private static final VarHandle STATE = field("state", int.class);
    private static final VarHandle FUTURE = field("future", TaskFuture.class);
    private static final VarHandle FINISHED_NANOS = field("finishedNanos", long.class);
    private static final VarHandle STARTED_NANOS = field("startedNanos", long.class);

    static {
        // The first run of a VarHandle call site links it, and linking allocates. The final
        // store and the finish stamp run after a commit, in a finally, where an
        // OutOfMemoryError would strand the task: link them now, on a task no one sees.
        // So does the withdrawal of a task whose submit failed after its admission.
        Task<?> rehearsal = new Task<>(null, null, 1L);
        rehearsal.withdrawUnpublished(); // its CAS (settleUnpublished) and publishFinal(CANCELLED)
        rehearsal.stampFinished();
    }

    /** How a task reports to the carrier that runs it. */
    interface Runner {
        /** The evaluator is about to be invoked; {@code queueWaitNanos} is 0 with timing off. */
        void onStart(long queueWaitNanos);

        /** The evaluator returned ({@code failed} false) or threw, after {@code ranNanos}. */
        void onFinish(boolean failed, long ranNanos);

        /** Enters the finished task into result retention, right after it is published final. */
        void retire(Task<?> task);
    }

    /** Set by {@link TaskIndex#register} before the task is published; read-only after. */
    long id;
    /** Set with {@link #id}. */
    int slot;
    final TaskSpec<T> spec;
    final SchedulerCore core;
    /** System.nanoTime() at submit, or 0 with task timing off. */
    final long submittedNanos;

    private volatile int state; // PENDING
    private Thread runner;
    private Object outcome;
    private long startedNanos; // STARTED_NANOS: release / acquire; 0 = not started
    private long finishedNanos; // FINISHED_NANOS: release / acquire; 0 = not final
    private volatile TaskFuture<T> future;
    /** This task's position in the retention ring; written before the ring CAS publishes it. */
    long retiredAt;

    Task(TaskSpec<T> spec, SchedulerCore core, long submittedNanos) {
        this.spec = spec;
        this.core = core;
        this.submittedNanos = submittedNanos;
    }

    private static VarHandle field(String name, Class<?> type) {
        try {
            return MethodHandles.lookup().findVarHandle(Task.class, name, type);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    // ---------------------------------------------------------------- transitions

    /**
     * PENDING to CLAIMING, the instant a claim takes effect; by the holder of the consumer role
     * only, who then ends the claim with {@link #commitClaim()} or {@link #abandonClaim()}.
     *
     * @return false if the task is a tombstone (a cancel or its deadline won)
     */
    boolean beginClaim() {
        return state == PENDING && STATE.compareAndSet(this, PENDING, CLAIMING);
    }

    /** CLAIMING to DISPATCHED: the claim stands. Only the claimer leaves CLAIMING: a release store. */
    void commitClaim() {
        STATE.setRelease(this, DISPATCHED);
    }

    /** CLAIMING back to PENDING: the claim is withdrawn, as if it had not begun. */
    void abandonClaim() {
        STATE.setRelease(this, PENDING);
    }

    /** Whether the task is still waiting to be claimed (not a tombstone). */
    boolean isPending() {
        return state == PENDING;
    }

    /**
     * Runs the evaluator on the calling carrier, unless the task was cancelled first, and
     * finishes it: the final state is published before the future is completed, and the
     * calling thread's interrupt status is clear before that and on return.
     *
     * @param startNanos the start time to record (at least {@link #submittedNanos}), or 0 with
     *                   timing off
     * @return the time the task ended, if it still stands for "now" (no future was completed,
     *         so no user callback ran since); else 0
     */
    long runOn(Runner carrier, long startNanos) {
        runner = Thread.currentThread(); // before the CAS: see the notes
        if (!STATE.compareAndSet(this, DISPATCHED, EXECUTING)) { // cancelled before it started
            awaitCancelPublished();
            runner = null;
            return 0L;
        }
        if (startNanos != 0L) {
            STARTED_NANOS.setRelease(this, startNanos);
        }
        carrier.onStart(startNanos == 0L ? 0L : startNanos - submittedNanos);
        Object result;
        boolean failed;
        try {
            result = spec.evaluator().call();
            failed = false;
        } catch (Throwable t) { // any Throwable fails this task alone
            result = t;
            failed = true;
        }
        if (!STATE.compareAndSet(this, EXECUTING, FINISHING)) { // cancelled or timed out while running
            awaitCancelPublished();
            runner = null;
            if (FlightEvents.recorderStarted) { // it ran: its carrier records it, as for any other
                FlightEvents.taskExecuted(this, state == CANCELLED ? "CANCELLED" : "FAILED",
                        startNanos, startNanos == 0L ? 0L : System.nanoTime());
            }
            return 0L;
        }
        runner = null;
        long end = startNanos == 0L ? 0L : System.nanoTime();
        try {
            outcome = result;
            if (end != 0L) {
                FINISHED_NANOS.setRelease(this, end);
            }
            carrier.onFinish(failed, end - startNanos);
        } finally {
            publishFinal(failed ? FAILED : COMPLETED);
        }
        // final before the event, the event before the future: a waiter finds it committed.
        // With no recorder the check is a load and a branch; the commit never throws (FlightEvents)
        if (FlightEvents.recorderStarted) {
            FlightEvents.taskExecuted(this, failed ? "FAILED" : "COMPLETED", startNanos, end);
        }
        carrier.retire(this); // final first: a task is never evicted while it still reads RUNNING
        Thread.interrupted(); // an interrupt the evaluator left must not reach a callback
        return signalFuture() ? 0L : end;
    }

    private void awaitCancelPublished() {
        for (int spins = 0; state == INTERRUPTING; spins++) {
            // the canceller is between its CAS and publishing CANCELLED: a few stores, no user code
            backOff(spins);
        }
        Thread.interrupted(); // an interrupt meant for this task must not reach the next one
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        return cancel(mayInterruptIfRunning, true);
    }

    /**
     * Cancels as {@link #cancel(boolean)} does; with {@code completeFuture} false the caller
     * completes the future later ({@link #signalFuture()}), outside a scan that must not run
     * user callbacks ({@code shutdownNow()}).
     */
    boolean cancel(boolean mayInterruptIfRunning, boolean completeFuture) {
        int s = state;
        if (s == CLAIMING) {
            s = awaitClaimed(); // then pending or dispatched: never false for a task still pending
        }
        if (s >= FINISHING || (s != PENDING && !mayInterruptIfRunning)) {
            // settling, final, or running without leave to interrupt: no probe
            return lostToAnotherCancel(s);
        }
        StackHeadroom.ensure(StackHeadroom.CANCEL_FRAMES); // a StackOverflowError after the CAS would strand the task
        for (;;) {
            s = state;
            if (s == PENDING) {
                if (STATE.compareAndSet(this, PENDING, CANCELLING)) {
                    try {
                        settleCancelledPending();
                    } finally {
                        afterCancelled(true, completeFuture); // whatever the settling threw
                    }
                    return true;
                }
            } else if (s == CLAIMING) {
                awaitClaimed(); // then look again
            } else if ((s == DISPATCHED || s == EXECUTING) && mayInterruptIfRunning) {
                if (STATE.compareAndSet(this, s, INTERRUPTING)) {
                    try {
                        core.onRunningCancelled(); // counted first: the count is what must hold
                        stampAndInterrupt(s);
                    } finally {
                        publishFinal(CANCELLED); // releases the carrier, whatever happened
                        afterCancelled(false, completeFuture);
                    }
                    return true;
                }
            } else {
                return lostToAnotherCancel(s);
            }
        }
    }

    /**
     * After a CAS from {@code s} (DISPATCHED or EXECUTING) to INTERRUPTING: stamps the finish
     * time, then interrupts the runner if it executes. Stamped before the interrupt, the deepest
     * step: the carrier took its start time before its CAS to EXECUTING, which ours followed.
     */
    private void stampAndInterrupt(int s) {
        stampFinished();
        if (s == EXECUTING) {
            runner.interrupt(); // published before the carrier's CAS
            if (submittedNanos != 0L) {
                for (int spins = 0; (long) STARTED_NANOS.getAcquire(this) == 0L; spins++) {
                    backOff(spins); // the carrier's very next store
                }
            }
        }
    }

    /**
     * The task's deadline passed ({@link Deadlines}): a pending task fails without running and
     * gives its place back; a dispatched or executing one fails now and its runner is
     * interrupted (its slot frees when the evaluator returns). The future completes on the
     * calling thread. Does nothing to a task that is settling or final.
     *
     * @return whether this call timed the task out
     */
    boolean timeOut() {
        if (state >= FINISHING) {
            return false;
        }
        TaskTimeoutException timedOut = new TaskTimeoutException(this); // before any CAS: it may fail
        for (;;) {
            int s = state;
            if (s == PENDING) {
                if (STATE.compareAndSet(this, PENDING, CANCELLING)) {
                    try {
                        outcome = timedOut;
                        core.onPendingTimedOut(this); // counted (and the bound freed) first
                        stampFinished();
                    } finally {
                        publishFinal(FAILED);
                        afterCancelled(true, true);
                    }
                    return true;
                }
            } else if (s == CLAIMING) {
                awaitClaimed(); // then look again
            } else if (s == DISPATCHED || s == EXECUTING) {
                if (STATE.compareAndSet(this, s, INTERRUPTING)) {
                    try {
                        outcome = timedOut;
                        core.onRunningTimedOut();
                        stampAndInterrupt(s);
                    } finally {
                        publishFinal(FAILED); // releases the carrier
                        afterCancelled(false, true);
                    }
                    return true;
                }
            } else {
                return false; // settling or final: cancelled, finished, or timed out already
            }
        }
    }

    /** Whether the task has reached a final state. */
    boolean isFinal() {
        return state >= COMPLETED;
    }

    /**
     * Returns false for a cancel that found the task in state {@code s}; if another cancel is
     * settling it, first waits for that one to publish CANCELLED (a few stores, no user code),
     * so that a cancel that returns false because the task is cancelled sees its bound freed.
     */
    private boolean lostToAnotherCancel(int s) {
        if (s == CANCELLING || s == INTERRUPTING) {
            awaitSettled();
        }
        return false;
    }

    private void awaitSettled() {
        for (int spins = 0; state < COMPLETED; spins++) {
            backOff(spins);
        }
    }

    /**
     * Waits while a carrier claims the task (a few loads and one store, no user code, no
     * allocation); returns the state it then reads: PENDING if the claim was withdrawn, else
     * DISPATCHED or any state after it.
     */
    /**
     * One step of a wait for another thread's few stores (no user code): spin at first, then
     * yield, in case that thread was descheduled in the middle of them.
     */
    private static void backOff(int spins) {
        if (spins < 1024) {
            Thread.onSpinWait();
        } else {
            Thread.yield();
        }
    }

    private int awaitClaimed() {
        int s;
        for (int spins = 0; (s = state) == CLAIMING; spins++) {
            backOff(spins);
        }
        return s;
    }

    /**
     * A canceller's steps after publishing CANCELLED, each in a {@code finally} of the one
     * before, so that a throwing callback cannot skip retention or the pending-count follow-up.
     */
    private void afterCancelled(boolean wasPending, boolean completeFuture) {
        try {
            if (wasPending) {
                core.signalWaiters(); // its place is free: before callbacks that may block
            }
            core.retire(this);
        } finally {
            try {
                if (completeFuture) {
                    signalFuture(); // user callbacks run here, on the canceller's thread
                }
            } finally {
                if (wasPending) {
                    core.afterPendingCancel();
                }
            }
        }
    }

    /**
     * For a submit whose registration or offer failed after its admission: takes the task out
     * of PENDING, so that nothing else settles it, and publishes it CANCELLED, counted nowhere
     * (no caller holds it; the submit undoes its admission). False if {@code shutdownNow()}'s
     * scan of the id table cancelled it first: it is then counted and retired as a pending
     * cancel, handed to that caller, and the submit must not undo it too.
     */
    boolean withdrawUnpublished() {
        if (settleUnpublished()) {
            publishFinal(CANCELLED);
            return true;
        }
        return false;
    }

    /**
     * For a group member that was admitted and registered but that its queue could not take,
     * while members before it were queued: FAILED with {@code error}, counted by the core first.
     * Allocates nothing. False if {@code shutdownNow()}'s scan cancelled it first.
     */
    boolean failUnqueued(Throwable error) {
        if (!settleUnpublished()) {
            return false;
        }
        try {
            outcome = error;
            core.onUnqueuedFailure(); // counted (and the place given back) before FAILED
            stampFinished();
        } finally {
            publishFinal(FAILED);
        }
        return true;
    }

    /** PENDING to CANCELLING for a task no caller holds yet; one call site, linked in advance. */
    private boolean settleUnpublished() {
        return STATE.compareAndSet(this, PENDING, CANCELLING);
    }

    /**
     * PENDING to CANCELLED for a carrier discarding queued tasks after {@code shutdownNow()};
     * the caller completes the future once it has left the consumer role.
     */
    boolean cancelQueued() {
        if (STATE.compareAndSet(this, PENDING, CANCELLING)) {
            settleCancelledPending();
            core.retire(this);
            return true;
        }
        return false;
    }

    private void settleCancelledPending() {
        try {
            core.onPendingCancelled(this); // counted (and the bound freed) first: it must hold
            stampFinished();
        } finally {
            publishFinal(CANCELLED);
        }
    }

    /**
     * Publishes a final state, in the {@code finally} after a commit: it must not fail. The one
     * store every such path shares, so that its call site is linked with the class (see the
     * static initializer), not on the first cancel, which may come when the heap is full.
     */
    private void publishFinal(int finalState) {
        STATE.setVolatile(this, finalState);
    }

    private void stampFinished() {
        if (submittedNanos != 0L) {
            FINISHED_NANOS.setRelease(this, Math.max(System.nanoTime(), submittedNanos));
        }
    }

    // ---------------------------------------------------------------- the handle

    @Override
    public long id() {
        return id;
    }

    @Override
    public String candidateId() {
        return spec.candidateId();
    }

    @Override
    public Priority priority() {
        return spec.priority();
    }

    @Override
    public Map<String, ?> metadata() {
        return spec.metadata();
    }

    @Override
    public TaskState state() {
        return publicState(settledState());
    }

    /**
     * The state, except that a claim under way is waited for (a few instructions), and so is a
     * pending cancel under way (a few stores, no user code): its count and its place in
     * the bound are already given back, so reading it as pending would disagree with
     * {@code status()}.
     */
    private int settledState() {
        int s = state;
        if (s == CLAIMING) {
            s = awaitClaimed();
        }
        if (s == CANCELLING) {
            awaitSettled();
            s = state;
        }
        return s;
    }

    static TaskState publicState(int s) {
        switch (s) {
            case PENDING:
            case CANCELLING:
                return TaskState.PENDING;
            case COMPLETED: return TaskState.COMPLETED;
            case FAILED: return TaskState.FAILED;
            case CANCELLED: return TaskState.CANCELLED;
            default: return TaskState.RUNNING; // dispatched, executing, finishing, interrupting
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public TaskResult<T> result() {
        int s = settledState(); // acquire: orders the read of outcome after it
        switch (s) {
            case PENDING:
            case CANCELLING:
                return (TaskResult<T>) PENDING_RESULT;
            case COMPLETED: return new TaskResult.Completed<>((T) outcome);
            case FAILED: return new TaskResult.Failed<>((Throwable) outcome);
            case CANCELLED: return (TaskResult<T>) CANCELLED_RESULT;
            default: return (TaskResult<T>) RUNNING_RESULT;
        }
    }

    @Override
    public Instant submittedAt() {
        if (submittedNanos == 0L) {
            throw new IllegalStateException(
                    "task timing is off for this scheduler (SchedulerBuilder.taskTiming(false))");
        }
        return core.toInstant(submittedNanos);
    }

    @Override
    public Optional<Instant> startedAt() {
        long t = (long) STARTED_NANOS.getAcquire(this);
        return t == 0L ? Optional.empty() : Optional.of(core.toInstant(t));
    }

    @Override
    public Optional<Instant> finishedAt() {
        if (state < COMPLETED) { // acquire: the time was stored before the final state
            return Optional.empty();
        }
        long t = (long) FINISHED_NANOS.getAcquire(this);
        return t == 0L ? Optional.empty() : Optional.of(core.toInstant(t));
    }

    @Override
    public CompletableFuture<T> future() {
        TaskFuture<T> f = future;
        if (f == null) {
            TaskFuture<T> created = new TaskFuture<>(this);
            f = (TaskFuture<T>) FUTURE.compareAndExchange(this, null, created);
            if (f == null) {
                f = created;
                complete(f); // a no-op unless the task is already final
            }
        }
        return f;
    }

    /** Completes the future if one was asked for; returns whether there was one. */
    boolean signalFuture() {
        TaskFuture<T> f = future;
        if (f == null) {
            return false;
        }
        complete(f);
        return true;
    }

    @SuppressWarnings("unchecked")
    private void complete(TaskFuture<T> f) {
        int s = state;
        if (s == COMPLETED) {
            f.completeFromTask((T) outcome, null);
        } else if (s == FAILED) {
            f.completeFromTask(null, (Throwable) outcome);
        } else if (s == CANCELLED) {
            CancellationException cancelled;
            try {
                cancelled = new TaskCancelledException(this);
            } catch (Throwable outOfStackOrMemory) {
                cancelled = CANCELLED_FALLBACK; // the future must complete whatever happens
            }
            f.completeFromTask(null, cancelled);
        }
    }

    @Override
    public String toString() {
        return "Task[id=" + id + ", candidate=" + spec.candidateId() + ", priority="
                + spec.priority() + ", state=" + state() + "]";
    }

    /**
     * A cancelled task's future completes with this: its message names the task, and it has no
     * stack trace (the canceller's stack says nothing about the task, and filling it in costs
     * stack and time on the cancel path).
     */
    static final class TaskCancelledException extends CancellationException {
        private static final long serialVersionUID = 1L;

        TaskCancelledException(Task<?> task) {
            // no string concatenation: its first use bootstraps deeply, on a caller's stack
            super(new StringBuilder(48).append("task ").append(task.id).append(" (")
                    .append(task.spec.candidateId()).append(") was cancelled").toString());
        }

        TaskCancelledException(String message) {
            super(message);
        }

        @Override
        public Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * A timed-out task's outcome: its message names the task and its timeout. No stack trace:
     * the deadline thread's stack says nothing about the task.
     */
    static final class TaskTimeoutException extends TimeoutException {
        private static final long serialVersionUID = 1L;

        TaskTimeoutException(Task<?> task) {
            super(new StringBuilder(64).append("task ").append(task.id).append(" (")
                    .append(task.spec.candidateId()).append(") timed out after ")
                    .append(task.spec.timeout()).toString());
        }

        @Override
        public Throwable fillInStackTrace() {
            return this;
        }
    }

    /**
     * The future view: cancelling it cancels the task. Completing it by hand changes only the
     * view, never the task.
     */
    static final class TaskFuture<T> extends CompletableFuture<T> {
        private final Task<T> task;

        TaskFuture(Task<T> task) {
            this.task = task;
        }

        void completeFromTask(T value, Throwable error) {
            if (error == null) {
                complete(value);
            } else {
                completeExceptionally(error);
            }
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            // true too for a task already cancelled whose future is about to complete
            // (shutdownNow completes futures after its scan)
            return task.cancel(mayInterruptIfRunning) || isCancelled() || task.state == CANCELLED;
        }

        @Override
        public String toString() {
            return "TaskFuture[" + task + "]";
        }
    }
}
