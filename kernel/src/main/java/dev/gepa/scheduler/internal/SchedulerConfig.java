package dev.gepa.scheduler.internal;

import java.util.concurrent.ThreadFactory;

/**
 * A validated configuration, as built by {@code SchedulerBuilder}.
 *
 * @param threadFactory null for the default daemon carriers
 * @param name          null for an unnamed scheduler
 * @param taskTiming    whether task times are recorded
 */
public record SchedulerConfig(int maxConcurrent, int maxQueueSize, boolean enablePriorities,
                              double capacityThreshold, String name, ThreadFactory threadFactory,
                              int resultRetention, boolean taskTiming) {
    /** The most carriers one scheduler may start. */
    public static final int MAX_CARRIERS = 1 << 12;
    /** The largest bound on pending tasks: the pending count must fit the admission word. */
    public static final int MAX_QUEUE_SIZE = 1 << 24;
    /** The most finished tasks one scheduler may retain. */
    public static final int MAX_RESULT_RETENTION = 1 << 24;
}
