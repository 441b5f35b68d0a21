package dev.gepa.scheduler;

import dev.gepa.scheduler.internal.SchedulerConfig;
import dev.gepa.scheduler.internal.SchedulerCore;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadFactory;

/**
 * Configures and builds a {@link Scheduler}. Each setter checks its argument at once and throws
 * an exception naming the field, leaving the builder unchanged. A builder may build several
 * schedulers (each needs its own name, if named).
 */
public final class SchedulerBuilder {
    /** The default slot count. */
    public static final int DEFAULT_MAX_CONCURRENT = 5;
    /** The default bound on pending tasks. */
    public static final int DEFAULT_MAX_QUEUE_SIZE = 100;
    /** The default capacity threshold. */
    public static final double DEFAULT_CAPACITY_THRESHOLD = 0.8;
    /** The default number of finished tasks kept findable by id. */
    public static final int DEFAULT_RESULT_RETENTION = 1024;

    private int maxConcurrent = DEFAULT_MAX_CONCURRENT;
    private int maxQueueSize = DEFAULT_MAX_QUEUE_SIZE;
    private boolean enablePriorities = true;
    private double capacityThreshold = DEFAULT_CAPACITY_THRESHOLD;
    private String name;
    private ThreadFactory threadFactory;
    private int resultRetention = DEFAULT_RESULT_RETENTION;
    private boolean taskTiming = true;
    private Duration starvationBound;

    SchedulerBuilder() { }

    /**
     * Sets how many evaluators may run at once; one carrier thread is started for each.
     *
     * @param maxConcurrent the slot count, from 1 to 4096
     * @return this builder
     * @throws IllegalArgumentException if {@code maxConcurrent} is outside [1, 4096]
     */
    public SchedulerBuilder maxConcurrent(int maxConcurrent) {
        if (maxConcurrent < 1 || maxConcurrent > SchedulerConfig.MAX_CARRIERS) {
            throw new IllegalArgumentException("maxConcurrent must be between 1 and "
                    + SchedulerConfig.MAX_CARRIERS + ", was " + maxConcurrent);
        }
        this.maxConcurrent = maxConcurrent;
        return this;
    }

    /**
     * Sets how many tasks may be pending (accepted, not yet running) at once.
     *
     * @param maxQueueSize the bound on pending tasks, from 1 to 2<sup>24</sup>
     * @return this builder
     * @throws IllegalArgumentException if {@code maxQueueSize} is outside [1, 2<sup>24</sup>]
     */
    public SchedulerBuilder maxQueueSize(int maxQueueSize) {
        if (maxQueueSize < 1 || maxQueueSize > SchedulerConfig.MAX_QUEUE_SIZE) {
            throw new IllegalArgumentException("maxQueueSize must be between 1 and "
                    + SchedulerConfig.MAX_QUEUE_SIZE + ", was " + maxQueueSize);
        }
        this.maxQueueSize = maxQueueSize;
        return this;
    }

    /**
     * Sets whether priorities order dispatch; when false, dispatch is FIFO by submission.
     *
     * @param enablePriorities whether priorities order dispatch; true by default
     * @return this builder
     */
    public SchedulerBuilder enablePriorities(boolean enablePriorities) {
        this.enablePriorities = enablePriorities;
        return this;
    }

    /**
     * Sets the capacity ({@code running / maxConcurrent}) at or above which
     * {@link SchedulerStatus#atCapacityThreshold()} is true.
     *
     * @param capacityThreshold the threshold, in (0, 1]
     * @return this builder
     * @throws IllegalArgumentException if {@code capacityThreshold} is not in (0, 1]
     */
    public SchedulerBuilder capacityThreshold(double capacityThreshold) {
        if (!(capacityThreshold > 0.0 && capacityThreshold <= 1.0)) {
            throw new IllegalArgumentException(
                    "capacityThreshold must be in (0, 1], was " + capacityThreshold);
        }
        this.capacityThreshold = capacityThreshold;
        return this;
    }

    /**
     * Names the scheduler, registering it for {@link Schedulers#lookup(String)} from
     * {@code build()} until it terminates.
     *
     * @param name the name, unique among live schedulers; not blank
     * @return this builder
     * @throws NullPointerException     if {@code name} is null
     * @throws IllegalArgumentException if {@code name} is blank
     */
    public SchedulerBuilder name(String name) {
        Objects.requireNonNull(name, "name must not be null");
        if (name.isBlank()) {
            throw new IllegalArgumentException("name must not be blank");
        }
        this.name = name;
        return this;
    }

    /**
     * Sets the factory of carrier threads. By default carriers are daemon platform threads named
     * after the scheduler. On Java 21+ a virtual-thread factory
     * ({@code Thread.ofVirtual().factory()}) works too.
     *
     * @param threadFactory makes one carrier thread per slot
     * @return this builder
     * @throws NullPointerException if {@code threadFactory} is null
     */
    public SchedulerBuilder threadFactory(ThreadFactory threadFactory) {
        this.threadFactory = Objects.requireNonNull(threadFactory, "threadFactory must not be null");
        return this;
    }

