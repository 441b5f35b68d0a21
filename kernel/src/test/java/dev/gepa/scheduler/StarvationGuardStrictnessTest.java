package dev.gepa.scheduler;

import java.time.Duration;

/**
 * With the starvation guard on and no task overdue, priority stays strict for tasks whose
 * submit has returned: {@link PriorityStrictnessTest}'s proofs (inherited) on a guarded
 * scheduler. The guarded claim, which looks at every level's head, must still stop at a level
 * whose next task is not stored yet and still re-check before it takes. The bound (an hour) is
 * never reached here.
 */
class StarvationGuardStrictnessTest extends PriorityStrictnessTest {

    private static final Duration NEVER_REACHED = Duration.ofHours(1);

    @Override
    Scheduler scheduler(int maxQueueSize) {
        return Scheduler.builder().maxConcurrent(1).maxQueueSize(maxQueueSize)
                .starvationBound(NEVER_REACHED).build();
    }
}
