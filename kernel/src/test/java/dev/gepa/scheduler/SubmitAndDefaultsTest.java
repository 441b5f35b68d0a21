package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Submitting tasks and the builder's defaults. */
@Timeout(60)
class SubmitAndDefaultsTest {

    /** Proves a handle carries the spec's candidate id, priority and metadata, and one future that yields the value. */
    @Test
    void aHandleCarriesItsSpecAndItsValue() throws Exception {
        try (Scheduler s = Scheduler.builder().build()) {
            TaskSpec<Double> spec = new TaskSpec<>("cand_123", () -> 0.75, Priority.HIGH,
                    Map.of("generation", 5, "model", "small"));
            TaskHandle<Double> h = s.submit(spec);
            assertEquals("cand_123", h.candidateId());
            assertEquals(Priority.HIGH, h.priority());
            assertEquals(Map.of("generation", 5, "model", "small"), h.metadata());
            assertThrows(UnsupportedOperationException.class, () -> h.metadata().clear());
            assertSame(h.future(), h.future());
            assertEquals(0.75, TestSupport.get(h));
            assertEquals(TaskState.COMPLETED, h.state());
            assertTrue(h.isDone());
            assertEquals(new TaskResult.Completed<>(0.75), h.result());
            assertTrue(h.toString().contains("cand_123"), h.toString());
        }
    }

    /** Proves one spec may be submitted many times: each submit is its own task with its own id and run. */
    @Test
    void oneSpecSubmittedManyTimesRunsEachTime() throws Exception {
        AtomicInteger runs = new AtomicInteger();
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).build()) {
            TaskSpec<Integer> spec = TaskSpec.of("same", runs::incrementAndGet);
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                handles.add(s.submit(spec));
            }
            Set<Long> ids = new HashSet<>();
            Set<Integer> values = new HashSet<>();
            for (TaskHandle<Integer> h : handles) {
                assertTrue(ids.add(h.id()), "duplicate id " + h.id());
                values.add(TestSupport.get(h));
            }
            assertEquals(50, runs.get());
            assertEquals(50, values.size());
        }
    }

    /** Proves the defaults: 5 slots, 100 pending, priorities on, capacity threshold 0.8, 1024 retained results. */
    @Test
    void theDefaultsMatchTheDocumentedValues() throws Exception {
        assertEquals(5, SchedulerBuilder.DEFAULT_MAX_CONCURRENT);
        assertEquals(100, SchedulerBuilder.DEFAULT_MAX_QUEUE_SIZE);
        assertEquals(0.8, SchedulerBuilder.DEFAULT_CAPACITY_THRESHOLD);
        assertEquals(1024, SchedulerBuilder.DEFAULT_RESULT_RETENTION);
        List<Blocker<Integer>> blockers = new ArrayList<>();
        List<String> ran = new CopyOnWriteArrayList<>();
        try (Scheduler s = Scheduler.builder().build()) {
            SchedulerStatus fresh = s.status();
            assertEquals(5, fresh.maxConcurrent());
            assertEquals(100, fresh.maxQueueSize());
            try {
                for (int i = 0; i < 5; i++) {
                    Blocker<Integer> b = new Blocker<>(i);
                    blockers.add(b);
                    s.submit(TaskSpec.of("b" + i, b));
                    b.awaitStarted();
                    SchedulerStatus st = s.status();
                    assertEquals(i + 1 >= 4, st.atCapacityThreshold(), (i + 1) + " of 5 running vs threshold 0.8");
                }
                // priorities on: a LOW submitted first runs after a CRITICAL submitted later
                TaskHandle<String> low = s.submit(TaskSpec.of("low", Priority.LOW, () -> {
                    ran.add("low");
                    return "low";
                }));
                TaskHandle<String> critical = s.submit(TaskSpec.of("critical", Priority.CRITICAL, () -> {
                    ran.add("critical");
                    return "critical";
                }));
                blockers.get(0).release();
                TestSupport.get(low);
                TestSupport.get(critical);
                assertEquals(List.of("critical", "low"), ran);
            } finally {
                blockers.forEach(Blocker::release);
            }
            TestSupport.quietStatus(s);
            // retention 1024: the first of 1025 finished tasks is evicted, the second is kept
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 1025; i++) {
                TaskHandle<Integer> h = s.submit(TaskSpec.of("r", () -> 0));
                TestSupport.get(h);
                TestSupport.quietStatus(s); // retired before the next one: a known finishing order
                handles.add(h);
            }
            assertTrue(s.result(handles.get(0).id()) instanceof TaskResult.NotFound);
            assertFalse(s.result(handles.get(1).id()) instanceof TaskResult.NotFound);
        }
    }
}
