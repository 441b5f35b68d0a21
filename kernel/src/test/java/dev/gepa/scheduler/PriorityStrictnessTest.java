package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Priority is strict for tasks whose submit has returned (issue 7, item 10): no less urgent task
 * is claimed after a CRITICAL task's submit returned while that CRITICAL task is still waiting,
 * even while other producers are in the middle of their own submits.
 */
@Timeout(60)
class PriorityStrictnessTest {

    /** The scheduler under test: one carrier, strict priority; a subclass may vary it. */
    Scheduler scheduler(int maxQueueSize) {
        return Scheduler.builder().maxConcurrent(1).maxQueueSize(maxQueueSize).build();
    }

    private static final Duration BOUND = Duration.ofSeconds(10);

    /** Proves that with concurrent LOW and CRITICAL producers, every CRITICAL task runs before any LOW one. */
    @Test
    void criticalTasksQueuedConcurrentlyAllRunFirst() throws Exception {
        Scheduler s = scheduler(4096);
        List<Priority> order = new CopyOnWriteArrayList<>();
        try (Gate gate = new Gate()) {
            s.submit(TaskSpec.of("held", () -> {
                gate.pass();
                return 0;
            }));
            gate.awaitArrivals();
            TestSupport.runInParallel("prio", 4, BOUND, i -> {
                Priority p = i % 2 == 0 ? Priority.LOW : Priority.CRITICAL;
                for (int n = 0; n < 500; n++) {
                    s.submit(TaskSpec.of("p", p, () -> order.add(p)));
                }
            });
        }
        TestSupport.awaitCondition("every task ran", () -> order.size() == 2000);
        for (int i = 0; i < 1000; i++) {
            assertEquals(Priority.CRITICAL, order.get(i), "a LOW task ran before a queued CRITICAL one at " + i);
        }
        Bounded.close(s, BOUND);
    }

    /**
     * Proves, while two producers flood LOW tasks and one carrier runs them, that no LOW task is
     * claimed after a CRITICAL task's submit has returned and before that CRITICAL task starts.
     * One carrier claims its next task only after its previous evaluator ended, so a LOW task whose
     * predecessor ended after the CRITICAL submit returned was claimed after it too.
     */
    @Test
    void noLowTaskIsClaimedPastAReturnedCriticalSubmit() throws Exception {
        Scheduler s = scheduler(256);
        AtomicLong clock = new AtomicLong();
        // one object per round, read once by each LOW evaluator: reading the round's figures
        // one by one could mix two rounds and report a violation that never happened
        AtomicReference<Round> current = new AtomicReference<>();
        AtomicLong lastEnd = new AtomicLong(); // clock when the carrier's previous evaluator ended
        AtomicLong violations = new AtomicLong();
        AtomicBoolean flooding = new AtomicBoolean(true);
        Thread[] flooders = new Thread[2];
        for (int f = 0; f < flooders.length; f++) {
            flooders[f] = new Thread(() -> {
                while (flooding.get()) {
                    s.trySubmit(TaskSpec.of("low", Priority.LOW, () -> {
                        Round r = current.get();
                        if (r != null && r.returnedAt != 0 && lastEnd.get() > r.returnedAt && !r.started.get()) {
                            violations.incrementAndGet();
                        }
                        lastEnd.set(clock.incrementAndGet());
                        return 0;
                    }));
                }
            }, "low-flooder-" + f);
            flooders[f].setDaemon(true);
            flooders[f].start();
        }
        try {
            for (int round = 0; round < 300; round++) {
                AtomicBoolean started = new AtomicBoolean();
                TaskSpec<Integer> critical = TaskSpec.of("critical", Priority.CRITICAL, () -> {
                    started.set(true);
                    lastEnd.set(clock.incrementAndGet());
                    return 1;
                });
                TaskHandle<Integer> c;
                while ((c = s.trySubmit(critical)) == null) {
                    Thread.yield(); // the flooders filled the queue
                }
                current.set(new Round(clock.incrementAndGet(), started));
                TestSupport.get(c);
            }
        } finally {
            flooding.set(false);
            for (Thread t : flooders) {
                t.join(BOUND.toMillis());
            }
        }
        assertEquals(0, violations.get(), "LOW tasks claimed while a returned CRITICAL task waited");
        assertTrue(s.status().completed() > 300);
        Bounded.close(s, BOUND);
    }

    /** One round: when its CRITICAL submit returned (on the test's clock), and whether that task started. */
    private record Round(long returnedAt, AtomicBoolean started) { }
}
