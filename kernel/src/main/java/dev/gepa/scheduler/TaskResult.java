package dev.gepa.scheduler;

import java.util.Objects;

/**
 * What a scheduler knows of a task's outcome, as returned by {@link Scheduler#result(long)}
 * and {@link TaskHandle#result()}. Exactly one of six cases; on Java 17, test for the ones you
 * need with {@code instanceof} (on Java 21+, a {@code switch} with type patterns reads the same):
 *
 * <pre>{@code
 * TaskResult<?> outcome = scheduler.result(id);
 * if (outcome instanceof TaskResult.Completed<?> c) {
 *     use(c.value());
 * } else if (outcome instanceof TaskResult.Failed<?> f) {
 *     log(f.error());
 * } else {
 *     retryLater(); // pending, running, cancelled, or no longer retained
 * }
 * }</pre>
 *
 * @param <T> the type of the evaluator's value
 */
public sealed interface TaskResult<T> {

    /**
     * The evaluator returned {@code value}.
     *
     * @param value what the evaluator returned; may be null
     * @param <T>   the type of the evaluator's value
     */
    record Completed<T>(T value) implements TaskResult<T> { }

    /**
     * The evaluator threw {@code error}.
     *
     * @param error what the evaluator threw; not null
     * @param <T>   the type of the evaluator's value
     */
    record Failed<T>(Throwable error) implements TaskResult<T> {
        /**
         * Checks the error.
         *
         * @param error what the evaluator threw; not null
         * @throws NullPointerException if {@code error} is null
         */
        public Failed {
            Objects.requireNonNull(error, "error must not be null");
        }
    }

    /**
     * The task was cancelled: before it ran, or while it ran.
     *
     * @param <T> the type of the evaluator's value
     */
    record Cancelled<T>() implements TaskResult<T> { }

    /**
     * The task is waiting for a slot.
     *
     * @param <T> the type of the evaluator's value
     */
    record Pending<T>() implements TaskResult<T> { }

    /**
     * The task has been dispatched and has not finished.
     *
     * @param <T> the type of the evaluator's value
     */
    record Running<T>() implements TaskResult<T> { }

    /**
     * No task with that id is known: never submitted, or evicted from result retention.
     *
     * @param <T> the type of the evaluator's value
     */
    record NotFound<T>() implements TaskResult<T> { }

    /** {@return whether this is a final outcome: completed, failed or cancelled} */
    default boolean isFinal() {
        return this instanceof Completed || this instanceof Failed || this instanceof Cancelled;
    }
}
