package dev.gepa.scheduler;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;

/**
 * An {@link ExecutorService} view of a {@link Scheduler} at one {@link Priority}: every task
 * given to the view becomes a task of the scheduler, at the view's priority. Made by
 * {@link Scheduler#asExecutorService(Priority)}.
 *
 * <pre>{@code
 * ExecutorService high = scheduler.asExecutorService(Priority.HIGH);
 * CompletableFuture<Double> score = CompletableFuture.supplyAsync(() -> evaluate(prompt), high);
 * Future<?> refresh = high.submit(() -> refreshCache());
 * refresh.cancel(false); // if still pending: cancelled in the scheduler, its place freed at once
 * }</pre>
 *
 * <h2>Tasks</h2>
 *
 * <p>Tasks of every view of a scheduler, and those submitted to it directly, share its
 * {@code maxConcurrent} slots, its {@code maxQueueSize} bound and its strict priority order: a
 * task of a {@link Priority#HIGH} view is dispatched before any pending task of a
 * {@link Priority#LOW} one. Each task is an ordinary scheduler task, with the lifecycle and
 * statistics of any other; its candidate id is the view's {@link #candidateId()} (by default
 * {@code "executor-"} followed by the priority's name, such as {@code executor-HIGH}), the
 * same for all of the view's tasks, and it has no metadata. Its task id, unique within the
 * scheduler, is what tells it apart (in {@link Scheduler#find(long)}, in the flight recorder's
 * events).
 *
 * <p>A task that cannot be accepted is refused with the scheduler's
 * {@link RejectedTaskException}, a {@link java.util.concurrent.RejectedExecutionException}:
 * {@link RejectionReason#QUEUE_FULL} when the scheduler's bound is reached, and
 * {@link RejectionReason#SHUTDOWN} once this view or the scheduler is shut down. A refusal by
 * the view itself is not counted in the scheduler's rejected count. {@code invokeAll} and
 * {@code invokeAny} submit their tasks at once, not as slots free up, so a collection larger than
 * the room left in the bound is refused, and the tasks already submitted are cancelled.
 *
 * <h2>Futures</h2>
 *
 * <p>The futures returned by {@code submit} and {@code invokeAll} are linked to their scheduler
 * tasks. {@link Future#cancel(boolean) cancel} cancels a pending task in the scheduler at once:
 * it never runs, and its place in the bound is free when {@code cancel} returns. A running task
 * is interrupted and cancelled if {@code mayInterruptIfRunning}; otherwise it runs on and its
 * outcome is dropped, as with {@link java.util.concurrent.FutureTask}. A task whose code has
 * not started when {@code cancel} is called never runs it, whatever the argument. After any
 * {@code cancel} the future is done. (The scheduler counts a task by what happened to it there:
 * one cancelled in the instant after a carrier claimed it, as its evaluator was being invoked,
 * is counted completed, though its code never ran and its future is cancelled.) A task that
 * throws fails its future:
 * {@link Future#get()} throws an {@link ExecutionException} whose cause is what it threw. A task
 * given to {@link #execute(Runnable)} that throws is reported to the uncaught-exception handler
 * of the carrier thread that ran it, as a thread pool reports it (the carrier carries on).
 *
 * <p>{@code CompletableFuture.supplyAsync(supplier, view)} and {@code runAsync} run their work
 * through {@link #execute(Runnable)}; the {@code CompletableFuture} they return is the JDK's own,
 * so cancelling it does not reach the scheduler: the task keeps its place until it is
 * dispatched, then skips the supplier.
 *
 * <h2>Lifecycle</h2>
 *
 * <p>A view has a lifecycle of its own, apart from the scheduler's and every other view's.
 * {@link #shutdown()} stops this view accepting tasks; those it accepted still run.
 * {@link #isTerminated()} is true, and {@link #awaitTermination(long, TimeUnit)} returns, once it
 * is shut down and every task it accepted has ended: its future is done and, if it ran, its code
 * has returned. {@link #shutdownNow()} also cancels the view's pending tasks, returning them,
 * and interrupts its running ones. {@link #close()} shuts the view down and waits for it to
 * terminate. None of them shuts the scheduler down, nor touches tasks the view did not accept.
 * Shutting the scheduler down does not shut its views down: a view then refuses every task with
 * {@code SHUTDOWN}, as the scheduler does, but {@link #isShutdown()} stays false until the view
 * itself is shut down.
 *
 * <p>All methods are thread-safe. Submitting, ending a task and cancelling take no lock and
 * never block; a view adds nothing to the cost of tasks submitted to the scheduler directly.
 */
