package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

import static org.junit.jupiter.api.Assertions.*;

class SmokeTest {
    @Test
    void runsTasksInPriorityOrder() throws Exception {
        List<String> order = new ArrayList<>();
        CountDownLatch gate = new CountDownLatch(1);
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            TaskHandle<Object> blocker = s.submit(TaskSpec.of("block", () -> { gate.await(); return null; }));
            List<TaskHandle<String>> hs = new ArrayList<>();
            for (Priority p : new Priority[]{Priority.LOW, Priority.NORMAL, Priority.HIGH, Priority.CRITICAL, Priority.LOW, Priority.CRITICAL}) {
                String tag = p + "-" + hs.size();
                hs.add(s.submit(TaskSpec.of(tag, p, () -> { synchronized (order) { order.add(tag); } return tag; })));
            }
            gate.countDown();
            for (TaskHandle<String> h : hs) assertEquals(h.candidateId(), h.future().get());
            assertEquals(TaskState.COMPLETED, blocker.state());
            assertEquals(List.of("CRITICAL-3", "CRITICAL-5", "HIGH-2", "NORMAL-1", "LOW-0", "LOW-4"), order);
            SchedulerStatus st = s.status();
            assertEquals(7, st.submitted());
            assertEquals(7, st.completed());
        }
    }

    @Test
    void manyTasks() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).maxQueueSize(1 << 16).build()) {
            int n = 200_000;
            TaskHandle<Integer> last = null;
            int rejected = 0;
            for (int i = 0; i < n; i++) {
                int v = i;
                TaskHandle<Integer> h = s.trySubmit(TaskSpec.of("c", () -> v));
                if (h == null) { rejected++; Thread.onSpinWait(); i--; continue; }
                last = h;
            }
            assertEquals(n - 1, last.future().get());
            s.shutdown();
            assertTrue(s.awaitTermination(Duration.ofSeconds(30)));
            SchedulerStatus st = s.status();
            assertEquals(n, st.submitted());
            assertEquals(n, st.completed());
            assertEquals(rejected, st.rejected());
        }
    }
}
