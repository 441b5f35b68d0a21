package dev.gepa.scheduler;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a scheduler's state and statistics, as returned by {@link Scheduler#status()}.
 *
 * <p>Each figure is read without a lock while the scheduler runs, so figures are not taken at one
 * instant; they are read so that no snapshot is impossible: {@code submitted} is never less than
 * {@code completed + failed + cancelled}, and no figure is negative. Once the scheduler is quiet
 * (nothing pending or running), {@code submitted == completed + failed + cancelled} exactly.
 * {@code submitted} and {@code pending} come from one snapshot of the admission counters, so
 * they agree with each other at one instant inside the call. A task counts as submitted from its
 * admission, a moment before it is queued; a refusal is counted just after the refused submit
 * decides, so a snapshot may miss a refusal under way.
 *
 * <p>Per level ({@link #levels()}, with priorities on): each level's pending count is read apart
 * from the others and from {@code pending}, so while tasks come and go the levels need not sum
 * to {@code pending} (each is at most {@code pending}); at quiescence they do, exactly. The age
 * of a level's oldest pending task is measured when the snapshot is taken, from a look at the
 * level's queue: {@code status()} briefly takes the role in which carriers claim tasks (never
 * waiting for it more than a few hundred spins) and, if it cannot, uses the times its last look
 * saw, which can only overstate an age, and only until the next look.
 *
 * @param running            tasks whose evaluator holds a slot now, at most {@code maxConcurrent}
 * @param pending            accepted tasks waiting for a slot, at most {@code maxQueueSize}
 * @param submitted          tasks accepted since the scheduler was built
 * @param completed          tasks whose evaluator returned a value
 * @param failed             tasks whose evaluator threw, or whose deadline passed
 * @param cancelled          tasks cancelled, pending or running
 * @param timedOut           of the failed tasks, those whose deadline passed
 *                           ({@link TaskSpec#withTimeout}), pending or running
 * @param overrunning        of the running tasks, those already final (timed out, or cancelled
 *                           with interrupt) whose evaluator has not returned yet: slots held by
 *                           evaluators that ignore interrupts
 * @param started            tasks whose evaluator was invoked: those {@code totalQueueWait}
 *                           sums over
 * @param rejected           submits refused, for a full queue or after shutdown
 * @param rejectedQueueFull  of those, the ones refused for a full queue
 *                           ({@link RejectionReason#QUEUE_FULL}); the rest were refused for
 *                           shutdown ({@link #rejectedShutdown()})
 * @param capacity           {@code running / maxConcurrent}, from 0 to 1
 * @param atCapacityThreshold whether {@code capacity >= capacityThreshold}
 * @param maxConcurrent      the configured slot count
 * @param maxQueueSize       the configured bound on pending tasks
 * @param throughput         completed tasks per second of uptime
 * @param uptime             time since the scheduler was built
 * @param totalRunTime       summed evaluator run time of completed and failed tasks
 * @param meanRunTime        {@code totalRunTime / (completed + failed)}, zero when none
 * @param totalQueueWait     summed time from submit to start of every started task
 * @param meanQueueWait      mean of that wait, zero when no task started
 * @param levels             one entry per {@link Priority}, most urgent first, with priorities
 *                           on; empty with priorities off (every task then waits in one queue,
 *                           counted in {@code pending})
 */
public record SchedulerStatus(
        int running,
        int pending,
        long submitted,
        long completed,
        long failed,
        long cancelled,
        long timedOut,
        int overrunning,
        long started,
        long rejected,
        long rejectedQueueFull,
        double capacity,
        boolean atCapacityThreshold,
        int maxConcurrent,
        int maxQueueSize,
        double throughput,
        Duration uptime,
        Duration totalRunTime,
        Duration meanRunTime,
        Duration totalQueueWait,
        Duration meanQueueWait,
        List<LevelStatus> levels) {

    /**
     * Validates the figures that are objects and copies the level list.
     *
     * @param running            tasks whose evaluator holds a slot now, at most {@code maxConcurrent}
     * @param pending            accepted tasks waiting for a slot, at most {@code maxQueueSize}
     * @param submitted          tasks accepted since the scheduler was built
     * @param completed          tasks whose evaluator returned a value
     * @param failed             tasks whose evaluator threw, or whose deadline passed
     * @param cancelled          tasks cancelled, pending or running
     * @param timedOut           of the failed tasks, those whose deadline passed
     *                           ({@link TaskSpec#withTimeout}), pending or running
     * @param overrunning        of the running tasks, those already final (timed out, or cancelled
     *                           with interrupt) whose evaluator has not returned yet: slots held by
     *                           evaluators that ignore interrupts
     * @param started            tasks whose evaluator was invoked: those {@code totalQueueWait}
     *                           sums over
     * @param rejected           submits refused, for a full queue or after shutdown
     * @param rejectedQueueFull  of those, the ones refused for a full queue
     *                           ({@link RejectionReason#QUEUE_FULL}); the rest were refused for
     *                           shutdown ({@link #rejectedShutdown()})
     * @param capacity           {@code running / maxConcurrent}, from 0 to 1
     * @param atCapacityThreshold whether {@code capacity >= capacityThreshold}
     * @param maxConcurrent      the configured slot count
     * @param maxQueueSize       the configured bound on pending tasks
     * @param throughput         completed tasks per second of uptime
     * @param uptime             time since the scheduler was built
     * @param totalRunTime       summed evaluator run time of completed and failed tasks
     * @param meanRunTime        {@code totalRunTime / (completed + failed)}, zero when none
     * @param totalQueueWait     summed time from submit to start of every started task
     * @param meanQueueWait      mean of that wait, zero when no task started
     * @param levels             one entry per {@link Priority}, most urgent first, with priorities
     *                           on; empty with priorities off (every task then waits in one queue,
     *                           counted in {@code pending})
     * @throws NullPointerException if a duration or {@code levels} is null, or {@code levels}
     *                              holds a null
     */
    public SchedulerStatus {
        Objects.requireNonNull(uptime, "uptime must not be null");
        Objects.requireNonNull(totalRunTime, "totalRunTime must not be null");
        Objects.requireNonNull(meanRunTime, "meanRunTime must not be null");
        Objects.requireNonNull(totalQueueWait, "totalQueueWait must not be null");
        Objects.requireNonNull(meanQueueWait, "meanQueueWait must not be null");
        levels = List.copyOf(Objects.requireNonNull(levels, "levels must not be null"));
    }

    /** {@return the number of tasks that reached a final state} */
    public long finished() {
        return completed + failed + cancelled;
    }

    /** {@return submits refused because the scheduler was shut down} */
    public long rejectedShutdown() {
        return rejected - rejectedQueueFull;
    }

    /**
     * Returns the figures of one priority level.
     *
     * @param priority the level
     * @return its figures; empty if priorities are off
     * @throws NullPointerException if {@code priority} is null
     */
    public Optional<LevelStatus> level(Priority priority) {
        Objects.requireNonNull(priority, "priority must not be null");
        return levels.isEmpty() ? Optional.empty() : Optional.of(levels.get(priority.ordinal()));
    }

    /**
     * One priority level's share of a {@link SchedulerStatus}: how many of its tasks wait, and
     * for how long the oldest has waited, so that starvation of a level can be seen.
     *
     * @param priority          the level
     * @param pending           accepted tasks of this level waiting for a slot
     * @param oldestPendingWait how long the level's oldest pending task has waited when the
     *                          snapshot was taken; zero if none is pending, and always zero with
     *                          {@linkplain SchedulerBuilder#taskTiming(boolean) task timing} off
     */
    public record LevelStatus(Priority priority, int pending, Duration oldestPendingWait) {

        /**
         * Validates the fields.
         *
         * @param priority          the level
         * @param pending           accepted tasks of this level waiting for a slot
         * @param oldestPendingWait how long the level's oldest pending task has waited
         * @throws NullPointerException     if {@code priority} or {@code oldestPendingWait} is null
         * @throws IllegalArgumentException if {@code pending} or {@code oldestPendingWait} is negative
         */
        public LevelStatus {
            Objects.requireNonNull(priority, "priority must not be null");
            Objects.requireNonNull(oldestPendingWait, "oldestPendingWait must not be null");
            if (pending < 0) {
                throw new IllegalArgumentException("pending must not be negative: " + pending);
            }
            if (oldestPendingWait.isNegative()) {
                throw new IllegalArgumentException("oldestPendingWait must not be negative: " + oldestPendingWait);
            }
        }
    }
}