public final class SchedulerExecutorService implements ExecutorService, AutoCloseable {
    /*
     * Implementation notes.
     *
     * The view's state is one AtomicLong, ctl: the number of its tasks in flight (accepted and
     * not yet ended) in the low bits, plus a SHUTDOWN and a STOP bit. A submit increments first
     * and backs out if SHUTDOWN was set, so once SHUTDOWN is set the count only falls (but for
     * the +1/-1 of a refused submit). Whoever moves ctl to "SHUTDOWN, count 0" (a shutdown with
     * nothing in flight, or the last end after one) completes `terminated`, which
     * awaitTermination waits on; completing it twice is harmless, and it is never un-completed.
     *
     * A task ends when two things have happened, in either order: its scheduler task is final
     * (its future completed: it completed, failed, or was cancelled pending or running), and,
     * if its code started, that code has returned (a task cancelled with an interrupt is final
     * at once, while its code may still run). Each ViewTask keeps both in one int, `phase`: the
     * run state (NEW, STARTED, WITHHELD, RAN) and a FINAL bit. The adapter claims the run by a
     * CAS NEW -> STARTED and sets RAN when the code returns; the scheduler future's callback sets
     * FINAL. Whichever comes second (seen by the getAndBitwiseOr each does) retires the task:
     * removes it from inFlight and counts it down; a task whose code never started is retired
     * by the FINAL side alone. The user's future is completed from the callback, before the
     * task is retired, so a view that reads terminated has every future done.
     *
     * inFlight: the view's tasks by task id, in a ConcurrentSkipListMap (lock-free), for
     * shutdownNow alone. A task enters after its submit returns (its id is known only then) and
     * before its callback is registered, so its removal always follows its entry.
     * shutdownNow sets STOP before it scans inFlight; a submitter reads ctl after its entry:
     * both are volatile accesses, so either the scan finds the task or the submitter sees STOP
     * and cancels the task itself (it is then missing from shutdownNow's list, as the
     * scheduler's own shutdownNow allows).
     *
     * Withholding: shutdownNow, and a cancel of the user's future, claim a task by a CAS
     * NEW -> WITHHELD before cancelling it in the scheduler. Of that CAS and the adapter's
     * NEW -> STARTED exactly one wins, so a withheld task's code never runs, whatever the
     * scheduler then records (a carrier may have claimed it already, and the adapter returns
     * null), and its future ends cancelled; a started one is interrupted only if the caller
     * allowed it (shutdownNow does). Hence a cancel(false) that comes before the code starts
     * always keeps it from running, as with FutureTask, even after a carrier claimed the task.
     * The adapter's CAS also fails once FINAL is set, so the code of a task already cancelled
     * never starts.
     *
     * handle is a plain field: the submitter writes it before the map entry and the callback
     * registration, which publish it to shutdownNow and to the callback; the adapter reads it
     * only after seeing FINAL, set by the callback.
     */

    /** ctl: the view accepts no more tasks. */
    private static final long SHUTDOWN = 1L << 62;
    /** ctl: shutdownNow was called; a submit racing it cancels its own task. */
    private static final long STOP = 1L << 61;
    /** ctl: the bits that count the tasks in flight. */
    private static final long COUNT = STOP - 1;

    /**
     * The view whose task (or task's future callback) the current thread is running, if any:
     * that thread waiting for the view to terminate would wait for itself.
     */
    private static final ThreadLocal<SchedulerExecutorService> RUNNING = new ThreadLocal<>();

