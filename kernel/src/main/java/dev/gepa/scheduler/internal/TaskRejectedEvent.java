package dev.gepa.scheduler.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;

/**
 * A submit the scheduler refused, committed through {@link FlightEvents} by the submitting
 * thread before it throws or returns null.
 */
@Name(TaskRejectedEvent.NAME)
@Label("Task Rejected")
@Category("gepa-scheduler")
@Description("A task the scheduler refused at submit")
final class TaskRejectedEvent extends jdk.jfr.Event {
    static final String NAME = "dev.gepa.scheduler.TaskRejected";

    @Label("Scheduler")
    @Description("The scheduler's name, null if unnamed")
    String scheduler;

    @Label("Candidate Id")
    String candidateId;

    @Label("Priority")
    String priority;

    @Label("Reason")
    @Description("QUEUE_FULL or SHUTDOWN")
    String reason;
}
