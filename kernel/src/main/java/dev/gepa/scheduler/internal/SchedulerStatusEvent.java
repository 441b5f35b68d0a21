package dev.gepa.scheduler.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;

/**
 * A scheduler's {@code status()} counts, sampled by the flight recorder's periodic thread while
 * a recording enables the event: one event per scheduler that started and has not terminated
 * ({@link FlightEvents}).
 */
@Name(SchedulerStatusEvent.NAME)
@Label("Scheduler Status")
@Category("gepa-scheduler")
@Description("A scheduler's counts, sampled periodically")
@Period("1 s")
@StackTrace(false) // the recorder's periodic thread
final class SchedulerStatusEvent extends jdk.jfr.Event {
    static final String NAME = "dev.gepa.scheduler.SchedulerStatus";

    @Label("Scheduler")
    @Description("The scheduler's name, null if unnamed")
    String scheduler;

    @Label("Running")
    int running;

    @Label("Pending")
    int pending;

    @Label("Submitted")
    long submitted;

    @Label("Completed")
    long completed;

    @Label("Failed")
    long failed;

    @Label("Cancelled")
    long cancelled;

    @Label("Rejected")
    long rejected;
}
