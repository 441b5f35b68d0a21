package dev.gepa.scheduler;

/**
 * How urgent a task is. A scheduler with priorities enabled always dispatches a pending task
 * of a more urgent level before any task of a less urgent one, and tasks of one level in the
 * order they were submitted.
 *
 * <p>The constants are declared from most to least urgent, so {@link #ordinal()} is the
 * dispatch rank: {@code CRITICAL > HIGH > NORMAL > LOW}.
 */
public enum Priority {
    /** Dispatched before everything else. */
    CRITICAL,
    /** Dispatched before {@link #NORMAL} and {@link #LOW}. */
    HIGH,
    /** The default level. */
    NORMAL,
    /** Dispatched only when no more urgent task is pending. */
    LOW
}
