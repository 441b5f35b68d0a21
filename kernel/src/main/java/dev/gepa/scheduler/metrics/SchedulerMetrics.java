package dev.gepa.scheduler.metrics;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.SchedulerStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.MeterBinder;

import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Binds a scheduler's figures to a Micrometer registry, under Micrometer's own executor meter
 * names (those of {@code ExecutorServiceMetrics} and {@code TimedExecutorService}), so that an
 * existing executor dashboard shows the scheduler, plus a few meters of its own.
 *
 * <pre>{@code
 * Scheduler scheduler = Scheduler.builder().name("evals").build();
 * new SchedulerMetrics(scheduler).bindTo(registry);
 * }</pre>
 *
 * <p>Every meter reads {@link Scheduler#status()} when the registry asks for its value (a
 * lock-free snapshot; nothing is added to the scheduler's own paths), and carries a {@code name}
 * tag, as Micrometer's executor meters do: the scheduler's name, or {@value #UNNAMED} if it has
 * none, plus any tags given to the constructor. Meters hold the scheduler weakly, as Micrometer's
 * gauges do: once it is unreachable they read {@code NaN}.
 *
 * <table class="striped">
 * <caption>Meters</caption>
 * <thead><tr><th>name</th><th>type</th><th>unit</th><th>value</th></tr></thead>
 * <tbody>
 * <tr><td>{@code executor.active}</td><td>gauge</td><td>threads</td>
 *     <td>{@code running}: evaluators holding a slot now</td></tr>
 * <tr><td>{@code executor.queued}</td><td>gauge</td><td>tasks</td>
 *     <td>{@code pending}: accepted tasks waiting for a slot</td></tr>
 * <tr><td>{@code executor.queue.remaining}</td><td>gauge</td><td>tasks</td>
 *     <td>{@code maxQueueSize - pending}: how many more submits the queue accepts</td></tr>
 * <tr><td>{@code executor.pool.size}, {@code executor.pool.core},
 *     {@code executor.pool.max}</td><td>gauge</td><td>threads</td>
 *     <td>{@code maxConcurrent}: the pool is fixed, one carrier per slot</td></tr>
 * <tr><td>{@code executor.completed}</td><td>function counter</td><td>tasks</td>
 *     <td>{@code completed + failed}: evaluators that returned or threw, as a
 *     {@code ThreadPoolExecutor} counts tasks that finished, normally or not</td></tr>
 * <tr><td>{@code executor}</td><td>function timer</td><td>seconds</td>
 *     <td>run time: {@code totalRunTime} over {@code completed + failed}, the tasks it sums</td></tr>
 * <tr><td>{@code gepa.scheduler.submitted}</td><td>function counter</td><td>tasks</td>
 *     <td>tasks accepted</td></tr>
 * <tr><td>{@code gepa.scheduler.failed}</td><td>function counter</td><td>tasks</td>
 *     <td>evaluators that threw</td></tr>
 * <tr><td>{@code gepa.scheduler.cancelled}</td><td>function counter</td><td>tasks</td>
 *     <td>tasks cancelled, pending or running</td></tr>
 * <tr><td>{@code gepa.scheduler.timeouts}</td><td>function counter</td><td>tasks</td>
 *     <td>tasks whose deadline passed, pending or running (also counted as failed)</td></tr>
 * <tr><td>{@code gepa.scheduler.overrunning}</td><td>gauge</td><td>threads</td>
 *     <td>slots held by evaluators whose task already ended (timed out, or cancelled with
 *     interrupt) and that have not returned</td></tr>
 * <tr><td>{@code gepa.scheduler.rejected}</td><td>function counter</td><td>tasks</td>
 *     <td>submits refused, tagged {@code reason}: {@code queue_full} or {@code shutdown}
 *     ({@link dev.gepa.scheduler.RejectionReason})</td></tr>
 * <tr><td>{@code gepa.scheduler.pending}</td><td>gauge</td><td>tasks</td>
 *     <td>pending tasks of one priority level, tagged {@code priority}: {@code critical},
 *     {@code high}, {@code normal} or {@code low}; with priorities on only</td></tr>
 * <tr><td>{@code gepa.scheduler.pending.oldest}</td><td>gauge</td><td>seconds</td>
 *     <td>how long the oldest pending task of one level has waited, tagged {@code priority};
 *     with priorities on only</td></tr>
 * <tr><td>{@code gepa.scheduler.queue.wait}</td><td>function timer</td><td>seconds</td>
 *     <td>time from submit to start: {@code totalQueueWait} over {@code started}, the tasks it
 *     sums</td></tr>
 * <tr><td>{@code gepa.scheduler.capacity}</td><td>gauge</td><td>(ratio)</td>
 *     <td>{@code running / maxConcurrent}, from 0 to 1</td></tr>
 * </tbody>
 * </table>
 *
 * <p>Both timers are function timers over the status's sums and counts, so they give a count,
 * a total and a mean, but no percentiles or maximum (the kernel keeps no histogram). Micrometer's
 * {@code executor.idle} timer is not registered: a carrier's idle time is not measured.
 *
 * <p>With {@link dev.gepa.scheduler.SchedulerBuilder#taskTiming(boolean) taskTiming} off, the
 * time figures of the status read zero, and so do both timers' totals; every count is still
 * right.
 */
// Micrometer's types in this API are not re-exported (module-info says why): its users read
// micrometer.core themselves
@SuppressWarnings("exports")
public final class SchedulerMetrics implements MeterBinder {

    /** The {@code name} tag of a scheduler built without a name. */
    public static final String UNNAMED = "unnamed";

    private static final String TASKS = "tasks";
    private static final String THREADS = "threads";
    private static final String SECONDS = "seconds";

    private final Scheduler scheduler;
    private final Tags tags;

    /**
     * Prepares the meters of {@code scheduler}, tagged with its name alone.
     *
     * @param scheduler the scheduler to observe
     * @throws NullPointerException if {@code scheduler} is null
     */
    public SchedulerMetrics(Scheduler scheduler) {
        this(scheduler, Tags.empty());
    }

    /**
     * Prepares the meters of {@code scheduler}, tagged with its name and {@code extraTags}.
     *
     * @param scheduler the scheduler to observe
     * @param extraTags tags added to every meter; a {@code name} tag among them is replaced by
     *                  the scheduler's name
     * @throws NullPointerException if {@code scheduler} or {@code extraTags} is null
     */
    public SchedulerMetrics(Scheduler scheduler, Iterable<Tag> extraTags) {
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
        Objects.requireNonNull(extraTags, "extraTags must not be null");
        this.tags = Tags.concat(extraTags, "name", scheduler.name().orElse(UNNAMED));
    }

    /**
     * Registers the scheduler's meters with {@code registry}. Binding twice to one registry
     * registers nothing new: the registry keeps the meters it already holds (and Micrometer logs
     * a warning once).
     *
     * @param registry the registry to add the meters to
     * @throws NullPointerException if {@code registry} is null
     */
    @Override
    public void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry must not be null");

        // Micrometer's executor meters, with its descriptions and base units
        gauge(registry, "executor.active", THREADS,
                "The approximate number of threads that are actively executing tasks",
                SchedulerStatus::running);
        gauge(registry, "executor.queued", TASKS,
                "The approximate number of tasks that are queued for execution",
                SchedulerStatus::pending);
        gauge(registry, "executor.queue.remaining", TASKS,
                "The number of additional elements that this queue can ideally accept without blocking",
                s -> Math.max(0, s.maxQueueSize() - s.pending()));
        gauge(registry, "executor.pool.size", THREADS,
                "The current number of threads in the pool", SchedulerStatus::maxConcurrent);
        gauge(registry, "executor.pool.core", THREADS,
                "The core number of threads for the pool", SchedulerStatus::maxConcurrent);
        gauge(registry, "executor.pool.max", THREADS,
                "The maximum allowed number of threads in the pool", SchedulerStatus::maxConcurrent);
        counter(registry, "executor.completed", TASKS,
                "The approximate total number of tasks that have completed execution",
                s -> s.completed() + s.failed());
        FunctionTimer.builder("executor", scheduler,
                        sc -> ran(sc.status()),
                        sc -> sc.status().totalRunTime().toNanos(), TimeUnit.NANOSECONDS)
                .description("Run time of the tasks whose evaluator returned or threw")
                .tags(tags)
                .register(registry);

        // the scheduler's own
        counter(registry, "gepa.scheduler.submitted", TASKS,
                "Tasks accepted since the scheduler was built", SchedulerStatus::submitted);
        counter(registry, "gepa.scheduler.failed", TASKS,
                "Tasks whose evaluator threw", SchedulerStatus::failed);
        counter(registry, "gepa.scheduler.cancelled", TASKS,
                "Tasks cancelled, pending or running", SchedulerStatus::cancelled);
        counter(registry, "gepa.scheduler.timeouts", TASKS,
                "Tasks whose deadline passed, pending or running", SchedulerStatus::timedOut);
        gauge(registry, "gepa.scheduler.overrunning", THREADS,
                "Slots held by evaluators whose task already timed out or was cancelled",
                SchedulerStatus::overrunning);
        FunctionCounter.builder("gepa.scheduler.rejected", scheduler, sc -> sc.status().rejectedQueueFull())
                .description("Submits refused, by reason")
                .baseUnit(TASKS)
                .tags(tags)
                .tag("reason", "queue_full")
                .register(registry);
        FunctionCounter.builder("gepa.scheduler.rejected", scheduler, sc -> sc.status().rejectedShutdown())
                .description("Submits refused, by reason")
                .baseUnit(TASKS)
                .tags(tags)
                .tag("reason", "shutdown")
                .register(registry);
        if (!scheduler.status().levels().isEmpty()) {
            for (Priority priority : Priority.values()) {
                String level = priority.name().toLowerCase(Locale.ROOT);
                Gauge.builder("gepa.scheduler.pending", scheduler,
                                sc -> sc.status().level(priority).map(l -> (double) l.pending()).orElse(0.0))
                        .description("Pending tasks of one priority level")
                        .baseUnit(TASKS)
                        .tags(tags)
                        .tag("priority", level)
                        .register(registry);
                Gauge.builder("gepa.scheduler.pending.oldest", scheduler,
                                sc -> sc.status().level(priority)
                                        .map(l -> seconds(l.oldestPendingWait().toNanos())).orElse(0.0))
                        .description("How long the oldest pending task of one priority level has waited")
                        .baseUnit(SECONDS)
                        .tags(tags)
                        .tag("priority", level)
                        .register(registry);
            }
        }
        FunctionTimer.builder("gepa.scheduler.queue.wait", scheduler,
                        sc -> sc.status().started(),
                        sc -> sc.status().totalQueueWait().toNanos(), TimeUnit.NANOSECONDS)
                .description("Time from submit to start of the tasks whose evaluator was invoked")
                .tags(tags)
                .register(registry);
        Gauge.builder("gepa.scheduler.capacity", scheduler, sc -> sc.status().capacity())
                .description("Share of the slots held by running evaluators, from 0 to 1")
                .tags(tags)
                .register(registry);
    }

    private void gauge(MeterRegistry registry, String name, String unit, String description,
                       ToDoubleFunction<SchedulerStatus> value) {
        Gauge.builder(name, scheduler, sc -> value.applyAsDouble(sc.status()))
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String unit, String description,
                         ToLongFunction<SchedulerStatus> value) {
        FunctionCounter.builder(name, scheduler, sc -> value.applyAsLong(sc.status()))
                .description(description)
                .baseUnit(unit)
                .tags(tags)
                .register(registry);
    }

    private static long ran(SchedulerStatus status) {
        return status.completed() + status.failed();
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }
}