    private final Scheduler scheduler;
    private final Priority priority;
    private final String candidateId;
    private final AtomicLong ctl = new AtomicLong();
    private final ConcurrentSkipListMap<Long, ViewTask<?>> inFlight = new ConcurrentSkipListMap<>();
    private final CompletableFuture<Void> terminated = new CompletableFuture<>();

    /**
     * Creates a view of {@code scheduler} whose tasks have {@code priority} and
     * {@code candidateId}. {@link Scheduler#asExecutorService(Priority)} is the usual way to
     * make one.
     *
     * @param scheduler   the scheduler that runs the view's tasks
     * @param priority    the priority of every task given to the view
     * @param candidateId the candidate id of every task given to the view; not blank
     * @throws NullPointerException     if an argument is null; the message names it
     * @throws IllegalArgumentException if {@code candidateId} is blank
     */
    public SchedulerExecutorService(Scheduler scheduler, Priority priority, String candidateId) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
        this.priority = Objects.requireNonNull(priority, "priority must not be null");
        Objects.requireNonNull(candidateId, "candidateId must not be null");
        if (candidateId.isBlank()) {
            throw new IllegalArgumentException("candidateId must not be blank");
        }
        this.candidateId = candidateId;
    }

    /** {@return the scheduler that runs this view's tasks} */
    public Scheduler scheduler() {
        return scheduler;
    }

    /** {@return the priority of every task given to this view} */
    public Priority priority() {
        return priority;
    }

    /** {@return the candidate id of every task given to this view} */
    public String candidateId() {
        return candidateId;
    }

    // ------------------------------------------------------------------ submitting

    /**
     * Runs {@code command} as a scheduler task at this view's priority. If it throws, the
     * throwable goes to the uncaught-exception handler of the carrier thread that ran it.
     *
     * @param command the work to run
     * @throws NullPointerException  if {@code command} is null
     * @throws RejectedTaskException if the scheduler's bound is reached, or this view or the
     *                               scheduler is shut down
     */
    @Override
    public void execute(Runnable command) {
        Objects.requireNonNull(command, "command must not be null");
        launch(new ViewTask<Void>(this, null, command, null));
    }

    /**
     * Submits {@code task}; its future completes with null.
     *
     * @param task the work to run
     * @return a future linked to the scheduler task; cancelling it cancels that task
     * @throws NullPointerException  if {@code task} is null
     * @throws RejectedTaskException if the scheduler's bound is reached, or this view or the
     *                               scheduler is shut down
     */
    @Override
    public Future<?> submit(Runnable task) {
        Objects.requireNonNull(task, "task must not be null");
        return submitTask(new ViewTask<Void>(this, null, task, null));
    }

    /**
     * Submits {@code task}; its future completes with {@code result}.
     *
     * @param task   the work to run
     * @param result the value of the future once {@code task} has run; may be null
     * @param <T>    the type of the result
     * @return a future linked to the scheduler task; cancelling it cancels that task
     * @throws NullPointerException  if {@code task} is null
     * @throws RejectedTaskException if the scheduler's bound is reached, or this view or the
     *                               scheduler is shut down
     */
    @Override
    public <T> Future<T> submit(Runnable task, T result) {
        Objects.requireNonNull(task, "task must not be null");
        return submitTask(new ViewTask<>(this, null, task, result));
    }

    /**
     * Submits {@code task}; its future completes with the task's value, or fails with what it
     * threw.
     *
     * @param task the work to run
     * @param <T>  the type of the task's value
     * @return a future linked to the scheduler task; cancelling it cancels that task
     * @throws NullPointerException  if {@code task} is null
     * @throws RejectedTaskException if the scheduler's bound is reached, or this view or the
     *                               scheduler is shut down
     */
    @Override
    public <T> Future<T> submit(Callable<T> task) {
        Objects.requireNonNull(task, "task must not be null");
        return submitTask(new ViewTask<>(this, task, null, null));
    }

    /**
     * Submits every task at once, then waits until all are done.
     *
     * @param tasks the tasks to run
     * @param <T>   the type of the tasks' values
     * @return the tasks' futures, in the collection's iteration order, all done
     * @throws NullPointerException  if {@code tasks} or any of its elements is null (then
     *                               nothing is submitted)
     * @throws InterruptedException  if the waiting thread is interrupted; every task not done is
     *                               then cancelled
     * @throws RejectedTaskException if a task is refused; those already submitted are cancelled
     */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks) throws InterruptedException {
        List<Callable<T>> work = snapshot(tasks);
        List<Future<T>> futures = new ArrayList<>(work.size());
        boolean allDone = false;
        try {
            for (Callable<T> task : work) {
                futures.add(submitTask(new ViewTask<>(this, task, null, null)));
            }
            for (Future<T> f : futures) {
                if (!f.isDone()) {
                    try {
                        f.get();
                    } catch (CancellationException | ExecutionException ignored) {
                        // done: its outcome is in its future
                    }
                }
            }
            allDone = true;
            return futures;
        } finally {
            if (!allDone) {
                cancelAll(futures);
            }
        }
    }

    /**
     * Submits the tasks while the timeout lasts, then waits until all are done or the timeout
     * passes; on return every task not done is cancelled. A task not submitted before the
     * timeout passed has a future that is cancelled.
     *
     * @param tasks   the tasks to run
     * @param timeout how long to wait at most; zero or less submits nothing
     * @param unit    the unit of {@code timeout}
     * @param <T>     the type of the tasks' values
     * @return the tasks' futures, in the collection's iteration order, all done
     * @throws NullPointerException  if {@code tasks}, any of its elements or {@code unit} is null
     *                               (then nothing is submitted)
     * @throws InterruptedException  if the waiting thread is interrupted; every task not done is
     *                               then cancelled
     * @throws RejectedTaskException if a task is refused; those already submitted are cancelled
     */
    @Override
    public <T> List<Future<T>> invokeAll(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException {
        List<Callable<T>> work = snapshot(tasks);
        Objects.requireNonNull(unit, "unit must not be null");
        long nanos = unit.toNanos(timeout);
        long deadline = System.nanoTime() + nanos;
        List<Future<T>> futures = new ArrayList<>(work.size());
        try {
            for (Callable<T> task : work) {
                if (nanos <= 0L || deadline - System.nanoTime() <= 0L) {
                    futures.add(cancelledFuture());
                } else {
                    futures.add(submitTask(new ViewTask<>(this, task, null, null)));
                }
            }
            for (Future<T> f : futures) {
                if (f.isDone()) {
                    continue;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0L) {
                    break;
                }
                try {
                    f.get(left, TimeUnit.NANOSECONDS);
                } catch (CancellationException | ExecutionException ignored) {
                    // done: its outcome is in its future
                } catch (TimeoutException timedOut) {
                    break;
                }
            }
            return futures;
        } finally {
            cancelAll(futures); // the ones not done, whether the timeout passed or something threw
        }
    }

    /**
     * Submits every task at once and returns the value of one that completed normally; on
     * return every other task is cancelled.
     *
     * @param tasks the tasks to run
     * @param <T>   the type of the tasks' values
     * @return the value of a task that completed normally
     * @throws NullPointerException     if {@code tasks} or any of its elements is null (then
     *                                  nothing is submitted)
     * @throws IllegalArgumentException if {@code tasks} is empty
     * @throws ExecutionException       if no task completed normally: the cause is what the last
     *                                  to fail threw (a {@link CancellationException} for a
     *                                  cancelled one)
     * @throws InterruptedException     if the waiting thread is interrupted
     * @throws RejectedTaskException    if a task is refused; those already submitted are
     *                                  cancelled
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks) throws InterruptedException, ExecutionException {
        try {
            return race(tasks, false, 0L);
        } catch (TimeoutException e) {
            throw new IllegalStateException("an untimed invokeAny timed out", e); // cannot happen
        }
    }

    /**
     * Submits every task at once and returns the value of one that completed normally before
     * the timeout passed; on return every other task is cancelled.
     *
     * @param tasks   the tasks to run
     * @param timeout how long to wait at most
     * @param unit    the unit of {@code timeout}
     * @param <T>     the type of the tasks' values
     * @return the value of a task that completed normally
     * @throws NullPointerException     if {@code tasks}, any of its elements or {@code unit} is
     *                                  null (then nothing is submitted)
     * @throws IllegalArgumentException if {@code tasks} is empty
     * @throws ExecutionException       if no task completed normally: the cause is what the last
     *                                  to fail threw
     * @throws TimeoutException         if the timeout passed before a task completed normally
     * @throws InterruptedException     if the waiting thread is interrupted
     * @throws RejectedTaskException    if a task is refused; those already submitted are
     *                                  cancelled
     */
    @Override
    public <T> T invokeAny(Collection<? extends Callable<T>> tasks, long timeout, TimeUnit unit)
            throws InterruptedException, ExecutionException, TimeoutException {
        Objects.requireNonNull(unit, "unit must not be null");
        return race(tasks, true, unit.toNanos(timeout));
    }

    private <T> T race(Collection<? extends Callable<T>> tasks, boolean timed, long nanos)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<Callable<T>> work = snapshot(tasks);
        if (work.isEmpty()) {
            throw new IllegalArgumentException("tasks must not be empty");
        }
        long deadline = System.nanoTime() + nanos;
        FirstSuccess<T> first = new FirstSuccess<>(work.size());
        List<Future<T>> futures = new ArrayList<>(work.size());
        try {
            for (Callable<T> task : work) {
                if (first.isDone()) {
                    break; // one already completed: the rest need not run
                }
                ViewFuture<T> f = submitTask(new ViewTask<>(this, task, null, null));
                futures.add(f);
                f.whenComplete(first);
            }
            return timed ? first.get(deadline - System.nanoTime(), TimeUnit.NANOSECONDS) : first.get();
        } finally {
            cancelAll(futures);
        }
    }

    /** Copies the tasks, refusing a null collection or element before anything is submitted. */
    private static <T> List<Callable<T>> snapshot(Collection<? extends Callable<T>> tasks) {
        Objects.requireNonNull(tasks, "tasks must not be null");
        List<Callable<T>> work = new ArrayList<>(tasks);
        for (Callable<T> task : work) {
            Objects.requireNonNull(task, "tasks must not contain null");
        }
        return work;
    }

    private static <T> Future<T> cancelledFuture() {
        CompletableFuture<T> f = new CompletableFuture<>();
        f.cancel(false);
        return f;
    }

    private static void cancelAll(List<? extends Future<?>> futures) {
        for (Future<?> f : futures) {
            f.cancel(true); // does nothing to a future already done
        }
    }

    private <T> ViewFuture<T> submitTask(ViewTask<T> task) {
        ViewFuture<T> f = new ViewFuture<>(task);
        task.future = f;
        launch(task);
        return f;
    }

    /** Admits {@code task} in the view, submits it to the scheduler and starts tracking it. */
    private <T> void launch(ViewTask<T> task) {
        if ((ctl.getAndIncrement() & SHUTDOWN) != 0L) {
            countDown();
            throw new RejectedTaskException(RejectionReason.SHUTDOWN, "task for candidate '" + candidateId
                    + "' rejected: the executor view is shut down");
        }
        TaskHandle<T> handle;
        try {
            handle = scheduler.submit(new TaskSpec<>(candidateId, task, priority, Map.of()));
        } catch (Throwable refusedOrFailed) {
            countDown();
            throw refusedOrFailed;
        }
        task.handle = handle; // before the entry and the callback publish it: see the notes
        inFlight.put(handle.id(), task);
        if ((ctl.get() & STOP) != 0L) { // raced with shutdownNow, whose scan may have missed the entry
            task.withhold();
            handle.cancel(true);
        }
        handle.future().whenComplete(task);
    }

    /** Forgets a task that has ended; see the notes. */
    private void retire(ViewTask<?> task) {
        inFlight.remove(task.handle.id(), task);
        countDown();
    }

    private void countDown() {
        long c = ctl.decrementAndGet();
        if ((c & SHUTDOWN) != 0L && (c & COUNT) == 0L) {
            terminated.complete(null);
        }
    }

    private long setCtlBits(long bits) {
        for (;;) {
            long c = ctl.get();
            long n = c | bits;
            if (c == n || ctl.compareAndSet(c, n)) {
                return n;
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /**
     * Stops this view accepting tasks; those it accepted still run. Does not shut the scheduler
     * down. Idempotent.
     */
    @Override
    public void shutdown() {
        if ((setCtlBits(SHUTDOWN) & COUNT) == 0L) {
            terminated.complete(null);
        }
    }

    /**
     * Stops this view accepting tasks, cancels its pending tasks and interrupts and cancels its
     * running ones, in the scheduler. Does not shut the scheduler down, nor touch tasks the
     * view did not accept. A task whose submit races with this call is cancelled too, but may be
     * missing from the list.
     *
     * @return the work of the tasks this call cancelled before they started, in no particular
     *         order: the {@link Runnable} given to {@code execute} or {@code submit}, or, for a
     *         {@link Callable}, a {@code Runnable} that calls it and drops its value
     */
    @Override
    public List<Runnable> shutdownNow() {
        if ((setCtlBits(SHUTDOWN | STOP) & COUNT) == 0L) {
            terminated.complete(null);
        }
        // Withhold every task first, then cancel the withheld ones, and only then interrupt the
        // running ones: an interrupted task frees its carrier, which would take the view's next
        // pending task at once; withheld, that task's code cannot run, and cancelled first, the
        // scheduler counts it cancelled rather than run.
        List<ViewTask<?>> withheld = new ArrayList<>();
        List<ViewTask<?>> started = new ArrayList<>();
        for (ViewTask<?> task : inFlight.values()) {
            (task.withhold() ? withheld : started).add(task);
        }
        List<Runnable> neverStarted = new ArrayList<>(withheld.size());
        for (ViewTask<?> task : withheld) {
            // its code never runs; unless another cancel beat this one to it (it is then not
            // ours to return), this call stopped it
            if (task.handle.cancel(true) || task.handle.state() != TaskState.CANCELLED) {
                neverStarted.add(task.work());
            }
        }
        for (ViewTask<?> task : started) {
            task.handle.cancel(true); // false if it has just ended
        }
        return neverStarted;
    }

    /** {@return whether this view has been shut down} The scheduler's shutdown does not count. */
    @Override
    public boolean isShutdown() {
        return (ctl.get() & SHUTDOWN) != 0L;
    }

    /**
     * {@return whether this view is shut down and every task it accepted has ended} A task has
     * ended when its future is done and, if its code ran, that code has returned.
     */
    @Override
    public boolean isTerminated() {
        return terminated.isDone();
    }

    /**
     * Waits until this view has terminated, or the timeout passes. Does not shut it down.
     *
     * @param timeout how long to wait at most
     * @param unit    the unit of {@code timeout}
     * @return true if the view terminated, false if the timeout passed first
     * @throws InterruptedException  if the waiting thread is interrupted
     * @throws NullPointerException  if {@code unit} is null
     * @throws IllegalStateException if called from one of this view's own tasks, or from a
     *                               callback run when one's future completes: it would wait for
     *                               itself
     */
    @Override
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        Objects.requireNonNull(unit, "unit must not be null");
        if (RUNNING.get() == this) {
            throw new IllegalStateException("awaitTermination called from one of this executor view's own "
                    + "tasks: it would wait for itself");
        }
        try {
            terminated.get(timeout, unit);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e); // never completed exceptionally
        }
    }

    /**
     * Shuts this view down and waits until it has terminated, as
     * {@code ExecutorService.close()} does from Java 19 on: if the waiting thread is interrupted,
     * calls {@link #shutdownNow()}, keeps waiting, and restores the interrupt. Called from one
     * of this view's own tasks, it shuts down and returns at once. Does not shut the scheduler
     * down.
     */
    @Override
    public void close() {
        shutdown();
        if (RUNNING.get() == this) {
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
                throw new IllegalStateException(e); // never completed exceptionally
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        long c = ctl.get();
        String state = terminated.isDone() ? "terminated" : (c & SHUTDOWN) != 0L ? "shut down" : "running";
        return "SchedulerExecutorService[" + candidateId + ", priority=" + priority + ", " + state
                + ", tasks in flight=" + (c & COUNT) + ", " + scheduler + "]";
    }

    // ------------------------------------------------------------------ the tasks

    /**
     * One task of the view: the evaluator the scheduler runs, the entry in inFlight, and the
     * callback of the scheduler task's future.
     */
    private static final class ViewTask<T> implements Callable<T>, BiConsumer<T, Throwable> {
        /** phase: the code has not started. */
        private static final int NEW = 0;
        /** phase: the code is running (or ran, if RAN is set too). */
        private static final int STARTED = 1;
        /** phase: shutdownNow claimed the task first; its code never runs. */
        private static final int WITHHELD = 2;
        /** phase: the code has returned. */
        private static final int RAN = 3;
        /** phase: the bits above. */
        private static final int RUN_STATE = 3;
        /** phase: the scheduler task is final (its future completed). */
        private static final int FINAL = 4;

        private static final VarHandle PHASE;

        static {
            try {
                PHASE = MethodHandles.lookup().findVarHandle(ViewTask.class, "phase", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        private final SchedulerExecutorService view;
        /** The work: exactly one of callable and runnable is set. */
        private final Callable<T> callable;
        private final Runnable runnable;
        /** The value for a runnable. */
        private final T result;
        /** The user's future; null for {@code execute}. Set before the task is submitted. */
        ViewFuture<T> future;
        /** Set by the submitter once the scheduler accepted the task; see the notes. */
        TaskHandle<T> handle;
        /** NEW, STARTED, WITHHELD or RAN, plus FINAL; read and written through PHASE. */
        private volatile int phase;

        ViewTask(SchedulerExecutorService view, Callable<T> callable, Runnable runnable, T result) {
            this.view = view;
            this.callable = callable;
            this.runnable = runnable;
            this.result = result;
        }

        /** The evaluator: runs the work unless it was withheld or cancelled first. */
        @Override
        public T call() throws Exception {
            if (!PHASE.compareAndSet(this, NEW, STARTED)) {
                return null; // withheld, or already cancelled: the code must not run
            }
            SchedulerExecutorService outer = RUNNING.get();
            RUNNING.set(view);
            try {
                if (callable != null) {
                    return callable.call();
                }
                runnable.run();
                return result;
            } catch (Throwable t) {
                if (future == null) {
                    reportUncaught(t); // execute(): no future to take it
                }
                throw t; // the scheduler task fails with it
            } finally {
                RUNNING.set(outer);
                if (((int) PHASE.getAndBitwiseOr(this, RAN) & FINAL) != 0) {
                    view.retire(this); // final before the code returned: interrupted by a cancel
                }
            }
        }

        /**
         * Hands what an execute()d task threw to the running thread's uncaught-exception handler,
         * as a thread pool's worker would; the handler's own failure is ignored, as the JVM
         * ignores it.
         */
        private static void reportUncaught(Throwable t) {
            Thread carrier = Thread.currentThread();
            try {
                carrier.getUncaughtExceptionHandler().uncaughtException(carrier, t);
            } catch (Throwable handlerFailed) {
                // nothing more to tell anyone
            }
        }

        /** Claims the task before its code starts, so that it never starts; true if that worked. */
        boolean withhold() {
            return PHASE.compareAndSet(this, NEW, WITHHELD);
        }

        /** The scheduler task's future completed: the task is final. */
        @Override
        public void accept(T value, Throwable error) {
            int before = (int) PHASE.getAndBitwiseOr(this, FINAL);
            SchedulerExecutorService outer = RUNNING.get();
            RUNNING.set(view);
            try {
                if (future != null) {
                    settle(future, value, error, (before & RUN_STATE) == WITHHELD);
                }
            } finally {
                RUNNING.set(outer);
                if ((before & RUN_STATE) != STARTED) {
                    view.retire(this); // its code never started, or has returned
                }
            }
        }

        private void settle(ViewFuture<T> f, T value, Throwable error, boolean withheld) {
            if (withheld) {
                f.markCancelled();
            } else if (error == null) {
                f.complete(value);
            } else if (error instanceof CancellationException && handle.state() == TaskState.CANCELLED) {
                f.markCancelled();
            } else {
                // wrapped, so that get() reports exactly this throwable as the cause, whatever it is
                f.completeExceptionally(new CompletionException(error));
            }
        }

        /** The work as a Runnable, for shutdownNow's list. */
        Runnable work() {
            return runnable != null ? runnable : new CallableWork(callable);
        }

        @Override
        public String toString() {
            return "SchedulerExecutorService task[" + (callable != null ? callable : runnable) + "]";
        }
    }

    /**
     * A callable returned by shutdownNow as a Runnable: calls it and drops its value; a checked
     * exception is rethrown wrapped in a CompletionException.
     */
    private record CallableWork(Callable<?> task) implements Runnable {
        @Override
        public void run() {
            try {
                task.call();
            } catch (RuntimeException | Error e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            }
        }
    }

    /**
     * The future of a submitted task: completed from the scheduler task's future; cancelling it
     * cancels the scheduler task. Completing it by hand changes only this future.
     */
    private static final class ViewFuture<T> extends CompletableFuture<T> {
        private final ViewTask<T> task;

        ViewFuture(ViewTask<T> task) {
            this.task = task;
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            if (isDone()) {
                return false;
            }
            boolean cancelledTask;
            if (task.withhold()) {
                // its code has not started and now never will, so there is nothing to interrupt:
                // cancel the scheduler task even if a carrier has just claimed it
                cancelledTask = task.handle.cancel(true);
            } else {
                // started: a running task without leave to interrupt runs on, its outcome dropped
                cancelledTask = task.handle.cancel(mayInterruptIfRunning);
            }
            if (cancelledTask) {
                // the scheduler task's future, and through it this one, completed on this thread
                if (!isDone()) {
                    markCancelled();
                }
                return true;
            }
            return markCancelled();
        }

        /** Completes this future as cancelled; true if this call did. */
        boolean markCancelled() {
            return completeExceptionally(new CancellationException(
                    "task " + task.handle.id() + " (" + task.view.candidateId + ") was cancelled"));
        }

        @Override
        public String toString() {
            String outcome = isCancelled() ? "cancelled" : isCompletedExceptionally() ? "failed"
                    : isDone() ? "completed" : "not done";
            return "SchedulerExecutorService.Future[" + outcome + ", " + task.handle + "]";
        }
    }

    /** invokeAny's outcome: the first value, or the last failure once every task failed. */
    private static final class FirstSuccess<T> extends CompletableFuture<T> implements BiConsumer<T, Throwable> {
        private final AtomicInteger failuresToCome;

        FirstSuccess(int tasks) {
            this.failuresToCome = new AtomicInteger(tasks);
        }

        @Override
        public void accept(T value, Throwable error) {
            if (error == null) {
                complete(value);
            } else if (failuresToCome.decrementAndGet() == 0) {
                Throwable cause = error instanceof CompletionException && error.getCause() != null
                        ? error.getCause() : error;
                completeExceptionally(new CompletionException(cause)); // get() throws ExecutionException(cause)
            }
        }
    }
}
