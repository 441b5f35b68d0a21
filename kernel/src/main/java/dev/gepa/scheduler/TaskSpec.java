package dev.gepa.scheduler;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * What to run: a candidate id, the evaluator that scores it, its priority and free-form
 * metadata. A spec is immutable and validated when it is built, so a scheduler never sees an
 * invalid one; one spec may be submitted many times.
 *
 * @param candidateId names the candidate being evaluated; not null, not blank
 * @param evaluator   computes the task's value; not null. Any {@link Throwable} it throws makes
 *                    the task {@link TaskState#FAILED}
 * @param priority    the dispatch level; not null
 * @param metadata    an immutable copy of the caller's map; no null keys or values
 * @param timeout     how long the task may take from its submit to its end, or null for no
 *                    limit; see {@link #withTimeout(Duration)}
 * @param <T>         the type of the evaluator's value
 */
public record TaskSpec<T>(String candidateId, Callable<T> evaluator, Priority priority,
                          Map<String, ?> metadata, Duration timeout) {

    /**
     * Validates every field and copies the metadata.
     *
     * @param candidateId names the candidate being evaluated; not null, not blank
     * @param evaluator   computes the task's value; not null
     * @param priority    the dispatch level; not null
     * @param metadata    free-form data kept with the task; not null, no null keys or values
     * @param timeout     the task's time limit from submit, positive; or null for none
     * @throws NullPointerException     if a field other than {@code timeout} is null, or the
     *                                  metadata holds a null key or value; the message names
     *                                  the field
     * @throws IllegalArgumentException if the candidate id is blank, or the timeout is zero or
     *                                  negative
     */
    public TaskSpec {
        Objects.requireNonNull(candidateId, "candidateId must not be null");
        if (candidateId.isBlank()) {
            throw new IllegalArgumentException("candidateId must not be blank");
        }
        Objects.requireNonNull(evaluator, "evaluator must not be null");
        Objects.requireNonNull(priority, "priority must not be null");
        Objects.requireNonNull(metadata, "metadata must not be null");
        for (Map.Entry<String, ?> e : metadata.entrySet()) {
            if (e.getKey() == null || e.getValue() == null) {
                throw new NullPointerException("metadata must not contain null keys or values");
            }
        }
        metadata = Map.copyOf(metadata); // returns the map itself when it is already immutable
        if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
            throw new IllegalArgumentException("timeout must be positive: " + timeout);
        }
    }

    /**
     * A spec without a timeout.
     *
     * @param candidateId names the candidate being evaluated; not null, not blank
     * @param evaluator   computes the task's value; not null
     * @param priority    the dispatch level; not null
     * @param metadata    free-form data kept with the task; not null, no null keys or values
     * @throws NullPointerException     if an argument is null, or the metadata holds a null key
     *                                  or value; the message names the field
     * @throws IllegalArgumentException if the candidate id is blank
     */
    public TaskSpec(String candidateId, Callable<T> evaluator, Priority priority, Map<String, ?> metadata) {
        this(candidateId, evaluator, priority, metadata, null);
    }

    /**
     * A spec with priority {@link Priority#NORMAL} and no metadata.
     *
     * @param candidateId names the candidate being evaluated; not blank
     * @param evaluator   computes the task's value
     * @param <T>         the type of the evaluator's value
     * @return the spec
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the candidate id is blank
     */
    public static <T> TaskSpec<T> of(String candidateId, Callable<T> evaluator) {
        return new TaskSpec<>(candidateId, evaluator, Priority.NORMAL, Map.of());
    }

    /**
     * A spec with the given priority and no metadata.
     *
     * @param candidateId names the candidate being evaluated; not blank
     * @param priority    the dispatch level
     * @param evaluator   computes the task's value
     * @param <T>         the type of the evaluator's value
     * @return the spec
     * @throws NullPointerException     if an argument is null
     * @throws IllegalArgumentException if the candidate id is blank
     */
    public static <T> TaskSpec<T> of(String candidateId, Priority priority, Callable<T> evaluator) {
        return new TaskSpec<>(candidateId, evaluator, priority, Map.of());
    }

    /**
     * A spec for a task that returns no value, with priority {@link Priority#NORMAL} and no
     * metadata. Its evaluator runs {@code task} and returns null; the task has the lifecycle
     * and statistics of any other: it ends {@link TaskState#COMPLETED} with a null value, or
     * {@link TaskState#FAILED} with whatever {@code task} threw.
     *
     * @param candidateId names the candidate being evaluated; not blank
     * @param task        the work to run
     * @return the spec
     * @throws NullPointerException     if an argument is null; the message names it
     * @throws IllegalArgumentException if the candidate id is blank
     */
    public static TaskSpec<Void> ofRunnable(String candidateId, Runnable task) {
        return ofRunnable(candidateId, Priority.NORMAL, task);
    }

    /**
     * A spec for a task that returns no value, with the given priority and no metadata, as
     * {@link #ofRunnable(String, Runnable)} describes.
     *
     * @param candidateId names the candidate being evaluated; not blank
     * @param priority    the dispatch level
     * @param task        the work to run
     * @return the spec
     * @throws NullPointerException     if an argument is null; the message names it
     * @throws IllegalArgumentException if the candidate id is blank
     */
    public static TaskSpec<Void> ofRunnable(String candidateId, Priority priority, Runnable task) {
        Objects.requireNonNull(task, "task must not be null");
        return new TaskSpec<>(candidateId, new RunnableEvaluator(task), priority, Map.of());
    }

    /**
     * Returns a copy of this spec with another priority.
     *
     * @param newPriority the copy's priority; not null
     * @return the copy
     * @throws NullPointerException if {@code newPriority} is null
     */
    public TaskSpec<T> withPriority(Priority newPriority) {
        return new TaskSpec<>(candidateId, evaluator, newPriority, metadata, timeout);
    }

    /**
     * Returns a copy of this spec with other metadata.
     *
     * @param newMetadata the copy's metadata; not null, no null keys or values
     * @return the copy
     * @throws NullPointerException if {@code newMetadata} is null or holds a null key or value
     */
    public TaskSpec<T> withMetadata(Map<String, ?> newMetadata) {
        return new TaskSpec<>(candidateId, evaluator, priority, newMetadata, timeout);
    }

    /**
     * Returns a copy of this spec with a time limit, counted from the task's submit. A task
     * whose deadline passes while it waits never starts; one that is running is interrupted.
     * Either way it ends {@link TaskState#FAILED} at its deadline with a
     * {@link java.util.concurrent.TimeoutException}, and its future completes then. An evaluator
     * that ignores the interrupt keeps its slot until it returns
     * ({@link SchedulerStatus#overrunning()} counts those); its value is then discarded.
     *
     * @param newTimeout the time limit; positive, not null
     * @return the copy
     * @throws NullPointerException     if {@code newTimeout} is null
     * @throws IllegalArgumentException if {@code newTimeout} is zero or negative
     */
    public TaskSpec<T> withTimeout(Duration newTimeout) {
        Objects.requireNonNull(newTimeout, "timeout must not be null");
        return new TaskSpec<>(candidateId, evaluator, priority, metadata, newTimeout);
    }

    /**
     * Returns a copy of this spec without a time limit.
     *
     * @return the copy
     */
    public TaskSpec<T> withoutTimeout() {
        return new TaskSpec<>(candidateId, evaluator, priority, metadata, null);
    }

    /**
     * The evaluator of {@link #ofRunnable}: runs the task and returns null. A record, so that two
     * specs made from one runnable are equal, as two made from one callable are; its
     * {@code toString} names the runnable.
     */
    private record RunnableEvaluator(Runnable task) implements Callable<Void> {
        @Override
        public Void call() {
            task.run();
            return null;
        }
    }
}
