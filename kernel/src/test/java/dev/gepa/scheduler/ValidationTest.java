package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Bad input is refused with an exception whose message names the field, and changes nothing. */
@Timeout(60)
class ValidationTest {

    private static final Callable<String> EVALUATOR = () -> "v";

    private static <T extends Throwable> void assertNames(Class<T> type, String field, Executable call) {
        T e = assertThrows(type, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(field),
                () -> "message does not name '" + field + "': " + e.getMessage());
    }

    /** Proves a null or blank candidateId is refused with NPE / IAE naming candidateId. */
    @Test
    void candidateIdMustBePresent() {
        assertNames(NullPointerException.class, "candidateId", () -> TaskSpec.of(null, EVALUATOR));
        assertNames(IllegalArgumentException.class, "candidateId", () -> TaskSpec.of("", EVALUATOR));
        assertNames(IllegalArgumentException.class, "candidateId", () -> TaskSpec.of(" \t\n", EVALUATOR));
        assertNames(NullPointerException.class, "candidateId",
                () -> new TaskSpec<>(null, EVALUATOR, Priority.HIGH, Map.of()));
    }

    /** Proves a null evaluator and a null priority are refused with NPEs naming the field. */
    @Test
    void evaluatorAndPriorityMustBePresent() {
        assertNames(NullPointerException.class, "evaluator", () -> TaskSpec.of("c", null));
        assertNames(NullPointerException.class, "evaluator", () -> TaskSpec.of("c", Priority.LOW, null));
        assertNames(NullPointerException.class, "priority", () -> TaskSpec.of("c", null, EVALUATOR));
        TaskSpec<String> spec = TaskSpec.of("c", Priority.LOW, EVALUATOR);
        assertNames(NullPointerException.class, "priority", () -> spec.withPriority(null));
        assertEquals(Priority.LOW, spec.priority(), "a refused withPriority changed the spec");
    }

    /** Proves null metadata, and metadata holding a null value or key, are refused with NPEs naming metadata. */
    @Test
    void metadataMustHoldNoNulls() {
        assertNames(NullPointerException.class, "metadata", () -> new TaskSpec<>("c", EVALUATOR, Priority.NORMAL, null));
        Map<String, Object> nullValue = new HashMap<>();
        nullValue.put("generation", null);
        assertNames(NullPointerException.class, "metadata", () -> new TaskSpec<>("c", EVALUATOR, Priority.NORMAL, nullValue));
        Map<String, Object> nullKey = new HashMap<>();
        nullKey.put(null, 5);
        assertNames(NullPointerException.class, "metadata", () -> new TaskSpec<>("c", EVALUATOR, Priority.NORMAL, nullKey));
        TaskSpec<String> spec = TaskSpec.of("c", EVALUATOR).withMetadata(Map.of("k", 1));
        assertNames(NullPointerException.class, "metadata", () -> spec.withMetadata(null));
        assertEquals(Map.of("k", 1), spec.metadata(), "a refused withMetadata changed the spec");
    }

    /** Proves the spec keeps an immutable copy of the metadata: later changes to the caller's map do not leak in. */
    @Test
    void metadataIsAnImmutableCopy() {
        Map<String, Object> mine = new HashMap<>();
        mine.put("generation", 5);
        TaskSpec<String> spec = new TaskSpec<>("c", EVALUATOR, Priority.NORMAL, mine);
        mine.put("generation", 6);
        mine.put("extra", true);
        assertEquals(Map.of("generation", 5), spec.metadata());
        assertThrows(UnsupportedOperationException.class, () -> {
            @SuppressWarnings("unchecked")
            Map<String, Object> m = (Map<String, Object>) spec.metadata();
            m.put("x", 1);
        });
    }

