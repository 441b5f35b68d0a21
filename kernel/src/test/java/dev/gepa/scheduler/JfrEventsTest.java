package dev.gepa.scheduler;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The flight recorder's events: a recording of a known sequence, dumped to a file and read back
 * with {@code jdk.jfr.consumer}, holds one execution event per task that ran with its fields,
 * one rejection event per refused submit with its reason, and periodic status events. The test
 * runs on the module path, so it also proves that the recorder registers events declared in
 * the kernel's non-exported internal package.
 */
@Timeout(90)
class JfrEventsTest {
    private static final String EXECUTION = "dev.gepa.scheduler.TaskExecution";
    private static final String REJECTED = "dev.gepa.scheduler.TaskRejected";
    private static final String STATUS = "dev.gepa.scheduler.SchedulerStatus";

    @Test
    void aRecordingHoldsExecutionsRejectionsAndStatus() throws Exception {
        Path file = Files.createTempFile("gepa-scheduler-", ".jfr");
        CountDownLatch settledStatus = new CountDownLatch(1);
        TaskHandle<Integer> ok;
        TaskHandle<Integer> bad;
        TaskHandle<Integer> blocker;
        TaskHandle<Integer> pending;
        TaskHandle<Integer> cancelledRun;
        TaskHandle<Integer> untimed;
        try (Recording recording = new Recording();
             RecordingStream watch = new RecordingStream()) {
            recording.enable(EXECUTION);
            recording.enable(REJECTED);
            recording.enable(STATUS).withPeriod(Duration.ofMillis(100));
            recording.start();
            // a second, streamed recording only to learn when a settled status event is out,
            // so the test waits on a latch rather than a guess
            watch.enable(STATUS).withPeriod(Duration.ofMillis(100));
            watch.onEvent(STATUS, e -> {
                if ("jfr-test".equals(e.getString("scheduler")) && e.getLong("completed") == 3
                        && e.getLong("failed") == 1 && e.getLong("rejected") == 1) {
                    settledStatus.countDown();
                }
            });
            watch.startAsync();

            try (Scheduler s = Scheduler.builder().name("jfr-test").maxConcurrent(1).maxQueueSize(1).build();
                 Gate gate = new Gate();
                 Gate running = new Gate()) {
                ok = s.submit(TaskSpec.of("ok", Priority.HIGH, () -> 1));
                TestSupport.get(ok.future());
                bad = s.submit(TaskSpec.of("bad", () -> {
                    throw new IllegalStateException("fails on purpose");
                }));
                assertThrows(ExecutionException.class, () -> TestSupport.get(bad.future()));

                blocker = s.submit(TaskSpec.of("blocker", () -> {
                    gate.pass();
                    return 2;
                }));
                gate.awaitArrivals();
                pending = s.submit(TaskSpec.of("pending", Priority.LOW, () -> 3));
                RejectedTaskException e = assertThrows(RejectedTaskException.class,
                        () -> s.submit(TaskSpec.of("overflow", Priority.CRITICAL, () -> 4)));
                assertEquals(RejectionReason.QUEUE_FULL, e.reason());
                gate.open();
                TestSupport.get(blocker.future());
                TestSupport.get(pending.future());
                TestSupport.await(settledStatus, "a status event with 3 completed, 1 failed, 1 rejected");

                // cancelled while it runs: its carrier records it when the evaluator returns,
                // before the scheduler's close (which waits for the carriers) returns
                cancelledRun = s.submit(TaskSpec.of("cancelled-run", () -> {
                    running.pass();
                    return 5;
                }));
                running.awaitArrivals();
                assertTrue(cancelledRun.cancel(true)); // interrupts it: the gate throws
                running.open();
            }

            Scheduler u = Scheduler.builder().name("jfr-untimed").taskTiming(false).build();
            try (u) {
                untimed = u.submit(TaskSpec.of("untimed", () -> 6));
                TestSupport.get(untimed.future());
            }
            assertNull(u.trySubmit(TaskSpec.of("late", () -> 7)));

            recording.stop();
            recording.dump(file);
        }

        List<RecordedEvent> events;
        try {
            events = RecordingFile.readAllEvents(file);
        } finally {
            Files.deleteIfExists(file);
        }

        Map<String, RecordedEvent> runs = byCandidate(events, EXECUTION);
        assertEquals(6, runs.size(), "execution events: " + runs.keySet());
        assertExecution(runs.get("ok"), "jfr-test", ok, "HIGH", "COMPLETED");
        assertExecution(runs.get("bad"), "jfr-test", bad, "NORMAL", "FAILED");
        assertExecution(runs.get("blocker"), "jfr-test", blocker, "NORMAL", "COMPLETED");
        assertExecution(runs.get("pending"), "jfr-test", pending, "LOW", "COMPLETED");
        assertExecution(runs.get("cancelled-run"), "jfr-test", cancelledRun, "NORMAL", "CANCELLED");
        assertExecution(runs.get("untimed"), "jfr-untimed", untimed, "NORMAL", "COMPLETED");
        // timed: the blocker ran until the gate opened, and "pending" waited behind it
        assertTrue(runs.get("blocker").getDuration("runTime").toNanos() > 0);
        assertTrue(runs.get("pending").getDuration("queueWait").toNanos() > 0);
        assertTrue(runs.get("cancelled-run").getDuration("runTime").toNanos() > 0);
        // untimed: the event still fires, with zero durations
        assertEquals(Duration.ZERO, runs.get("untimed").getDuration("queueWait"));
        assertEquals(Duration.ZERO, runs.get("untimed").getDuration("runTime"));

        Map<String, RecordedEvent> refused = byCandidate(events, REJECTED);
        assertEquals(2, refused.size(), "rejection events: " + refused.keySet());
        RecordedEvent overflow = refused.get("overflow");
        assertEquals("jfr-test", overflow.getString("scheduler"));
        assertEquals("CRITICAL", overflow.getString("priority"));
        assertEquals("QUEUE_FULL", overflow.getString("reason"));
        RecordedEvent late = refused.get("late");
        assertEquals("jfr-untimed", late.getString("scheduler"));
        assertEquals("SHUTDOWN", late.getString("reason"));

        List<RecordedEvent> statuses = events.stream()
                .filter(e -> e.getEventType().getName().equals(STATUS))
                .filter(e -> "jfr-test".equals(e.getString("scheduler")))
                .collect(Collectors.toList());
        assertTrue(statuses.stream().anyMatch(e -> e.getLong("completed") == 3 && e.getLong("failed") == 1
                        && e.getLong("rejected") == 1 && e.getLong("submitted") == 4
                        && e.getInt("running") == 0 && e.getInt("pending") == 0
                        && e.getLong("cancelled") == 0),
                "a settled status event in the file, among " + statuses.size());
        assertEquals("Scheduler Status", statuses.get(0).getEventType().getLabel());
        assertEquals(List.of("gepa-scheduler"), statuses.get(0).getEventType().getCategoryNames());
    }

