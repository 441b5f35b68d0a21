package dev.gepa.scheduler;

import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

/**
 * Thrown by {@link Scheduler#submit(TaskSpec)} when a task is not accepted. A rejected submit
 * changes nothing in the scheduler but its rejected count.
 */
public final class RejectedTaskException extends RejectedExecutionException {
    /** The serialized form's version. */
    private static final long serialVersionUID = 1L;

    /** Why the task was refused. */
    private final RejectionReason reason;

    /**
     * Creates an exception for a rejected task.
     *
     * @param reason  why the task was refused
     * @param message a message naming the task and the limit it hit
     */
    public RejectedTaskException(RejectionReason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason must not be null");
    }

    /** {@return why the task was refused} */
    public RejectionReason reason() {
        return reason;
    }
}
