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

/**
 * One accepted task and its state machine; also the user's {@link TaskHandle}.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>The whole life of a task is one int, {@code state}, changed only by CAS:
 * <pre>
 *   PENDING ─claim─> DISPATCHED ─start─> EXECUTING ─finish─> COMPLETED | FAILED
 *      │                 │                  │
 *      │                 └──cancel(true)────┴──> INTERRUPTING ──> CANCELLED
 *      └─cancel──────────────────────────────────────────────────> CANCELLED
 * </pre>
 * The drainer claims (PENDING to DISPATCHED) and hands the task to a carrier, which starts it
 * (DISPATCHED to EXECUTING) right before invoking the evaluator and finishes it after. Every
 * transition out of a non-final state is a CAS, so of dispatch, start, completion and any number
 * of cancels exactly one wins each race, and only the winner of the final transition does its
 * bookkeeping (statistics, retention, the future, the admission count): each accepted task is
 * counted exactly once. Publicly DISPATCHED, EXECUTING and INTERRUPTING all read RUNNING, and a
 * cancel is visible as CANCELLED only once it is complete.
 *
 * <p>Data written with a transition is ordered around its CAS:
 * <ul>
 * <li>{@code outcome} (the value or the throwable) is written by the carrier, its only writer,
 *     before its CAS to COMPLETED or FAILED, so whoever reads a final state reads the outcome.
 *     A carrier whose CAS loses clears it again.</li>
 * <li>{@code finishedNanos} is written by the winner right after its CAS. A reader that sees a
 *     final state but no time yet waits for that one store ({@link #finishedAt()}).</li>
 * <li>{@code startedNanos} is written by the carrier right after its CAS to EXECUTING, so a
 *     start time means the evaluator was invoked. A canceller that wins against EXECUTING waits
 *     for that store before it publishes CANCELLED, so a final task with no start time never
 *     ran and never will.</li>
 * <li>The future is completed before the pending count is released (a pending cancel) and
 *     before CANCELLED releases the waiting carrier (a running cancel): both can let the
 *     scheduler terminate, and termination implies every future is complete.</li>
 * </ul>
 *
 * <p>Interrupting cancel, as in {@code FutureTask}: the canceller CASes DISPATCHED or EXECUTING
 * to INTERRUPTING, interrupts {@code runner} if the task was executing, does the bookkeeping
 * and publishes CANCELLED (in a finally, so the carrier waiting on it is released whatever
 * happens). The carrier publishes {@code runner} before its CAS to EXECUTING, so a canceller
 * whose CAS saw EXECUTING sees the runner. A carrier whose CAS to EXECUTING or to a final state
 * loses waits while the state is INTERRUPTING, so the interrupt lands before it clears its
 * interrupt status, never on a later task, and the task is retired before the carrier can take
 * another (the id table's slot bound, {@link TaskIndex}).
 *
 * <p>The {@link CompletableFuture} view is created lazily (most hot-path callers never ask for
 * it). Creator: CAS the field, then read the state and complete the future if final. Finisher:
 * publish the final state, then read the field. One of the two always completes it; completing
 * twice is harmless.
 */
public final class Task<T> implements TaskHandle<T> {

    static final int PENDING = 0;
    static final int DISPATCHED = 1;
    static final int EXECUTING = 2;
    static final int INTERRUPTING = 3;
    static final int COMPLETED = 4; // this and above are final
    static final int FAILED = 5;
    static final int CANCELLED = 6;

    // The data-less results are shared: result() is a hot read and allocates only for final values.
    static final TaskResult<?> NOT_FOUND = new TaskResult.NotFound<>();
    private static final TaskResult<?> PENDING_RESULT = new TaskResult.Pending<>();
    private static final TaskResult<?> RUNNING_RESULT = new TaskResult.Running<>();
    private static final TaskResult<?> CANCELLED_RESULT = new TaskResult.Cancelled<>();