    /**
     * Sets how many finished tasks stay findable by id through {@link Scheduler#result(long)};
     * the oldest is evicted first. Zero keeps none (handles still hold their own results).
     *
     * @param resultRetention how many finished tasks to keep findable, from 0 to 2<sup>24</sup>
     * @return this builder
     * @throws IllegalArgumentException if {@code resultRetention} is outside [0, 2<sup>24</sup>]
     */
    public SchedulerBuilder resultRetention(int resultRetention) {
        if (resultRetention < 0 || resultRetention > SchedulerConfig.MAX_RESULT_RETENTION) {
            throw new IllegalArgumentException("resultRetention must be between 0 and "
                    + SchedulerConfig.MAX_RESULT_RETENTION + ", was " + resultRetention);
        }
        this.resultRetention = resultRetention;
        return this;
    }

    /**
     * Sets whether each task's times are recorded: {@link TaskHandle#submittedAt()},
     * {@link TaskHandle#startedAt()}, {@link TaskHandle#finishedAt()} and the run-time and
     * queue-wait figures of {@link SchedulerStatus}. On by default. Off, the kernel reads no
     * clock on any task's path: the handle's times are empty ({@code submittedAt()} throws
     * {@link IllegalStateException}) and the time figures of the status read zero; every count
     * is still kept. Off cannot go with a {@link #starvationBound(Duration) starvationBound},
     * which compares submit times ({@link #build()} refuses the two together).
     *
     * @param taskTiming whether each task's times are recorded
     * @return this builder
     */
    public SchedulerBuilder taskTiming(boolean taskTiming) {
        this.taskTiming = taskTiming;
        return this;
    }

    /**
     * Turns on the starvation guard: a pending task that has waited longer than
     * {@code starvationBound} is <em>overdue</em>, and is dispatched before every task that is
     * not, whatever their priorities. Off by default: dispatch is then strictly by priority, and
     * a steady stream of urgent tasks can keep a LOW task waiting indefinitely.
     *
     * <p>With the guard on, each dispatch picks as follows. If some task is overdue, it takes
     * the overdue task that has waited longest (submitted first; on a tie, the more urgent
     * one). If none is, it takes the most urgent task, FIFO within a priority, exactly as
     * without the guard: a task whose submit has returned is never passed over in favour of a
     * less urgent task that is not overdue. The guard compares each priority's next task only,
     * so the order within a priority stays FIFO; submits that race each other may queue a
     * little out of time order, and "longest waiting" holds up to that. A task counts as
     * overdue by the clock read when the dispatch begins: it may be seen overdue a moment late,
     * never early. The bound is not a deadline: it preempts no running task, and overdue tasks
     * wait for free carriers and for each other, oldest first.
     *
     * <p>The guard compares submit times, so it needs {@link #taskTiming(boolean) taskTiming}
     * on (the default): {@link #build()} refuses the two together. With
     * {@link #enablePriorities(boolean) enablePriorities(false)} the bound is accepted and
     * changes nothing: FIFO dispatch already takes the task that has waited longest. With the
     * guard off, dispatch costs nothing more than before; on, each dispatch reads the clock
     * once and looks at the next task of every priority.
     *
     * <pre>{@code
     * Scheduler scheduler = Scheduler.builder()
     *         .maxConcurrent(4)
     *         .starvationBound(Duration.ofSeconds(30)) // no task waits behind newer ones past 30 s
     *         .build();
     * }</pre>
     *
     * @param starvationBound how long a pending task may wait before it is dispatched ahead of
     *                        every task that has waited less; positive
     * @return this builder
     * @throws NullPointerException     if {@code starvationBound} is null
     * @throws IllegalArgumentException if {@code starvationBound} is zero or negative
     */
    public SchedulerBuilder starvationBound(Duration starvationBound) {
        Objects.requireNonNull(starvationBound, "starvationBound must not be null");
        if (starvationBound.isNegative() || starvationBound.isZero()) {
            throw new IllegalArgumentException("starvationBound must be positive, was " + starvationBound);
        }
        this.starvationBound = starvationBound;
        return this;
    }

    /**
     * Builds the scheduler and starts its carrier threads.
     *
     * @return the running scheduler
     * @throws IllegalArgumentException if a {@link #starvationBound(Duration) starvationBound} is
     *                                  set with {@link #taskTiming(boolean) taskTiming(false)}
     * @throws IllegalStateException    if the name is already registered by a live scheduler, or
     *                                  the thread factory returns null
     */
    public Scheduler build() {
        if (starvationBound != null && !taskTiming) {
            throw new IllegalArgumentException("starvationBound(" + starvationBound + ") needs "
                    + "taskTiming(true), but taskTiming(false) is set: the starvation guard compares "
                    + "the tasks' submit times, which are then not recorded");
        }
        return SchedulerCore.start(new SchedulerConfig(maxConcurrent, maxQueueSize, enablePriorities,
                capacityThreshold, name, threadFactory, resultRetention, taskTiming, starvationBound));
    }
}
