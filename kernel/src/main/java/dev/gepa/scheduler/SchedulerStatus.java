package dev.gepa.scheduler;

import java.time.Duration;

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
 * @param running            tasks whose evaluator holds a slot now, at most {@code maxConcurrent}
 * @param pending            accepted tasks waiting for a slot, at most {@code maxQueueSize}
 * @param submitted          tasks accepted since the scheduler was built
 * @param completed          tasks whose evaluator returned a value
 * @param failed             tasks whose evaluator threw
 * @param cancelled          tasks cancelled, pending or running
 * @param rejected           submits refused, for a full queue or after shutdown
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
 */
public record SchedulerStatus(
        int running,
        int pending,
        long submitted,
        long completed,
        long failed,
        long cancelled,
        long rejected,
        double capacity,
        boolean atCapacityThreshold,
        int maxConcurrent,
        int maxQueueSize,
        double throughput,
        Duration uptime,
        Duration totalRunTime,
        Duration meanRunTime,
        Duration totalQueueWait,
        Duration meanQueueWait) {

    /** {@return the number of tasks that reached a final state} */
    public long finished() {
        return completed + failed + cancelled;
    }
}