    /**
     * The status event carries each level's pending count and oldest wait; once a scheduler has
     * terminated, its status events stop while another scheduler's go on.
     */
    @Test
    void statusEventsCarryLevelsAndStopAtTermination() throws Exception {
        CountDownLatch levelsSeen = new CountDownLatch(1);
        CountDownLatch witnessAfterEnd = new CountDownLatch(2);
        AtomicReference<Instant> terminatedAt = new AtomicReference<>();
        List<Instant> lateEvents = new CopyOnWriteArrayList<>();
        try (RecordingStream watch = new RecordingStream()) {
            watch.enable(STATUS).withPeriod(Duration.ofMillis(50));
            watch.onEvent(STATUS, e -> {
                String name = e.getString("scheduler");
                Instant end = terminatedAt.get();
                if ("jfr-levels".equals(name)) {
                    if (e.getInt("pendingLow") == 2 && e.getInt("pendingCritical") == 1
                            && e.getInt("pendingHigh") == 0 && e.getInt("pendingNormal") == 0
                            && e.getDuration("oldestWaitLow").compareTo(e.getDuration("oldestWaitCritical")) >= 0
                            && e.getDuration("oldestWaitNormal").isZero()) {
                        levelsSeen.countDown();
                    }
                    if (end != null && e.getStartTime().isAfter(end)) {
                        lateEvents.add(e.getStartTime());
                    }
                } else if ("jfr-witness".equals(name) && end != null && e.getStartTime().isAfter(end)) {
                    witnessAfterEnd.countDown();
                }
            });
            watch.startAsync();

            try (Scheduler s = Scheduler.builder().name("jfr-levels").maxConcurrent(1).build();
                 Blocker<Integer> gate = new Blocker<>(0)) {
                s.submit(TaskSpec.of("gate", gate));
                gate.awaitStarted();
                s.submit(TaskSpec.of("low-1", Priority.LOW, () -> 1));
                s.submit(TaskSpec.of("low-2", Priority.LOW, () -> 2));
                s.submit(TaskSpec.of("critical", Priority.CRITICAL, () -> 3));
                TestSupport.await(levelsSeen, "a status event with 1 CRITICAL and 2 LOW pending");
            }
            // a margin over the recorder's own clock, which need not agree with Instant.now() to
            // the millisecond; a status event of a scheduler still sampled comes every 50 ms
            terminatedAt.set(Instant.now().plusMillis(20));
            try (Scheduler witness = Scheduler.builder().name("jfr-witness").build()) {
                TestSupport.await(witnessAfterEnd, "two status events of a live scheduler after the other ended");
                assertTrue(witness.status().submitted() >= 0);
            }
        }
        assertEquals(List.of(), lateEvents, "status events of a terminated scheduler");
    }

    private static Map<String, RecordedEvent> byCandidate(List<RecordedEvent> events, String type) {
        return events.stream()
                .filter(e -> e.getEventType().getName().equals(type))
                .filter(e -> String.valueOf(e.getString("scheduler")).startsWith("jfr-"))
                .collect(Collectors.toMap(e -> e.getString("candidateId"), Function.identity()));
    }

    private static void assertExecution(RecordedEvent e, String scheduler, TaskHandle<?> handle,
                                        String priority, String outcome) {
        assertEquals(scheduler, e.getString("scheduler"));
        assertEquals(handle.id(), e.getLong("taskId"));
        assertEquals(handle.candidateId(), e.getString("candidateId"));
        assertEquals(priority, e.getString("priority"));
        assertEquals(outcome, e.getString("outcome"));
        assertTrue(e.getDuration("queueWait").toNanos() >= 0);
        assertTrue(e.getDuration("runTime").toNanos() >= 0);
    }
}
