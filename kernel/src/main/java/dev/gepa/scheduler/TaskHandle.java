package dev.gepa.scheduler;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An accepted task: its identity, its live state, its outcome and a way to cancel it. The
 * handle keeps its own outcome for as long as the caller holds it, whatever the scheduler's
 * result retention.
 *
 * <p>All methods are thread-safe and never block, except {@link #future()}'s blocking methods.
 *
 * @param <T> the type of the evaluator's value
 */
public interface TaskHandle<T> {

    /** {@return the task's id, unique within its scheduler} See {@link Scheduler#result(long)}. */
    long id();

    /** {@return the candidate id given in the spec} */
    String candidateId();

    /** {@return the priority given in the spec} */
    Priority priority();

    /** {@return the immutable metadata given in the spec} */
    Map<String, ?> metadata();

    /** {@return the task's state now} */
    TaskState state();

    /** {@return the outcome so far: pending, running, or the final result; never NotFound} */
    TaskResult<T> result();

    /** {@return when the task was accepted} */
    Instant submittedAt();

    /**
     * {@return when the evaluator was invoked; empty if it has not been} A final task with no
     * start time never ran, and never will.
     */
    Optional<Instant> startedAt();

    /** {@return when the task reached its final state; empty while it has not} */
    Optional<Instant> finishedAt();

    /**
     * {@return a future that completes with the task's outcome: the value, the evaluator's
     * exception, or a {@link java.util.concurrent.CancellationException}} Cancelling the future
     * cancels the task, as {@link #cancel(boolean)} does. The same future is returned on every
     * call.
     */
    CompletableFuture<T> future();

    /**
     * Cancels the task. A pending task becomes {@link TaskState#CANCELLED}, never runs, and frees
     * its place in the queue bound at once. A running task is cancelled only if
     * {@code mayInterruptIfRunning}: its carrier thread is interrupted and the task ends
     * CANCELLED whatever its evaluator then does. A finished task cannot be cancelled.
     *
     * @param mayInterruptIfRunning whether a running task may be interrupted
     * @return true if this call cancelled the task; false if it had already started (and
     *         {@code mayInterruptIfRunning} was false), had finished, or another call won
     */
    boolean cancel(boolean mayInterruptIfRunning);

    /** {@return whether the task is in a final state} */
    default boolean isDone() {
        return state().isFinal();
    }
}
