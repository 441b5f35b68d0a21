package dev.gepa.scheduler.internal;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;

/**
 * A validated configuration, as built by {@code SchedulerBuilder}.
 *
 * @param threadFactory   null for the default daemon carriers
 * @param name            null for an unnamed scheduler
 * @param taskTiming      whether task times are recorded
 * @param starvationBound how long a pending task may wait before it is claimed ahead of the
 *                        priority order (see {@code Inboxes}); null for strict priority. Set
 *                        only with task timing on: the guard compares submit times
 */
public record SchedulerConfig(int maxConcurrent, int maxQueueSize, boolean enablePriorities,
                              double capacityThreshold, String name, ThreadFactory threadFactory,
                              int resultRetention, boolean taskTiming, Duration starvationBound) {
    /** The most carriers one scheduler may start. */
    public static final int MAX_CARRIERS = 1 << 12;
    /** The largest bound on pending tasks: the pending count must fit the admission word. */
    public static final int MAX_QUEUE_SIZE = 1 << 24;
    /** The most finished tasks one scheduler may retain. */
    public static final int MAX_RESULT_RETENTION = 1 << 24;

    /**
     * Checks what the guard needs: a positive bound, and the submit times it compares.
     *
     * @throws IllegalArgumentException if the bound is not positive, or set with task timing off
     */
    public SchedulerConfig {
        if (starvationBound != null) {
            if (starvationBound.isNegative() || starvationBound.isZero()) {
                throw new IllegalArgumentException(
                        "starvationBound must be positive, was " + starvationBound);
            }
            if (!taskTiming) {
                throw new IllegalArgumentException("starvationBound needs taskTiming(true): the guard "
                        + "compares the tasks' submit times, which taskTiming(false) does not record");
            }
        }
    }

    /** A configuration without a starvation bound: strict priority. */
    public SchedulerConfig(int maxConcurrent, int maxQueueSize, boolean enablePriorities,
                           double capacityThreshold, String name, ThreadFactory threadFactory,
                           int resultRetention, boolean taskTiming) {
        this(maxConcurrent, maxQueueSize, enablePriorities, capacityThreshold, name, threadFactory,
                resultRetention, taskTiming, null);
    }

    /**
     * {@return the starvation bound in nanoseconds, saturated at Long.MAX_VALUE; 0 for none}
     */
    long starvationBoundNanos() {
        if (starvationBound == null) {
            return 0L;
        }
        try {
            return starvationBound.toNanos();
        } catch (ArithmeticException beyondLong) {
            return Long.MAX_VALUE; // about 292 years: never reached, but the guard stays on
        }
    }
}
