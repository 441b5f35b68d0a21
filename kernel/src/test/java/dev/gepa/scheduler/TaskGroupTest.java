package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Groups: admitted all or none, cancelled, counted and awaited as one. */
@Timeout(60)
class TaskGroupTest {

    @Test
    void aGroupIsAdmittedWholeOrNotAtAll() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(3).build();
             Blocker<Integer> gate = new Blocker<>(0)) {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            s.submit(TaskSpec.of("queued", () -> 1));
            SchedulerStatus before = s.status();

            List<TaskSpec<Integer>> three = specs("g", 3);
            RejectedTaskException e = assertThrows(RejectedTaskException.class, () -> s.submitAll(three));
            assertEquals(RejectionReason.QUEUE_FULL, e.reason());
            assertTrue(e.getMessage().contains("group of 3") && e.getMessage().contains("g-0"), e.getMessage());
            assertNull(s.trySubmitAll(three));
            SchedulerStatus after = s.status();
            assertEquals(before.pending(), after.pending());
            assertEquals(before.submitted(), after.submitted());
            assertEquals(6, after.rejected(), "every member of each refused group counts");
            assertEquals(6, after.rejectedQueueFull());

            TaskGroup<Integer> two = s.submitAll(specs("fits", 2));
            assertEquals(2, two.size());
            assertEquals(3, s.status().pending());
            assertNull(s.trySubmitAll(specs("late", 1)));
            gate.release();
            List<TaskResult<Integer>> results = TestSupport.get(two.whenAllDone());
            assertEquals(List.of(new TaskResult.Completed<>(0), new TaskResult.Completed<>(1)), results);
            assertTrue(two.isDone());
        }
    }

    @Test
    void membersRunByPriorityThenInListOrder() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<Integer> gate = new Blocker<>(0)) {
            s.submit(TaskSpec.of("gate", Priority.CRITICAL, gate));
            gate.awaitStarted();
            List<TaskSpec<String>> specs = new ArrayList<>();
            for (String name : List.of("low-a", "high-a", "low-b", "critical-a", "high-b")) {
                Priority p = Priority.valueOf(name.substring(0, name.indexOf('-')).toUpperCase());
                specs.add(new TaskSpec<>(name, () -> {
                    ran.add(name);
                    return name;
                }, p, Map.of()));
            }
            TaskGroup<String> group = s.submitAll(specs);
            assertEquals(specs.stream().map(TaskSpec::candidateId).toList(),
                    group.members().stream().map(TaskHandle::candidateId).toList());
            gate.release();
            TestSupport.get(group.whenAllDone());
            assertEquals(List.of("critical-a", "high-a", "high-b", "low-a", "low-b"), ran);
        }
    }

    @Test
    void cancellingASupersededGenerationFreesItsPlacesAtOnce() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(3).build();
             Blocker<Integer> gate = new Blocker<>(0)) {
            s.submit(TaskSpec.of("gate", gate));
            gate.awaitStarted();
            TaskGroup<Integer> old = s.submitAll(specs("old", 3));
            assertEquals(3, old.countByState().get(TaskState.PENDING));

            assertEquals(3, old.cancel(false));
            assertEquals(0, s.status().pending());
            assertEquals(Map.of(TaskState.PENDING, 0, TaskState.RUNNING, 0, TaskState.COMPLETED, 0,
                    TaskState.FAILED, 0, TaskState.CANCELLED, 3), old.countByState());
            assertTrue(old.isDone());
            assertEquals(Collections.nCopies(3, new TaskResult.Cancelled<Integer>()),
                    TestSupport.get(old.whenAllDone()));
            assertEquals(0, old.cancel(true), "nothing left to cancel");

            TaskGroup<Integer> next = s.submitAll(specs("next", 3)); // the freed places, at once
            gate.release();
            assertEquals(3, TestSupport.get(next.whenAllDone()).size());
        }
    }

    @Test
    void cancelInterruptsRunningMembersOnlyWhenAllowed() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<Integer> running = new Blocker<>(7)) {
            List<TaskSpec<Integer>> specs = new ArrayList<>();
            specs.add(TaskSpec.of("running", running));
            specs.add(TaskSpec.of("waiting", () -> 8));
            TaskGroup<Integer> group = s.submitAll(specs);
            running.awaitStarted();
            var dependent = group.whenAllDone();
            assertTrue(dependent.cancel(true));
            assertThrows(CancellationException.class, dependent::join);
            assertFalse(group.isDone(), "cancelling a dependent future leaves the group alone");

            assertEquals(1, group.cancel(false), "only the pending member");
            assertEquals(TaskState.RUNNING, group.members().get(0).state());
            assertFalse(group.isDone());
            assertEquals(1, group.cancel(true));
            List<TaskResult<Integer>> results = TestSupport.get(group.whenAllDone());
            assertEquals(List.of(new TaskResult.Cancelled<Integer>(), new TaskResult.Cancelled<Integer>()), results);
            // final (and its future done) at the cancel; the evaluator sees the interrupt after
            TestSupport.awaitCondition("the running member sees the interrupt", running::wasInterrupted);
        }
    }

    @Test
    void whenAllDoneCarriesEveryOutcomeAndNeverFails() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(2).build()) {
            IllegalStateException boom = new IllegalStateException("fails on purpose");
            List<TaskSpec<Integer>> specs = List.of(TaskSpec.of("ok", () -> 1),
                    TaskSpec.of("bad", () -> {
                        throw boom;
                    }));
            TaskGroup<Integer> group = s.submitAll(specs);
            List<TaskResult<Integer>> results = TestSupport.get(group.whenAllDone());
            assertEquals(new TaskResult.Completed<>(1), results.get(0));
            assertSame(boom, assertInstanceOf(TaskResult.Failed.class, results.get(1)).error());
            Map<TaskState, Integer> counts = group.countByState();
            assertEquals(1, counts.get(TaskState.COMPLETED));
            assertEquals(1, counts.get(TaskState.FAILED));
        }
    }

    @Test
    void badGroupsAreRefusedByNameAndChangeNothing() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(2).build()) {
            SchedulerStatus before = s.status();
            assertEquals("specs must not be null",
                    assertThrows(NullPointerException.class, () -> s.submitAll(null)).getMessage());
            assertEquals("specs must not be empty",
                    assertThrows(IllegalArgumentException.class, () -> s.trySubmitAll(List.<TaskSpec<Integer>>of())).getMessage());
            assertEquals("specs[1] must not be null", assertThrows(NullPointerException.class,
                    () -> s.submitAll(Arrays.asList(TaskSpec.of("a", () -> 1), null))).getMessage());
            String tooMany = assertThrows(IllegalArgumentException.class, () -> s.submitAll(specs("x", 3))).getMessage();
            assertTrue(tooMany.contains("maxQueueSize") && tooMany.contains("3"), tooMany);
            SchedulerStatus after = s.status();
            assertEquals(before.submitted(), after.submitted());
            assertEquals(0, after.rejected());
            assertEquals(0, after.pending());

            s.shutdown();
            assertEquals(RejectionReason.SHUTDOWN,
                    assertThrows(RejectedTaskException.class, () -> s.submitAll(specs("y", 1))).reason());
            assertNull(s.trySubmitAll(specs("y", 1)));
            assertEquals(2, s.status().rejectedShutdown());
        }
    }

    @Test
    void groupsOfSeparateHandlesAreValidated() throws Exception {
        assertEquals("members must not be null",
                assertThrows(NullPointerException.class, () -> TaskGroup.of(null)).getMessage());
        assertEquals("members must not be empty", assertThrows(IllegalArgumentException.class,
                () -> TaskGroup.of(List.<TaskHandle<Integer>>of())).getMessage());
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build()) {
            TaskHandle<Integer> a = s.submit(TaskSpec.of("a", () -> 1));
            assertEquals("members[1] must not be null", assertThrows(NullPointerException.class,
                    () -> TaskGroup.of(Arrays.asList(a, null))).getMessage());
            TaskHandle<Integer> b = s.submit(TaskSpec.of("b", () -> 2));
            TaskGroup<Integer> group = TaskGroup.of(List.of(a, b));
            assertEquals(List.of(new TaskResult.Completed<>(1), new TaskResult.Completed<>(2)),
                    TestSupport.get(group.whenAllDone()));
        }
    }

    private static List<TaskSpec<Integer>> specs(String prefix, int n) {
        List<TaskSpec<Integer>> specs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int value = i;
            specs.add(TaskSpec.of(prefix + "-" + i, () -> value));
        }
        return specs;
    }
}
