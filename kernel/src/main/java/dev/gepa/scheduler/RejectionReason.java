package dev.gepa.scheduler;

/** Why a scheduler refused a task. */
public enum RejectionReason {
    /** {@code maxQueueSize} tasks were already pending. */
    QUEUE_FULL,
    /** The scheduler had been shut down. */
    SHUTDOWN
}
