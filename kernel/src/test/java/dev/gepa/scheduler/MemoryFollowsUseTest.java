package dev.gepa.scheduler;

import dev.gepa.scheduler.internal.KernelProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Memory follows use, not configuration (issue 7, item 9). A scheduler built for the largest
 * queue and retention the builder accepts is small until it is used; results and evaluators of
 * finished tasks become garbage once retention has evicted them; and after a burst the heap the
 * scheduler holds falls back near where it was before the burst.
 *
 * <p>Heap figures are read after {@code System.gc()} (a full collection on the default collector),
 * the least of a few reads; the bounds leave a wide margin for what else the test JVM holds.
 */
@Timeout(120)
class MemoryFollowsUseTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    private static long usedAfterGc() {
        long least = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Runtime rt = Runtime.getRuntime();
            least = Math.min(least, rt.totalMemory() - rt.freeMemory());
        }
        return least;
    }

    /** Proves four schedulers at the largest bound and retention hold a few MB between them, not hundreds. */
    @Test
    void theLargestConfigurationIsSmallWhileIdle() throws Exception {
        long before = usedAfterGc();
        List<Scheduler> built = new ArrayList<>();
        try {
            for (int i = 0; i < 4; i++) {
                built.add(Scheduler.builder().maxConcurrent(1).maxQueueSize(1 << 24).resultRetention(1 << 24).build());
            }
            long held = usedAfterGc() - before;
            assertTrue(held < 32L << 20, () -> "four idle schedulers at the largest configuration hold "
                    + (held >> 20) + " MB");
            for (Scheduler s : built) {
                assertEquals(Integer.valueOf(1), TestSupport.get(s.submit(TaskSpec.of("one", () -> 1))));
                assertTrue(KernelProbe.tableSegments(s) <= 1, () -> "id-table segments: " + KernelProbe.tableSegments(s));
            }
        } finally {
            for (Scheduler s : built) {
                Bounded.close(s, BOUND);
            }
        }
    }

    /** Proves the results and evaluators of evicted tasks are collected once no handle is held. */
    @Test
    void evictedResultsAndEvaluatorsAreCollected() throws Exception {
        int retention = 100;
        Scheduler s = Scheduler.builder().maxConcurrent(2).maxQueueSize(1000).resultRetention(retention).build();
        List<WeakReference<Object>> results = new ArrayList<>();
        List<WeakReference<Object>> evaluators = new ArrayList<>();
        submitWatched(s, 500, results, evaluators);
        // 2 * retention later tasks evict every watched one from retention
        List<TaskHandle<Integer>> later = new ArrayList<>();
        for (int i = 0; i < 2 * retention; i++) {
            later.add(s.submit(TaskSpec.of("later", () -> 0)));
        }
        for (TaskHandle<Integer> h : later) {
            TestSupport.get(h);
        }
        TestSupport.quietStatus(s);
        awaitCollected(results, "results of evicted tasks");
        awaitCollected(evaluators, "evaluators of evicted tasks");
        Bounded.close(s, BOUND);
    }

    /** Submits watched tasks whose result and evaluator are only weakly referenced here; waits for them. */
    private static void submitWatched(Scheduler s, int n, List<WeakReference<Object>> results,
                                      List<WeakReference<Object>> evaluators) throws Exception {
        List<TaskHandle<Object>> handles = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Object result = new byte[1024];
            results.add(new WeakReference<>(result));
            Callable<Object> evaluator = new Callable<>() {
                private Object payload = result;

                @Override
                public Object call() {
                    Object r = payload;
                    payload = null; // the task alone holds the result from here on
                    return r;
                }
            };
            evaluators.add(new WeakReference<>(evaluator));
            handles.add(s.submit(TaskSpec.of("watched", evaluator)));
        }
        for (TaskHandle<Object> h : handles) {
            TestSupport.get(h);
        }
    }

    private static void awaitCollected(List<WeakReference<Object>> refs, String what) {
        for (int attempt = 0; attempt < 10; attempt++) {
            System.gc();
            if (refs.stream().allMatch(r -> r.get() == null)) {
                return;
            }
        }
        long left = refs.stream().filter(r -> r.get() != null).count();
        fail(left + " of " + refs.size() + " " + what + " are still reachable after 10 collections");
    }

    /**
     * Proves that after a burst of 200k queued tasks has run and been evicted, the heap the
     * scheduler holds falls back to within 512 KB of what it held before the burst (queue chunks,
     * backlogs and id-table segments shrink with use; the segments once a carrier is idle).
     */
    @Test
    void heapFallsBackAfterABurst() throws Exception {
        int burst = 200_000;
        Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(1 << 18).resultRetention(64).build();
        TestSupport.get(s.submit(TaskSpec.of("warm", () -> 0)));
        TestSupport.quietStatus(s);
        long before = usedAfterGc();
        try (Gate gate = new Gate()) {
            s.submit(TaskSpec.of("held", () -> {
                gate.pass();
                return 0;
            }));
            gate.awaitArrivals();
            TaskSpec<Integer> spec = TaskSpec.of("burst", () -> 1);
            for (int i = 0; i < burst; i++) {
                TaskHandle<Integer> h = s.submit(spec);
                if (i % 2 == 0) {
                    h.cancel(false); // tombstones too, so that the purge fills the backlogs
                }
            }
        }
        TestSupport.awaitCondition("the burst has run", () -> s.status().finished() >= burst + 2L);
        TestSupport.quietStatus(s);
        for (int i = 0; i < 256; i++) { // a trickle after the burst, as a lightly used scheduler sees
            TestSupport.get(s.submit(TaskSpec.of("trickle", () -> 2)));
        }
        TestSupport.quietStatus(s);
        // the idle carrier gives the segments back before it parks, a step at a time
        TestSupport.awaitCondition("the id table is back to one segment", () -> KernelProbe.tableSegments(s) <= 1);
        long after = usedAfterGc();
        long grew = after - before;
        int segments = KernelProbe.tableSegments(s);
        assertTrue(grew < 512L << 10, () -> "after a burst of " + burst + " the scheduler holds " + (grew >> 10)
                + " KB more than before it (id-table segments: " + segments + ")");
        Bounded.close(s, BOUND);
    }
}
