package dev.gepa.scheduler.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * One task that ran on a carrier, committed by that carrier once the task is final and before
 * its future completes (so whoever waits on the future finds the event committed).
 *
 * <p>Queue wait and run time come from the scheduler's task timing; with timing off they are
 * 0, and the event still fires. A task cancelled before it started never ran and has no event;
 * one cancelled while running has one, with outcome CANCELLED, committed by its carrier when
 * the evaluator returns. Committed through {@link FlightEvents}: the class itself holds fields
 * alone, as the recorder's bytecode instrumentation expects.
 */
@Name(TaskExecutionEvent.NAME)
@Label("Task Execution")
@Category("gepa-scheduler")
@Description("A task that ran on one of a scheduler's carriers")
@StackTrace(false) // the carrier's loop, the same every time
final class TaskExecutionEvent extends jdk.jfr.Event {
    static final String NAME = "dev.gepa.scheduler.TaskExecution";

    @Label("Scheduler")
    @Description("The scheduler's name, null if unnamed")
    String scheduler;

    @Label("Task Id")
    long taskId;

    @Label("Candidate Id")
    String candidateId;

    @Label("Priority")
    String priority;

    @Label("Queue Wait")
    @Description("From submit to start; 0 with task timing off")
    @Timespan(Timespan.NANOSECONDS)
    long queueWait;

    @Label("Run Time")
    @Description("From start to the evaluator's return; 0 with task timing off")
    @Timespan(Timespan.NANOSECONDS)
    long runTime;

    @Label("Outcome")
    @Description("COMPLETED, FAILED or CANCELLED (while running)")
    String outcome;
}
