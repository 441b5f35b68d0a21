package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.RejectionReason;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskSpec;
import jdk.jfr.FlightRecorder;
import jdk.jfr.FlightRecorderListener;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Where the kernel commits its flight-recorder events.
 *
 * <p>Hot paths test {@link #recorderStarted} first: until the JVM's flight recorder starts
 * (a recording, {@code -XX:StartFlightRecording} or {@code jcmd JFR.start}) that is one load
 * and a branch, and no event class is even loaded. That matters: on JDK 17 loading the first
 * {@code jdk.jfr.Event} subclass in a JVM cost 0.2 to 0.3 s on our 2-core machine (the JVM
 * hands it to the recorder to instrument), which a static probe instance added to every first
 * scheduler start. Once the recorder runs, each commit method makes its event and asks
 * {@code isEnabled()}; where C2 inlines the method, a disabled event is not even allocated.
 *
 * <p>The event classes hold fields alone: the recorder rewrites their bytecode when it
 * registers them, and on JDK 17 it failed to ("Unexpected error when adding instrumentation"
 * under {@code -Xlog:jfr+system}, the event then disabled for good) while they also held a
 * static instance of their own type and static helpers. The commit methods never throw: a
 * recording that fails for lack of memory or stack must not strand a task or a submit.
 */
final class FlightEvents {
    /**
     * Whether the flight recorder has started in this JVM and the event types are registered;
     * never reset (the recorder does not stop once started). Volatile: a plain load on x86
     * and ARM's ldar, and a carrier's loop cannot hoist it.
     */
    static volatile boolean recorderStarted;

    /** The schedulers that started and have not terminated, for the periodic status event. */
    private static final Set<SchedulerCore> LIVE = ConcurrentHashMap.newKeySet();
    /** Whether the listener that registers the event types is in place. */
    private static final AtomicBoolean listening = new AtomicBoolean();

    private FlightEvents() { }

    /**
     * Commits an execution event for a task that ran, if a recording enables it; call only
     * once {@link #recorderStarted}.
     *
     * @param outcome    COMPLETED, FAILED or CANCELLED
     * @param startNanos the task's start time, or 0 with timing off (both durations are then 0)
     * @param endNanos   its end time, or 0 with timing off
     */
    static void taskExecuted(Task<?> task, String outcome, long startNanos, long endNanos) {
        try {
            TaskExecutionEvent e = new TaskExecutionEvent();
            if (!e.isEnabled()) {
                return;
            }
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

    /** Commits a rejection event if a recording enables it; call only once {@link #recorderStarted}. */
    static void taskRejected(String scheduler, TaskSpec<?> spec, RejectionReason reason) {
        try {
            TaskRejectedEvent e = new TaskRejectedEvent();
            if (!e.isEnabled()) {
                return;
            }
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
     * Enters a started scheduler into the periodic status event; the first call also arranges
     * for the event types to be registered when the flight recorder starts (at once, if it
     * runs already). Registering them earlier would load the recorder's machinery in every
     * JVM that builds a scheduler (see the class notes).
     */
    static void started(SchedulerCore core) {
        LIVE.add(core);
        if (!listening.get() && listening.compareAndSet(false, true)) {
            try {
                // calls recorderInitialized now if the recorder runs already, else when it starts
                FlightRecorder.addListener(new FlightRecorderListener() {
                    @Override
                    public void recorderInitialized(FlightRecorder recorder) {
                        register();
                    }
                });
            } catch (RuntimeException | InternalError | LinkageError e) {
                // no flight recorder in this VM (or not permitted): no events
            }
        }
    }

    /** Takes a terminated scheduler out of the periodic status event. */
    static void terminated(SchedulerCore core) {
        LIVE.remove(core);
    }

    private static void register() {
        try {
            // the hot paths only ask isEnabled(), which never registers a type: a class the
            // recorder has not registered reads disabled in every recording
            FlightRecorder.register(TaskExecutionEvent.class);
            FlightRecorder.register(TaskRejectedEvent.class);
            FlightRecorder.addPeriodicEvent(SchedulerStatusEvent.class, FlightEvents::sampleStatus);
            recorderStarted = true;
        } catch (RuntimeException | InternalError | LinkageError e) {
            // not permitted: no events
        }
    }

    /** The periodic hook: one status event per running scheduler. */
    private static void sampleStatus() {
        for (SchedulerCore core : LIVE) {
            SchedulerStatusEvent e = new SchedulerStatusEvent();
            if (!e.shouldCommit()) {
                return;
            }
            SchedulerStatus s = core.status();
            e.scheduler = core.nameOrNull();
            e.running = s.running();
            e.pending = s.pending();
            e.submitted = s.submitted();
            e.completed = s.completed();
            e.failed = s.failed();
            e.cancelled = s.cancelled();
            e.rejected = s.rejected();
            if (!s.levels().isEmpty()) {
                e.pendingCritical = s.levels().get(Priority.CRITICAL.ordinal()).pending();
                e.pendingHigh = s.levels().get(Priority.HIGH.ordinal()).pending();
                e.pendingNormal = s.levels().get(Priority.NORMAL.ordinal()).pending();
                e.pendingLow = s.levels().get(Priority.LOW.ordinal()).pending();
                e.oldestWaitCritical = s.levels().get(Priority.CRITICAL.ordinal()).oldestPendingWait().toNanos();
                e.oldestWaitHigh = s.levels().get(Priority.HIGH.ordinal()).oldestPendingWait().toNanos();
                e.oldestWaitNormal = s.levels().get(Priority.NORMAL.ordinal()).oldestPendingWait().toNanos();
                e.oldestWaitLow = s.levels().get(Priority.LOW.ordinal()).oldestPendingWait().toNanos();
            }
            e.commit();
        }
    }
}
