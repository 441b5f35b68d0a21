package dev.gepa.scheduler;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A priority task scheduler: runs at most {@code maxConcurrent} evaluators at a time on a fixed
 * pool of carrier threads, strictly by priority ({@link Priority}), FIFO within a level, with
 * at most {@code maxQueueSize} tasks waiting.
 *
 * <pre>{@code
 * try (Scheduler scheduler = Scheduler.builder().maxConcurrent(8).build()) {
 *     TaskHandle<Double> h = scheduler.submit(
 *             TaskSpec.of("candidate-17", Priority.HIGH, () -> score(prompt)));
 *     double score = h.future().join();
 * }
 * }</pre>
 *
 * <p>Submit, dispatch, completion, cancel and status take no lock and never block. Every
 * accepted task ends in exactly one of {@link TaskState#COMPLETED}, {@link TaskState#FAILED}
 * or {@link TaskState#CANCELLED}.
 */
public interface Scheduler extends AutoCloseable {

    /** {@return a builder with the defaults: 5 slots, 100 pending, priorities on, threshold 0.8} */
    static SchedulerBuilder builder() {
        return new SchedulerBuilder();
    }

    /** {@return the name this scheduler is registered under, if it was given one} */
    Optional<String> name();

    /**
     * Accepts a task, or throws if it cannot. The task is dispatched at once if a slot is free.
     *
     * @param spec the task to run
     * @param <T>  the type of the evaluator's value
     * @return the handle of the accepted task
     * @throws NullPointerException   if {@code spec} is null
     * @throws RejectedTaskException  with {@link RejectionReason#QUEUE_FULL} if
     *                                {@code maxQueueSize} tasks are pending, or
     *                                {@link RejectionReason#SHUTDOWN} after shutdown
     */
    <T> TaskHandle<T> submit(TaskSpec<T> spec);

    /**
     * Accepts a task, or returns null if it cannot, without building an exception: for hot
     * paths. A null return means the queue was full or the scheduler shut down (once
     * {@link #isShutdown()} is true, every rejection is for shutdown).
     *
     * @param spec the task to run
     * @param <T>  the type of the evaluator's value
     * @return the handle of the accepted task, or null if it was refused
     * @throws NullPointerException if {@code spec} is null
     */
    <T> TaskHandle<T> trySubmit(TaskSpec<T> spec);

    /**
     * Accepts a task, waiting up to {@code maxWait} for room in the queue bound instead of being
     * refused at once. The caller is woken when a place frees (a task claimed for running, or a
     * pending task cancelled), without polling. Waiting submitters are served in arrival order
     * among themselves; a plain {@link #submit} that finds room takes it without waiting its
     * turn, so a waiter may find a freed place already taken and wait on, within its own
     * {@code maxWait}; a waiter whose time runs out before its turn comes is refused without
     * having tried. Shutdown wakes every waiter, which is then refused with
     * {@link RejectionReason#SHUTDOWN}.
     *
     * @param spec    the task to run
     * @param maxWait the longest time to wait for room; with zero it is accepted only if there
     *                is room and no other submitter waits
     * @param <T>     the type of the evaluator's value
     * @return the handle of the accepted task
     * @throws NullPointerException     if {@code spec} or {@code maxWait} is null
     * @throws IllegalArgumentException if {@code maxWait} is negative
     * @throws RejectedTaskException    with {@link RejectionReason#QUEUE_FULL} if no place freed
     *                                  for it within {@code maxWait}, or
     *                                  {@link RejectionReason#SHUTDOWN} if the scheduler is or
     *                                  was meanwhile shut down; counted as one rejection
     * @throws InterruptedException     if the caller is interrupted before or while it waits;
     *                                  nothing was submitted
     */
    <T> TaskHandle<T> submit(TaskSpec<T> spec, Duration maxWait) throws InterruptedException;

    /**
     * Accepts a group of tasks all together, or none of them: one admission step for the whole
     * group (a generation fits in the bound or it does not), then each is queued at its own
     * priority, in list order within a level. A refusal changes nothing but the rejected count,
     * which counts every member refused. If the heap runs out while the members are being
     * queued, after some were, the group still stands: those not queued are returned
     * {@link TaskState#FAILED} with the {@link OutOfMemoryError}; if it runs out before, the
     * error is thrown and nothing was admitted.
     *
     * @param specs the tasks to run; not empty, no nulls, at most {@code maxQueueSize}
     * @param <T>   the type of the evaluators' values
     * @return the group of the accepted tasks, in {@code specs} order
     * @throws NullPointerException     if {@code specs} is null or holds a null; the message
     *                                  names the index
     * @throws IllegalArgumentException if {@code specs} is empty, or larger than
     *                                  {@code maxQueueSize} (it could never fit)
     * @throws RejectedTaskException    with {@link RejectionReason#QUEUE_FULL} if fewer than
     *                                  {@code specs.size()} places are free, or
     *                                  {@link RejectionReason#SHUTDOWN} after shutdown
     */
    <T> TaskGroup<T> submitAll(List<TaskSpec<T>> specs);

    /**
     * As {@link #submitAll(List)}, but returns null instead of throwing when the group is
     * refused (full queue or shutdown).
     *
     * @param specs the tasks to run; not empty, no nulls, at most {@code maxQueueSize}
     * @param <T>   the type of the evaluators' values
     * @return the group of the accepted tasks, or null if it was refused
     * @throws NullPointerException     if {@code specs} is null or holds a null
     * @throws IllegalArgumentException if {@code specs} is empty or larger than
     *                                  {@code maxQueueSize}
     */
    <T> TaskGroup<T> trySubmitAll(List<TaskSpec<T>> specs);

    /**
     * Returns what is known of task {@code id}. Finished tasks stay findable until
     * {@code resultRetention} newer tasks have finished.
     *
     * @param id a task's id, from {@link TaskHandle#id()}
     * @return pending, running, its final result while it is retained, or
     *         {@link TaskResult.NotFound}
     */
    TaskResult<?> result(long id);

    /**
     * Finds the handle of a task by its id.
     *
     * @param id a task's id, from {@link TaskHandle#id()}
     * @return the task's handle while it is pending, running or retained; empty otherwise
     */
    Optional<TaskHandle<?>> find(long id);

    /**
     * Cancels task {@code id}, as {@link TaskHandle#cancel(boolean)} does.
     *
     * @param id                    a task's id, from {@link TaskHandle#id()}
     * @param mayInterruptIfRunning whether a running task may be interrupted
     * @return true if this call cancelled it; false if it is unknown, finished, or running and
     *         {@code mayInterruptIfRunning} is false
     */
    boolean cancel(long id, boolean mayInterruptIfRunning);

    /**
     * Returns an {@link java.util.concurrent.ExecutorService} view of this scheduler: every task
     * given to the view becomes a task of this scheduler at {@code priority}, with the candidate
     * id {@code "executor-"} followed by the priority's name (such as {@code executor-HIGH}). The
     * view's tasks share this scheduler's slots, bound and priority order with all others;
     * cancelling a future the view returned cancels its task here. The view has a lifecycle of its
     * own: shutting it down does not shut this scheduler down. See
     * {@link SchedulerExecutorService}.
     *
     * <pre>{@code
     * CompletableFuture<Double> score =
     *         CompletableFuture.supplyAsync(() -> evaluate(prompt), scheduler.asExecutorService(Priority.HIGH));
     * }</pre>
     *
     * @param priority the priority of every task given to the view
     * @return a new view; each call returns a new one, with its own lifecycle
     * @throws NullPointerException if {@code priority} is null
     */
    default SchedulerExecutorService asExecutorService(Priority priority) {
        Objects.requireNonNull(priority, "priority must not be null");
        return new SchedulerExecutorService(this, priority, "executor-" + priority.name());
    }

    /** {@return a snapshot of the scheduler's state and statistics, taken without a lock} */
    SchedulerStatus status();

    /**
     * Stops accepting tasks; pending and running tasks still run to their end. Idempotent.
     */
    void shutdown();

    /**
     * Stops accepting tasks, cancels every pending task and interrupts every running one (each
     * ends {@link TaskState#CANCELLED}). A task whose submit races with this call is cancelled
     * too, but may be missing from the list.
     *
     * @return the tasks this call cancelled, in no particular order
     */
    List<TaskHandle<?>> shutdownNow();

    /** {@return whether {@link #shutdown()} or {@link #shutdownNow()} has been called} */
    boolean isShutdown();

    /** {@return whether the scheduler is shut down, no task remains and every carrier has ended} */
    boolean isTerminated();

    /**
     * Waits until the scheduler has terminated, or the timeout passes.
     *
     * @param timeout how long to wait at most
     * @return true if it terminated, false if the timeout passed first
     * @throws InterruptedException if the waiting thread is interrupted
     * @throws NullPointerException if {@code timeout} is null
     * @throws IllegalStateException if called on one of this scheduler's own carrier threads
     *                               (from an evaluator, or a callback running on a carrier):
     *                               it would wait for itself
     */
    boolean awaitTermination(Duration timeout) throws InterruptedException;

    /**
     * Shuts down and waits for every accepted task to finish. If the waiting thread is
     * interrupted, calls {@link #shutdownNow()}, keeps waiting, and restores the interrupt.
     * Called from one of this scheduler's own tasks, it shuts down and returns at once.
     */
    @Override
    void close();
}