    /** Proves maxConcurrent < 1 and maxQueueSize < 1 are refused naming the field, leaving the builder's earlier value. */
    @Test
    void slotAndQueueBoundsMustBePositive() {
        SchedulerBuilder b = Scheduler.builder().maxConcurrent(3).maxQueueSize(9);
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
            assertNames(IllegalArgumentException.class, "maxConcurrent", () -> b.maxConcurrent(bad));
            assertNames(IllegalArgumentException.class, "maxQueueSize", () -> b.maxQueueSize(bad));
        }
        try (Scheduler s = b.build()) {
            assertEquals(3, s.status().maxConcurrent());
            assertEquals(9, s.status().maxQueueSize());
        }
    }

    /** Proves a capacityThreshold outside (0, 1] (0, -0.1, 1.01, NaN, infinity) is refused naming the field, leaving the earlier value. */
    @Test
    void capacityThresholdMustBeInZeroOne() throws Exception {
        SchedulerBuilder b = Scheduler.builder().maxConcurrent(2).capacityThreshold(0.5);
        for (double bad : new double[] {0.0, -0.0, -0.1, 1.01, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
            assertNames(IllegalArgumentException.class, "capacityThreshold", () -> b.capacityThreshold(bad));
        }
        Scheduler.builder().capacityThreshold(1.0).capacityThreshold(Double.MIN_VALUE); // the edges are allowed
        try (Scheduler s = b.build();
             Blocker<String> one = new Blocker<>("one")) {
            s.submit(TaskSpec.of("one", one));
            one.awaitStarted();
            assertTrue(s.status().atCapacityThreshold(), "threshold 0.5 was lost: 1 of 2 running is at it");
        }
    }

    /** Proves a negative resultRetention is refused naming the field, leaving the earlier value. */
    @Test
    void resultRetentionMustNotBeNegative() throws Exception {
        SchedulerBuilder b = Scheduler.builder().maxConcurrent(1).resultRetention(1);
        assertNames(IllegalArgumentException.class, "resultRetention", () -> b.resultRetention(-1));
        assertNames(IllegalArgumentException.class, "resultRetention", () -> b.resultRetention(Integer.MIN_VALUE));
        Scheduler.builder().resultRetention(0); // zero is allowed
        try (Scheduler s = b.build()) {
            TaskHandle<Integer> first = s.submit(TaskSpec.of("first", () -> 1));
            TestSupport.get(first);
            TestSupport.quietStatus(s);
            TaskHandle<Integer> second = s.submit(TaskSpec.of("second", () -> 2));
            TestSupport.get(second);
            TestSupport.quietStatus(s);
            assertTrue(s.result(first.id()) instanceof TaskResult.NotFound, "retention 1 was lost");
            assertEquals(new TaskResult.Completed<>(2), s.result(second.id()));
        }
    }

    /** Proves a null threadFactory is refused naming the field, leaving the factory set before. */
    @Test
    void threadFactoryMustNotBeNull() throws Exception {
        CarrierThreads carriers = new CarrierThreads("kept");
        SchedulerBuilder b = Scheduler.builder().maxConcurrent(2).threadFactory(carriers);
        assertNames(NullPointerException.class, "threadFactory", () -> b.threadFactory(null));
        try (Scheduler s = b.build()) {
            assertTrue(carriers.contains(TestSupport.get(s.submit(TaskSpec.of("who", Thread::currentThread)))));
            assertEquals(2, carriers.threads().size());
        }
    }

    /** Proves a null or blank name is refused (NPE / IAE naming name), leaving the name set before. */
    @Test
    void nameMustBePresent() {
        String name = "validation-" + System.nanoTime();
        SchedulerBuilder b = Scheduler.builder().name(name);
        assertNames(NullPointerException.class, "name", () -> b.name(null));
        for (String blank : List.of("", " ", "\t\n")) {
            assertNames(IllegalArgumentException.class, "name", () -> b.name(blank));
        }
        try (Scheduler s = b.build()) {
            assertEquals(Optional.of(name), s.name());
        }
    }

    /** Proves submit(null) and trySubmit(null) throw NPEs and change no count. */
    @Test
    void submitRejectsNullWithoutCountingIt() {
        try (Scheduler s = Scheduler.builder().build()) {
            assertThrows(NullPointerException.class, () -> s.submit(null));
            assertThrows(NullPointerException.class, () -> s.trySubmit(null));
            SchedulerStatus st = s.status();
            assertEquals(0, st.submitted());
            assertEquals(0, st.rejected());
            assertEquals(0, st.pending());
        }
    }
}
