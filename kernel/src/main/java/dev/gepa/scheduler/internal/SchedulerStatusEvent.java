package dev.gepa.scheduler.internal;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.Period;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

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

    @Label("Pending Critical")
    @Description("Pending tasks at CRITICAL priority; 0 with priorities off")
    int pendingCritical;

    @Label("Pending High")
    int pendingHigh;

    @Label("Pending Normal")
    int pendingNormal;

    @Label("Pending Low")
    int pendingLow;

    @Label("Oldest Wait Critical")
    @Description("How long the oldest pending CRITICAL task has waited; 0 with priorities or task timing off")
    @Timespan(Timespan.NANOSECONDS)
    long oldestWaitCritical;

    @Label("Oldest Wait High")
    @Timespan(Timespan.NANOSECONDS)
    long oldestWaitHigh;

    @Label("Oldest Wait Normal")
    @Timespan(Timespan.NANOSECONDS)
    long oldestWaitNormal;

    @Label("Oldest Wait Low")
    @Timespan(Timespan.NANOSECONDS)
    long oldestWaitLow;
}
