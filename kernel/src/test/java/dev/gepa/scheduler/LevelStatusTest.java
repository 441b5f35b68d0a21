package dev.gepa.scheduler;

import dev.gepa.scheduler.SchedulerStatus.LevelStatus;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-level status: each level's pending count and the age of its oldest pending task, exact
 * while the carriers are held. Ages are compared with the handles' submit times: two ages in one
 * snapshot are measured from one instant, so their difference is exactly the difference of the
 * two tasks' submit times.
 */
@Timeout(60)
class LevelStatusTest {

    @Test
    void countsEachLevelsPendingTasksAndAgesItsOldest() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(20).build();
             Blocker<String> gate = new Blocker<>("gate")) {
            s.submit(TaskSpec.of("gate", Priority.CRITICAL, gate));
            gate.awaitStarted();

            List<TaskHandle<Integer>> low = submit(s, Priority.LOW, 2);
            List<TaskHandle<Integer>> critical = submit(s, Priority.CRITICAL, 3);
            List<TaskHandle<Integer>> high = submit(s, Priority.HIGH, 1);

            SchedulerStatus st = s.status();
            assertEquals(6, st.pending());
            assertEquals(List.of(Priority.CRITICAL, Priority.HIGH, Priority.NORMAL, Priority.LOW),
                    st.levels().stream().map(LevelStatus::priority).toList());
            assertEquals(List.of(3, 1, 0, 2), st.levels().stream().map(LevelStatus::pending).toList());
            assertEquals(Duration.ZERO, level(st, Priority.NORMAL).oldestPendingWait());
            // every age is measured from one instant: differences are the submit-time differences
            assertAgesDifferBy(st, Priority.LOW, low.get(0), Priority.CRITICAL, critical.get(0));
            assertAgesDifferBy(st, Priority.CRITICAL, critical.get(0), Priority.HIGH, high.get(0));
            assertTrue(level(st, Priority.HIGH).oldestPendingWait().compareTo(Duration.ZERO) >= 0);

            // the oldest LOW task cancelled: it is a tombstone at the head, and the age is the next one's
            assertTrue(low.get(0).cancel(false));
            assertTrue(critical.get(1).cancel(false));
            st = s.status();
            assertEquals(4, st.pending());
            assertEquals(List.of(2, 1, 0, 1), st.levels().stream().map(LevelStatus::pending).toList());
            assertAgesDifferBy(st, Priority.LOW, low.get(1), Priority.CRITICAL, critical.get(0));
            assertAgesDifferBy(st, Priority.LOW, low.get(1), Priority.HIGH, high.get(0));

            gate.release();
            for (TaskHandle<Integer> h : List.of(critical.get(0), critical.get(2), high.get(0), low.get(1))) {
                TestSupport.get(h);
            }
            st = TestSupport.quietStatus(s);
            for (LevelStatus level : st.levels()) {
                assertEquals(0, level.pending(), level.toString());
                assertEquals(Duration.ZERO, level.oldestPendingWait(), level.toString());
            }
        }
    }

    @Test
    void aLevelsAgeGrowsWhileItsOldestTaskWaits() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> gate = new Blocker<>("gate")) {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            submit(s, Priority.NORMAL, 1);
            Duration first = level(s.status(), Priority.NORMAL).oldestPendingWait();
            TestSupport.elapseAtLeast(5);
            Duration later = level(s.status(), Priority.NORMAL).oldestPendingWait();
            assertTrue(later.minus(first).compareTo(Duration.ofMillis(5)) >= 0, first + " then " + later);
        }
    }

    @Test
    void withTaskTimingOffCountsStillHoldAndAgesAreZero() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).taskTiming(false).build();
             Blocker<String> gate = new Blocker<>("gate")) {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            submit(s, Priority.HIGH, 2);
            SchedulerStatus st = s.status();
            assertEquals(List.of(0, 2, 0, 0), st.levels().stream().map(LevelStatus::pending).toList());
            for (LevelStatus level : st.levels()) {
                assertEquals(Duration.ZERO, level.oldestPendingWait(), level.toString());
            }
        }
    }

    @Test
    void withPrioritiesOffThereAreNoLevels() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).enablePriorities(false).build();
             Blocker<String> gate = new Blocker<>("gate")) {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            submit(s, Priority.HIGH, 2);
            SchedulerStatus st = s.status();
            assertEquals(2, st.pending());
            assertEquals(List.of(), st.levels());
            assertTrue(st.level(Priority.HIGH).isEmpty());
        }
    }

    @Test
    void rejectionsAreCountedByReason() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(1).build();
             Blocker<String> gate = new Blocker<>("gate")) {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            s.submit(TaskSpec.of("queued", () -> 1));
            TaskSpec<Integer> extra = TaskSpec.of("extra", () -> 2);
            assertEquals(RejectionReason.QUEUE_FULL,
                    assertThrows(RejectedTaskException.class, () -> s.submit(extra)).reason());
            assertEquals(null, s.trySubmit(extra));
            s.shutdown();
            assertEquals(RejectionReason.SHUTDOWN,
                    assertThrows(RejectedTaskException.class, () -> s.submit(extra)).reason());
            SchedulerStatus st = s.status();
            assertEquals(3, st.rejected());
            assertEquals(2, st.rejectedQueueFull());
            assertEquals(1, st.rejectedShutdown());
        }
    }

    @Test
    void levelFiguresAreValidated() {
        assertEquals("priority must not be null", assertThrows(NullPointerException.class,
                () -> new LevelStatus(null, 0, Duration.ZERO)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new LevelStatus(Priority.LOW, -1, Duration.ZERO)).getMessage().contains("pending"));
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> new LevelStatus(Priority.LOW, 0, Duration.ofNanos(-1))).getMessage()
                .contains("oldestPendingWait"));
        assertThrows(NullPointerException.class, () -> new SchedulerStatus(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                false, 1, 1, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, Duration.ZERO, null));
    }

    private static List<TaskHandle<Integer>> submit(Scheduler s, Priority priority, int n) {
        List<TaskHandle<Integer>> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            handles.add(s.submit(new TaskSpec<>(priority + "-" + i, () -> 1, priority, Map.of())));
        }
        return handles;
    }

    private static LevelStatus level(SchedulerStatus st, Priority priority) {
        return st.level(priority).orElseThrow();
    }

    /** Asserts that {@code older}'s level age exceeds {@code newer}'s by their submit-time gap. */
    private static void assertAgesDifferBy(SchedulerStatus st, Priority olderLevel, TaskHandle<?> older,
                                           Priority newerLevel, TaskHandle<?> newer) {
        Duration gap = Duration.between(older.submittedAt(), newer.submittedAt());
        Duration measured = level(st, olderLevel).oldestPendingWait().minus(level(st, newerLevel).oldestPendingWait());
        assertEquals(gap, measured, olderLevel + " vs " + newerLevel);
    }
}
