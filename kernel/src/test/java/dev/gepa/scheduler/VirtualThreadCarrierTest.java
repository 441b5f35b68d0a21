package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * On Java 21+, a virtual-thread factory runs the carriers. The kernel compiles with
 * {@code --release 17}, so the factory is reached by reflection; on 17 the test is skipped.
 */
class VirtualThreadCarrierTest {

    /** Every task runs on a virtual carrier, and the scheduler terminates cleanly. */
    @Test
    void runsOnVirtualThreadCarriers() throws Exception {
        assumeTrue(Runtime.version().feature() >= 21, "virtual threads need Java 21+");
        Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
        Class<?> builderType = Class.forName("java.lang.Thread$Builder");
        ThreadFactory virtual = (ThreadFactory) builderType.getMethod("factory").invoke(builder);
        var isVirtual = Thread.class.getMethod("isVirtual");

        List<TaskHandle<Boolean>> handles = new ArrayList<>();
        Scheduler scheduler = Scheduler.builder().maxConcurrent(4).maxQueueSize(1000)
                .threadFactory(virtual).build();
        try (scheduler) {
            for (int i = 0; i < 1000; i++) {
                handles.add(scheduler.submit(TaskSpec.of("candidate-" + i,
                        () -> (Boolean) isVirtual.invoke(Thread.currentThread()))));
            }
            for (TaskHandle<Boolean> h : handles) {
                assertTrue(h.future().get(), "evaluator ran on a platform thread");
            }
        }
        assertTrue(scheduler.awaitTermination(Duration.ZERO));
        assertEquals(1000, scheduler.status().completed());
    }
}
