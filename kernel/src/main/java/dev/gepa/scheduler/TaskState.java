package dev.gepa.scheduler;

/**
 * Where a task is in its life. Every accepted task starts {@link #PENDING} and ends in exactly
 * one of the three final states.
 *
 * <pre>
 *   PENDING --dispatch--> RUNNING --returns--> COMPLETED
 *      |                     |  \--throws---> FAILED
 *      |                     \--cancel(true)--> CANCELLED
 *      \--cancel---------------------------> CANCELLED
 * </pre>
 */
public enum TaskState {
    /** Accepted and waiting for a free slot. */
    PENDING,
    /** Dispatched to a carrier: its evaluator is running or about to run. */
    RUNNING,
    /** Final: the evaluator returned a value. */
    COMPLETED,
    /** Final: the evaluator threw. */
    FAILED,
    /** Final: cancelled before it ran, or interrupted while it ran. */
    CANCELLED;

    /** {@return whether this state is final} A task in a final state never changes state again. */
    public boolean isFinal() {
        return this.compareTo(COMPLETED) >= 0;
    }
}
