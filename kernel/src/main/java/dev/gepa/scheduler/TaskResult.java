package dev.gepa.scheduler;

import java.util.Objects;

/**
 * What a scheduler knows of a task's outcome, as returned by {@link Scheduler#result(long)}
 * and {@link TaskHandle#result()}. Exactly one of six cases; switch over them:
 *
 * <pre>{@code
 * switch (scheduler.result(id)) {
 *     case TaskResult.Completed<?> c -> use(c.value());
 *     case TaskResult.Failed<?> f    -> log(f.error());
 *     default                        -> retryLater();
 * }
 * }</pre>
 *
 * @param <T> the type of the evaluator's value
 */
public sealed interface TaskResult<T> {

    /** The evaluator returned {@code value} (which may be null). */
    record Completed<T>(T value) implements TaskResult<T> { }

    /** The evaluator threw {@code error}. */
    record Failed<T>(Throwable error) implements TaskResult<T> {
        /** @throws NullPointerException if {@code error} is null */
        public Failed {
            Objects.requireNonNull(error, "error must not be null");
        }
    }

    /** The task was cancelled: before it ran, or while it ran. */
    record Cancelled<T>() implements TaskResult<T> { }

    /** The task is waiting for a slot. */
    record Pending<T>() implements TaskResult<T> { }

    /** The task has been dispatched and has not finished. */
    record Running<T>() implements TaskResult<T> { }

    /** No task with that id is known: never submitted, or evicted from result retention. */
    record NotFound<T>() implements TaskResult<T> { }

    /** Returns whether this is a final outcome: completed, failed or cancelled. */
    default boolean isFinal() {
        return this instanceof Completed || this instanceof Failed || this instanceof Cancelled;
    }
}