    private static final VarHandle STATE;
    private static final VarHandle FUTURE;
    private static final VarHandle FINISHED_NANOS;
    private static final VarHandle STARTED_NANOS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Task.class, "state", int.class);
            FUTURE = l.findVarHandle(Task.class, "future", TaskFuture.class);
            FINISHED_NANOS = l.findVarHandle(Task.class, "finishedNanos", long.class);
            STARTED_NANOS = l.findVarHandle(Task.class, "startedNanos", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    final long id;
    final int slot;
    final TaskSpec<T> spec;
    final SchedulerCore core;
    final long submittedNanos;

    private volatile int state; // PENDING
    /**
     * The carrier thread that runs the evaluator: written before the CAS to EXECUTING, read by
     * a canceller only after its CAS saw EXECUTING, so the CAS orders it (no volatile needed).
     */
    private Thread runner;
    /** The evaluator's value or throwable; see the class notes for its ordering. */
    private Object outcome;
    private volatile long startedNanos; // written with release: one per task, on the hot path
    private long finishedNanos; // accessed through FINISHED_NANOS, release / acquire
    private volatile TaskFuture<T> future;
    /** This task's position in the retention ring; written before the ring CAS publishes it. */
    long retiredAt;

    Task(long id, int slot, TaskSpec<T> spec, SchedulerCore core, long submittedNanos) {
        this.id = id;
        this.slot = slot;
        this.spec = spec;
        this.core = core;
        this.submittedNanos = submittedNanos;
    }

    // ---------------------------------------------------------------- transitions

    /** PENDING to DISPATCHED; called by the drainer only. */
    boolean tryClaim() {
        return state == PENDING && STATE.compareAndSet(this, PENDING, DISPATCHED);
    }

    int rawState() {
        return state;
    }

    /**
     * Runs the evaluator on the calling carrier, unless the task was cancelled first, and
     * finishes it. Returns with the calling thread's interrupt status cleared.
     *
     * @param carrier the calling carrier, for its statistics; null when a test runs the task
     * @param now     the current {@code System.nanoTime()} if the caller has just read it (the
     *                end of the carrier's previous task, when it took this one straight after),
     *                else 0
     * @return the time the task ended, for the caller to reuse as the next one's start
     */
    long runOnCarrier(Carrier carrier, long now) {
        runner = Thread.currentThread(); // before the CAS: see the notes
        if (!STATE.compareAndSet(this, DISPATCHED, EXECUTING)) { // cancelled before it started
            awaitInterruptDelivered();
            runner = null;
            return now;
        }
        long start = now != 0L ? now : System.nanoTime();
        STARTED_NANOS.setRelease(this, nonZero(start));
        core.recordStart(carrier, start - submittedNanos);
        Object result;
        boolean failed;
        try {
            result = spec.evaluator().call();
            failed = false;
        } catch (Throwable t) { // any Throwable fails this task alone
            result = t;
            failed = true;
        }
        outcome = result;
        long end = System.nanoTime();
        if (STATE.compareAndSet(this, EXECUTING, failed ? FAILED : COMPLETED)) {
            FINISHED_NANOS.setRelease(this, nonZero(end));
            core.onFinished(carrier, this, failed, end - start);
            signalFuture();
            Thread.interrupted(); // an interrupt the evaluator left must not reach the next task
        } else {
            outcome = null; // cancelled while running: the value is not the task's result
            awaitInterruptDelivered();
            end = 0L; // we waited: the time is stale
        }
        runner = null;
        return end;
    }

    private void awaitInterruptDelivered() {
        for (int spins = 0; state == INTERRUPTING; spins++) {
            // the canceller is between its CAS and publishing CANCELLED
            if (spins < 128) {
                Thread.onSpinWait();
            } else {
                Thread.yield();
            }
        }
        Thread.interrupted(); // an interrupt meant for this task must not reach the next one
    }

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
        for (;;) {
            int s = state;
            if (s == PENDING) {
                if (STATE.compareAndSet(this, PENDING, CANCELLED)) {
                    stampFinished();
                    core.onCancelled(this);
                    signalFuture();
                    core.releaseCancelledPending(); // last: it may let the scheduler terminate
                    return true;
                }
            } else if ((s == DISPATCHED || s == EXECUTING) && mayInterruptIfRunning) {
                if (STATE.compareAndSet(this, s, INTERRUPTING)) {
                    try {
                        if (s == EXECUTING) {
                            runner.interrupt(); // published before the carrier's CAS
                            while (startedNanos == 0L) {
                                Thread.onSpinWait(); // the carrier's very next store
                            }
                        }
                        stampFinished();
                        core.onCancelled(this); // retire while the carrier still waits on us
                        signalFuture(); // INTERRUPTING completes the future as cancelled
                    } finally {
                        state = CANCELLED; // releases the carrier, whatever happened above
                    }
                    return true;
                }
            } else {
                return false;
            }
        }
    }

    /**
     * PENDING to CANCELLED for a drainer discarding queued tasks: the bookkeeping but not the
     * future (which may run user callbacks) and not the pending count; the drainer does both
     * after it has left the drain role.
     */
    boolean cancelQueued() {
        if (STATE.compareAndSet(this, PENDING, CANCELLED)) {
            stampFinished();
            core.onCancelled(this);
            return true;
        }
        return false;
    }

    private void stampFinished() {
        FINISHED_NANOS.setRelease(this, nonZero(System.nanoTime()));
    }

    /** Zero means "not yet" in the time fields; nanoTime may return it, once in a long while. */
    private static long nonZero(long nanoTime) {
        return nanoTime == 0L ? 1L : nanoTime;
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
        return publicState(state);
    }

    static TaskState publicState(int s) {
        switch (s) {
            case PENDING: return TaskState.PENDING;
            case COMPLETED: return TaskState.COMPLETED;
            case FAILED: return TaskState.FAILED;
            case CANCELLED: return TaskState.CANCELLED;
            default: return TaskState.RUNNING; // dispatched, executing, or being cancelled
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public TaskResult<T> result() {
        int s = state; // acquire: orders the read of outcome after it
        switch (s) {
            case PENDING: return (TaskResult<T>) PENDING_RESULT;
            case COMPLETED: return new TaskResult.Completed<>((T) outcome);
            case FAILED: return new TaskResult.Failed<>((Throwable) outcome);
            case CANCELLED: return (TaskResult<T>) CANCELLED_RESULT;
            default: return (TaskResult<T>) RUNNING_RESULT;
        }
    }

    @Override
    public Instant submittedAt() {
        return core.toInstant(submittedNanos);
    }

    @Override
    public Optional<Instant> startedAt() {
        long t = startedNanos;
        return t == 0L ? Optional.empty() : Optional.of(core.toInstant(t));
    }

    @Override
    public Optional<Instant> finishedAt() {
        if (state < COMPLETED) {
            return Optional.empty();
        }
        long t;
        while ((t = (long) FINISHED_NANOS.getAcquire(this)) == 0L) {
            Thread.onSpinWait(); // the winner stores the time right after its CAS
        }
        return Optional.of(core.toInstant(t));
    }

    @Override
    public CompletableFuture<T> future() {
        TaskFuture<T> f = future;
        if (f == null) {
            TaskFuture<T> created = new TaskFuture<>(this);
            f = (TaskFuture<T>) FUTURE.compareAndExchange(this, null, created);
            if (f == null) {
                f = created;
                if (state >= INTERRUPTING) { // a cancel that has won completes it as cancelled
                    complete(f);
                }
            }
        }
        return f;
    }

    void signalFuture() {
        TaskFuture<T> f = future;
        if (f != null) {
            complete(f);
        }
    }

    @SuppressWarnings("unchecked")
    private void complete(TaskFuture<T> f) {
        int s = state;
        if (s == COMPLETED) {
            f.completeFromTask((T) outcome, null);
        } else if (s == FAILED) {
            f.completeFromTask(null, (Throwable) outcome);
        } else if (s == CANCELLED || s == INTERRUPTING) {
            f.completeFromTask(null, new CancellationException(
                    "task " + id + " (" + spec.candidateId() + ") was cancelled"));
        }
    }

    @Override
    public String toString() {
        return "Task[id=" + id + ", candidate=" + spec.candidateId() + ", priority="
                + spec.priority() + ", state=" + state() + "]";
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
            return task.cancel(mayInterruptIfRunning) || isCancelled();
        }

        @Override
        public String toString() {
            return "TaskFuture[" + task + "]";
        }
    }
}
