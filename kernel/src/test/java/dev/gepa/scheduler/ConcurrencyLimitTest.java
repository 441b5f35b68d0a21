package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The slot limit: never more than maxConcurrent evaluators at once, and all of them usable. */
@Timeout(60)
class ConcurrencyLimitTest {

    private static final int PRODUCERS = 4;
    private static final int TASKS_PER_PRODUCER = 5_000;

    /**
     * Proves that maxConcurrent evaluators do run at once (they all reach a gate together) and
     * that, under load from several producers, no more than maxConcurrent ever run at once.
     */
    @ParameterizedTest(name = "maxConcurrent={0}")
    @ValueSource(ints = {1, 2, 3, 4})
    void neverRunsMoreThanMaxConcurrentEvaluators(int maxConcurrent) throws Exception {
        AtomicInteger current = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        CarrierThreads carriers = new CarrierThreads("limit");
        Set<Thread> evaluatorThreads = ConcurrentHashMap.newKeySet();
        try (Scheduler s = Scheduler.builder().maxConcurrent(maxConcurrent).maxQueueSize(256)
                .threadFactory(carriers).build();
             Gate gate = new Gate(maxConcurrent)) {
            // Phase 1: fill every slot and prove it.
            List<TaskHandle<Integer>> fillers = new ArrayList<>();
            for (int i = 0; i < maxConcurrent; i++) {
                fillers.add(s.submit(TaskSpec.of("filler-" + i, () -> {
                    enter(current, peak, evaluatorThreads);
                    try {
                        gate.pass();
                    } finally {
                        current.decrementAndGet();
                    }
                    return 0;
                })));
            }
            gate.awaitArrivals();
            assertEquals(maxConcurrent, current.get());
            assertEquals(maxConcurrent, s.status().running());
            AtomicBoolean extraRan = new AtomicBoolean();
            TaskHandle<Integer> extra = s.submit(TaskSpec.of("extra", () -> {
                extraRan.set(true);
                return 0;
            }));
            assertEquals(TaskState.PENDING, extra.state());
            assertFalse(extraRan.get());
            gate.open();
            for (TaskHandle<Integer> h : fillers) {
                TestSupport.get(h);
            }
            TestSupport.get(extra);

            // Phase 2: several producers, many short evaluators.
            List<TaskHandle<Integer>> all = new CopyOnWriteArrayList<>();
            AtomicLong rejected = new AtomicLong();
            TestSupport.runInParallel("producer", PRODUCERS, TestSupport.TIMEOUT, p -> {
                List<TaskHandle<Integer>> mine = new ArrayList<>();
                for (int i = 0; i < TASKS_PER_PRODUCER; i++) {
                    TaskSpec<Integer> spec = TaskSpec.of("load", Priority.values()[i & 3], () -> {
                        enter(current, peak, evaluatorThreads);
                        for (int spin = 0; spin < 100; spin++) {
                            Thread.onSpinWait();
                        }
                        current.decrementAndGet();
                        return 1;
                    });
                    TaskHandle<Integer> h;
                    while ((h = s.trySubmit(spec)) == null) {
                        rejected.incrementAndGet();
                        Thread.yield();
                    }
                    mine.add(h);
                }
                all.addAll(mine);
            });
            assertEquals(PRODUCERS * TASKS_PER_PRODUCER, all.size());
            for (TaskHandle<Integer> h : all) {
                assertEquals(1, TestSupport.get(h));
            }
            assertEquals(maxConcurrent, peak.get(), "peak concurrency");
            assertTrue(carriers.threads().containsAll(evaluatorThreads), "an evaluator ran off the carriers");
            assertTrue(evaluatorThreads.size() <= maxConcurrent, "evaluators ran on " + evaluatorThreads.size() + " threads");
            SchedulerStatus st = TestSupport.quietStatus(s);
            assertEquals(PRODUCERS * TASKS_PER_PRODUCER + maxConcurrent + 1L, st.completed());
            assertEquals(rejected.get(), st.rejected());
        }
    }

    /** Proves that tasks filling all slots run on distinct carriers made by the configured factory. */
    @Test
    void busySlotsRunOnDistinctCarriers() throws Exception {
        int n = 4;
        CarrierThreads carriers = new CarrierThreads("balance");
        List<Blocker<Integer>> blockers = new ArrayList<>();
        try (Scheduler s = Scheduler.builder().maxConcurrent(n).threadFactory(carriers).build()) {
            try {
                for (int i = 0; i < n; i++) {
                    Blocker<Integer> b = new Blocker<>(i);
                    blockers.add(b);
                    s.submit(TaskSpec.of("b" + i, b));
                }
                Set<Thread> used = ConcurrentHashMap.newKeySet();
                for (Blocker<Integer> b : blockers) {
                    b.awaitStarted();
                    used.add(b.thread());
                }
                assertEquals(n, used.size());
                assertEquals(Set.copyOf(carriers.threads()), used);
                assertEquals(1.0, s.status().capacity());
            } finally {
                blockers.forEach(Blocker::release);
            }
        }
    }

    private static void enter(AtomicInteger current, AtomicInteger peak, Set<Thread> threads) {
        int now = current.incrementAndGet();
        peak.accumulateAndGet(now, Math::max);
        threads.add(Thread.currentThread());
    }
}
