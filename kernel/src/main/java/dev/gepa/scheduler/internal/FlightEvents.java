package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.RejectionReason;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskSpec;
import jdk.jfr.FlightRecorder;

/**
 * Where the kernel commits its flight-recorder events. The event classes hold fields alone:
 * the recorder rewrites their bytecode when it registers them, and on JDK 17 it failed to
 * ("Unexpected error when adding instrumentation" under {@code -Xlog:jfr+system}, the event
 * then disabled for good) while they also held a static probe instance and static helpers.
 *
 * <p>Hot paths ask a probe first ({@code if (FlightEvents.EXECUTION.isEnabled())}):
 * {@code isEnabled()} reads the event type's state, not the instance's, so one shared instance
 * serves every thread, and with no recording running the check is a load and a branch, with no
 * allocation. The methods that commit never throw: a recording that fails for lack of memory
 * or stack must not strand a task or a submit.
 */
final class FlightEvents {
    /** Probe for {@link TaskExecutionEvent}. */
    static final TaskExecutionEvent EXECUTION = new TaskExecutionEvent();
    /** Probe for {@link TaskRejectedEvent}. */
    static final TaskRejectedEvent REJECTION = new TaskRejectedEvent();

    private FlightEvents() { }

    /**
     * Commits an execution event for a task that ran; call only after {@link #EXECUTION}
     * found the type enabled.
     *
     * @param outcome    COMPLETED, FAILED or CANCELLED
     * @param startNanos the task's start time, or 0 with timing off (both durations are then 0)
     * @param endNanos   its end time, or 0 with timing off
     */
    static void taskExecuted(Task<?> task, String outcome, long startNanos, long endNanos) {
        try {
            TaskExecutionEvent e = new TaskExecutionEvent();
            e.scheduler = task.core.nameOrNull();
            e.taskId = task.id;
            e.candidateId = task.spec.candidateId();
            e.priority = task.spec.priority().name();
            if (startNanos != 0L) {
                e.queueWait = startNanos - task.submittedNanos;
                e.runTime = endNanos - startNanos;
            }
            e.outcome = outcome;
            e.commit();
        } catch (Throwable ignored) {
            // no memory or stack left for the event: the task finishes all the same
        }
    }

    /** Commits a rejection event; call only after {@link #REJECTION} found the type enabled. */
    static void taskRejected(String scheduler, TaskSpec<?> spec, RejectionReason reason) {
        try {
            TaskRejectedEvent e = new TaskRejectedEvent();
            e.scheduler = scheduler;
            e.candidateId = spec.candidateId();
            e.priority = spec.priority().name();
            e.reason = reason.name();
            e.commit();
        } catch (Throwable ignored) {
            // no memory or stack left for the event: the rejection stands all the same
        }
    }

    /**
     * Registers the event types and a periodic status hook for {@code core}; returns the hook,
     * or null where the flight recorder is unavailable (the scheduler runs without it).
     */
    static Runnable registerStatus(SchedulerCore core) {
        Runnable hook = () -> {
            SchedulerStatusEvent e = new SchedulerStatusEvent();
            if (e.shouldCommit()) {
                SchedulerStatus s = core.status();
                e.scheduler = core.nameOrNull();
                e.running = s.running();
                e.pending = s.pending();
                e.submitted = s.submitted();
                e.completed = s.completed();
                e.failed = s.failed();
                e.cancelled = s.cancelled();
                e.rejected = s.rejected();
                e.commit();
            }
        };
        try {
            // the hot paths only ask isEnabled(), which never registers a type: a class the
            // recorder has not registered reads disabled in every recording
            FlightRecorder.register(TaskExecutionEvent.class);
            FlightRecorder.register(TaskRejectedEvent.class);
            FlightRecorder.addPeriodicEvent(SchedulerStatusEvent.class, hook);
            return hook;
        } catch (RuntimeException | InternalError | LinkageError e) {
            return null; // no flight recorder in this VM (or not permitted): no status events
        }
    }

    /** Removes a hook {@link #registerStatus} returned; null is ignored. */
    static void unregisterStatus(Runnable hook) {
        if (hook != null) {
            try {
                FlightRecorder.removePeriodicEvent(hook);
            } catch (RuntimeException | InternalError | LinkageError ignored) {
                // nothing was registered that could outlive this
            }
        }
    }
}
