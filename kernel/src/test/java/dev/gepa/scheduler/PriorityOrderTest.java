package dev.gepa.scheduler;

import dev.gepa.scheduler.internal.KernelProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.gepa.scheduler.Priority.CRITICAL;
import static dev.gepa.scheduler.Priority.HIGH;
import static dev.gepa.scheduler.Priority.LOW;
import static dev.gepa.scheduler.Priority.NORMAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Dispatch order. The only carrier is held by a gate task that has provably started, so every
 * task of a sequence is pending before the first is dispatched, and the order in which the
 * evaluators then run is asserted exactly.
 */
@Timeout(60)
class PriorityOrderTest {

    private static final Priority[] MIXED = {
        LOW, NORMAL, HIGH, CRITICAL, LOW, CRITICAL, NORMAL, HIGH, HIGH, LOW, CRITICAL, NORMAL
    };

    /** Proves strict CRITICAL > HIGH > NORMAL > LOW dispatch, FIFO within each level. */
    @Test
    void dispatchesStrictlyByPriorityAndFifoWithinALevel() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> gate = new Blocker<>("gate")) {
            s.submit(TaskSpec.of("gate", LOW, gate));
            gate.awaitStarted();
            List<TaskHandle<String>> handles = submitTagged(s, MIXED, ran);
            for (TaskHandle<String> h : handles) {
                assertEquals(TaskState.PENDING, h.state(), h.candidateId());
            }
            gate.release();
            for (TaskHandle<String> h : handles) {
                assertEquals(h.candidateId(), TestSupport.get(h));
            }
            assertEquals(List.of(
                    "CRITICAL-3", "CRITICAL-5", "CRITICAL-10",
                    "HIGH-2", "HIGH-7", "HIGH-8",
                    "NORMAL-1", "NORMAL-6", "NORMAL-11",
                    "LOW-0", "LOW-4", "LOW-9"), ran);
        }
    }

    /** Proves that with priorities off every level shares one FIFO queue in submission order. */
    @Test
    void withPrioritiesDisabledDispatchIsFifoBySubmission() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).enablePriorities(false).build();
             Blocker<String> gate = new Blocker<>("gate")) {
            s.submit(TaskSpec.of("gate", LOW, gate));
            gate.awaitStarted();
            List<TaskHandle<String>> handles = submitTagged(s, MIXED, ran);
            gate.release();
            List<String> submitted = new ArrayList<>();
            for (TaskHandle<String> h : handles) {
                TestSupport.get(h);
                submitted.add(h.candidateId());
            }
            assertEquals(List.of(
                    "LOW-0", "NORMAL-1", "HIGH-2", "CRITICAL-3", "LOW-4", "CRITICAL-5",
                    "NORMAL-6", "HIGH-7", "HIGH-8", "LOW-9", "CRITICAL-10", "NORMAL-11"), ran);
            assertEquals(submitted, ran);
        }
    }

    /** Proves priority is applied at every dispatch: a CRITICAL task submitted late overtakes waiting LOW ones. */
    @Test
    void aLateCriticalTaskOvertakesLowTasksAlreadyWaiting() throws Exception {
        List<String> ran = new CopyOnWriteArrayList<>();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).build();
             Blocker<String> gate = new Blocker<>("gate");
             Blocker<String> firstLow = new Blocker<>("low-1")) {
            s.submit(TaskSpec.of("gate", CRITICAL, gate));
            gate.awaitStarted();
            TaskHandle<String> l1 = s.submit(TaskSpec.of("low-1", LOW, () -> {
                ran.add("low-1");
                return firstLow.call();
            }));
            TaskHandle<String> l2 = s.submit(TaskSpec.of("low-2", LOW, record(ran, "low-2")));
            TaskHandle<String> l3 = s.submit(TaskSpec.of("low-3", LOW, record(ran, "low-3")));
            gate.release();
            firstLow.awaitStarted();
            TaskHandle<String> c = s.submit(TaskSpec.of("critical", CRITICAL, record(ran, "critical")));
            assertEquals(TaskState.PENDING, c.state());
            firstLow.release();
            for (TaskHandle<String> h : List.of(l1, l2, l3, c)) {
                TestSupport.get(h);
            }
            assertEquals(List.of("low-1", "critical", "low-2", "low-3"), ran);
        }
    }

    /**
     * Proves that removing cancelled tasks from the queues (the tombstone purge, which runs once
     * at least max(64, maxQueueSize) tasks were cancelled while pending) keeps the order of the
     * live tasks and never runs a cancelled one.
     */
    @ParameterizedTest(name = "enablePriorities={0}")
    @ValueSource(booleans = {true, false})
    void orderSurvivesTheTombstonePurge(boolean priorities) throws Exception {
        int maxQueueSize = 100;
        SplittableRandom rnd = new SplittableRandom(42);
        List<String> ran = new CopyOnWriteArrayList<>();
        List<TaskHandle<String>> live = new ArrayList<>();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(maxQueueSize)
                .enablePriorities(priorities).build();
             Blocker<String> gate = new Blocker<>("gate")) {
            s.submit(TaskSpec.of("gate", CRITICAL, gate));
            gate.awaitStarted();
            int seq = 0;
            int cancels = 0;
            // Keep the queue full, cancel about 60% of it, refill, until well past the purge threshold.
            while (cancels < 3 * maxQueueSize) {
                while (live.size() < maxQueueSize) {
                    Priority p = Priority.values()[rnd.nextInt(4)];
                    String tag = p + "-" + seq++;
                    live.add(s.submit(TaskSpec.of(tag, p, record(ran, tag))));
                }
                for (int i = live.size() - 1; i >= 0; i--) {
                    if (rnd.nextInt(10) < 6) {
                        TaskHandle<String> victim = live.remove(i);
                        assertTrue(victim.cancel(false), victim::toString);
                        cancels++;
                    }
                }
            }
            int queued = KernelProbe.queuedTaskCount(s);
            assertTrue(queued < seq, "no purge happened: " + queued + " queued of " + seq + " submitted");
            assertEquals(live.size(), s.status().pending());

            List<String> expected = new ArrayList<>();
            List<TaskHandle<String>> byDispatch = new ArrayList<>(live);
            if (priorities) {
                byDispatch.sort(Comparator.comparing(TaskHandle::priority)); // stable: FIFO within a level
            }
            byDispatch.forEach(h -> expected.add(h.candidateId()));
            gate.release();
            for (TaskHandle<String> h : live) {
                TestSupport.get(h);
            }
            assertEquals(expected, ran); // a cancelled task that ran would show up here
            assertEquals(cancels, s.status().cancelled());
        }
    }

    private static List<TaskHandle<String>> submitTagged(Scheduler s, Priority[] levels, List<String> ran) {
        List<TaskHandle<String>> handles = new ArrayList<>();
        for (int i = 0; i < levels.length; i++) {
            String tag = levels[i] + "-" + i;
            handles.add(s.submit(TaskSpec.of(tag, levels[i], record(ran, tag))));
        }
        return handles;
    }

    private static java.util.concurrent.Callable<String> record(List<String> ran, String tag) {
        return () -> {
            ran.add(tag);
            return tag;
        };
    }
}
