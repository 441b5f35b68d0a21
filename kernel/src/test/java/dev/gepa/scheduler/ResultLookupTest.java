package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Results by handle and by id through every state, and bounded result retention. */
@Timeout(60)
class ResultLookupTest {

    /** Proves result(id) and find(id) report Pending, Running, Completed(value), Failed(error), Cancelled and NotFound. */
    @Test
    void resultByIdFollowsEveryState() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("running-value")) {
            TaskHandle<String> running = s.submit(TaskSpec.of("running", blocker));
            blocker.awaitStarted();
            TaskHandle<String> pending = s.submit(TaskSpec.of("pending", () -> "pending-value"));
            TaskHandle<String> cancelled = s.submit(TaskSpec.of("cancelled", () -> "never"));
            IllegalStateException boom = new IllegalStateException("boom");
            TaskHandle<String> failing = s.submit(TaskSpec.of("failing", () -> {
                throw boom;
            }));
            assertTrue(cancelled.cancel(false));

            assertInstanceOf(TaskResult.Running.class, s.result(running.id()));
            assertInstanceOf(TaskResult.Running.class, running.result());
            assertInstanceOf(TaskResult.Pending.class, s.result(pending.id()));
            assertInstanceOf(TaskResult.Pending.class, pending.result());
            assertInstanceOf(TaskResult.Cancelled.class, s.result(cancelled.id()));
            assertInstanceOf(TaskResult.Cancelled.class, cancelled.result());
            assertFalse(s.result(pending.id()).isFinal());
            assertFalse(s.result(running.id()).isFinal());
            assertTrue(s.result(cancelled.id()).isFinal());
            for (TaskHandle<String> h : List.of(running, pending, cancelled, failing)) {
                Optional<TaskHandle<?>> found = s.find(h.id());
                assertTrue(found.isPresent(), h.candidateId());
                assertSame(h, found.get());
            }

            blocker.release();
            TestSupport.get(pending);
            TestSupport.awaitCondition("the failing task to finish", failing::isDone);
            TestSupport.quietStatus(s);
            assertEquals(new TaskResult.Completed<>("running-value"), s.result(running.id()));
            assertEquals(new TaskResult.Completed<>("pending-value"), s.result(pending.id()));
            assertEquals(new TaskResult.Completed<>("pending-value"), pending.result());
            TaskResult.Failed<?> f = assertInstanceOf(TaskResult.Failed.class, s.result(failing.id()));
            assertSame(boom, f.error());
            assertTrue(f.isFinal());

            for (long unknown : new long[] {-1L, Long.MAX_VALUE, Long.MIN_VALUE, running.id() + (1L << 40)}) {
                assertInstanceOf(TaskResult.NotFound.class, s.result(unknown), "id " + unknown);
                assertTrue(s.find(unknown).isEmpty(), "id " + unknown);
                assertFalse(s.result(unknown).isFinal());
            }
        }
    }

    /** Proves retention keeps exactly the newest N finished tasks findable, oldest evicted first, while handles keep their own results. */
    @Test
    void retentionKeepsTheNewestFinishedTasks() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).resultRetention(3).build()) {
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int v = i;
                TaskHandle<Integer> h = s.submit(TaskSpec.of("t" + i, () -> v));
                TestSupport.get(h);
                TestSupport.quietStatus(s); // finished in a known order
                handles.add(h);
            }
            for (int i = 0; i < 2; i++) {
                TaskHandle<Integer> h = handles.get(i);
                assertInstanceOf(TaskResult.NotFound.class, s.result(h.id()), "t" + i + " should be evicted");
                assertTrue(s.find(h.id()).isEmpty());
            }
            for (int i = 2; i < 5; i++) {
                TaskHandle<Integer> h = handles.get(i);
                assertEquals(new TaskResult.Completed<>(i), s.result(h.id()), "t" + i + " should be retained");
                assertSame(h, s.find(h.id()).orElseThrow());
            }
            for (int i = 0; i < 5; i++) {
                assertEquals(new TaskResult.Completed<>(i), handles.get(i).result());
                assertEquals(i, handles.get(i).future().getNow(-1));
            }
        }
    }

    /** Proves cancelled and failed tasks take their turn in retention like completed ones. */
    @Test
    void cancelledAndFailedTasksAreRetainedInFinishingOrder() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).resultRetention(2).build();
             Blocker<String> blocker = new Blocker<>("blocker")) {
            TaskHandle<String> completed = s.submit(TaskSpec.of("completed", () -> "v"));
            TestSupport.get(completed);
            TestSupport.quietStatus(s);
            TaskHandle<String> failed = s.submit(TaskSpec.of("failed", () -> {
                throw new IllegalStateException("x");
            }));
            TestSupport.awaitCondition("failed to finish", failed::isDone);
            TestSupport.quietStatus(s);
            TaskHandle<String> holder = s.submit(TaskSpec.of("blocker", blocker));
            blocker.awaitStarted();
            TaskHandle<String> cancelled = s.submit(TaskSpec.of("cancelled", () -> "never"));
            assertTrue(cancelled.cancel(false));
            assertInstanceOf(TaskResult.NotFound.class, s.result(completed.id()));
            assertInstanceOf(TaskResult.Failed.class, s.result(failed.id()));
            assertInstanceOf(TaskResult.Cancelled.class, s.result(cancelled.id()));
            assertInstanceOf(TaskResult.Running.class, s.result(holder.id()));
        }
    }

    /** Proves resultRetention(0) forgets a task as soon as it finishes, though its handle still holds the result. */
    @Test
    void zeroRetentionForgetsFinishedTasksAtOnce() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).resultRetention(0).build();
             Blocker<String> blocker = new Blocker<>("value")) {
            TaskHandle<String> h = s.submit(TaskSpec.of("t", blocker));
            blocker.awaitStarted();
            assertInstanceOf(TaskResult.Running.class, s.result(h.id()));
            assertSame(h, s.find(h.id()).orElseThrow());
            TaskHandle<String> p = s.submit(TaskSpec.of("p", () -> "p"));
            assertInstanceOf(TaskResult.Pending.class, s.result(p.id()));
            blocker.release();
            TestSupport.get(p);
            TestSupport.quietStatus(s);
            for (TaskHandle<String> done : List.of(h, p)) {
                assertInstanceOf(TaskResult.NotFound.class, s.result(done.id()));
                assertTrue(s.find(done.id()).isEmpty());
                assertInstanceOf(TaskResult.Completed.class, done.result());
            }
            assertEquals(new TaskResult.Completed<>("value"), h.result());
        }
    }

    /** Proves ids are never reused: after eviction an old id stays NotFound although its table slot is reused many times. */
    @Test
    void staleIdsStayNotFoundWhileSlotsAreReused() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(1).resultRetention(1).build()) {
            List<Long> ids = new ArrayList<>();
            Set<Long> distinct = new HashSet<>();
            for (int i = 0; i < 60; i++) {
                int v = i;
                TaskHandle<Integer> h = s.submit(TaskSpec.of("t" + i, () -> v));
                TestSupport.get(h);
                TestSupport.quietStatus(s);
                ids.add(h.id());
                assertTrue(distinct.add(h.id()), "id " + h.id() + " issued twice");
                assertEquals(new TaskResult.Completed<>(i), s.result(h.id()));
                for (int old = 0; old < i; old++) {
                    assertInstanceOf(TaskResult.NotFound.class, s.result(ids.get(old)),
                            "t" + old + " found again after t" + i);
                }
            }
        }
    }

    /** Proves a handle's timestamps are ordered and present exactly when they happened. */
    @Test
    void handleTimestampsFollowTheLifecycle() throws Exception {
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> blocker = new Blocker<>("value")) {
            Instant before = Instant.now();
            TaskHandle<String> h = s.submit(TaskSpec.of("t", blocker));
            blocker.awaitStarted();
            TaskHandle<String> pending = s.submit(TaskSpec.of("p", () -> "p"));
            assertTrue(pending.startedAt().isEmpty());
            assertTrue(pending.finishedAt().isEmpty());
            assertTrue(h.startedAt().isPresent());
            assertTrue(h.finishedAt().isEmpty());
            assertTrue(pending.cancel(false));
            assertTrue(pending.startedAt().isEmpty(), "a task cancelled while pending never started");
            assertTrue(pending.finishedAt().isPresent());
            blocker.release();
            TestSupport.get(h);
            Instant submitted = h.submittedAt();
            Instant started = h.startedAt().orElseThrow();
            Instant finished = h.finishedAt().orElseThrow();
            assertFalse(started.isBefore(submitted));
            assertFalse(finished.isBefore(started));
            // the kernel's clock is monotonic time anchored at build; allow a generous skew against the wall clock
            assertFalse(submitted.isBefore(before.minusSeconds(5)), submitted + " vs " + before);
        }
    }
}
