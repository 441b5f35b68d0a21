package dev.gepa.scheduler;

import dev.gepa.scheduler.internal.KernelProbe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Cancel stays cheap at any depth (issue 7, item 5): cancelling 100k pending tasks costs time
 * linear in their number, whatever their order, and leaves the queue and the id table holding
 * only what is live; cancel storms racing submits and carriers wedge nothing. The time bounds are
 * loose (a quadratic purge takes minutes here, a linear one well under a second): they catch the
 * shape, not the speed.
 */
@Timeout(120)
class CancelDepthTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final int DEEP = 100_000;

    /** Proves 100k pending cancels, newest first and oldest first, take seconds at most and leave no entry. */
    @Test
    void cancellingADeepQueueIsLinear() throws Exception {
        Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(2 * DEEP).resultRetention(16).build();
        AtomicLong ran = new AtomicLong();
        try (Gate gate = new Gate()) {
            TaskHandle<Long> held = s.submit(TaskSpec.of("held", () -> {
                gate.pass();
                return 0L;
            }));
            gate.awaitArrivals();
            TaskSpec<Long> spec = TaskSpec.of("deep", ran::incrementAndGet);
            for (int pass = 0; pass < 2; pass++) {
                List<TaskHandle<Long>> queued = new ArrayList<>(DEEP);
                for (int i = 0; i < DEEP; i++) {
                    queued.add(s.submit(spec));
                }
                long worst = 0;
                long t0 = System.nanoTime();
                for (int i = 0; i < DEEP; i++) {
                    TaskHandle<Long> h = queued.get(pass == 0 ? DEEP - 1 - i : i);
                    long c0 = System.nanoTime();
                    assertTrue(h.cancel(false));
                    worst = Math.max(worst, System.nanoTime() - c0);
                }
                long total = System.nanoTime() - t0;
                long worstFinal = worst;
                assertTrue(total < TimeUnit.SECONDS.toNanos(10), () -> DEEP + " cancels took "
                        + TimeUnit.NANOSECONDS.toMillis(total) + " ms (worst single cancel "
                        + TimeUnit.NANOSECONDS.toMillis(worstFinal) + " ms): not linear");
                assertTrue(worst < TimeUnit.SECONDS.toNanos(2), () -> "one cancel took "
                        + TimeUnit.NANOSECONDS.toMillis(worstFinal) + " ms with " + DEEP + " queued");
                assertEquals(0, s.status().pending());
            }
            gate.open();
            TestSupport.get(held);
        }
        SchedulerStatus st = TestSupport.quietStatus(s);
        assertEquals(0, ran.get(), "a cancelled task ran");
        assertEquals(2L * DEEP, st.cancelled());
        assertEquals(st.submitted(), st.finished());
        // one more task makes a carrier take the role and drop what tombstones remain
        TestSupport.get(s.submit(TaskSpec.of("after", () -> 1L)));
        TestSupport.quietStatus(s);
        assertTrue(KernelProbe.queuedTaskCount(s) <= 64, () -> "queue entries left: " + KernelProbe.queuedTaskCount(s));
        assertTrue(KernelProbe.slotsInUse(s) <= 16 + 64, () -> "id-table slots still held: " + KernelProbe.slotsInUse(s));
        Bounded.close(s, BOUND);
    }

    /**
     * Proves cancel storms racing submits and running carriers wedge nothing: two submitters, two
     * cancellers (pending and running cancels alike), two carriers; afterwards every task is
     * final, the counters balance, and close() returns.
     */
    @Test
    void cancelStormsRacingSubmitsDoNotWedge() throws Exception {
        Scheduler s = Scheduler.builder().maxConcurrent(2).maxQueueSize(512).resultRetention(64).build();
        ConcurrentLinkedQueue<TaskHandle<Integer>> live = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<TaskHandle<Integer>> all = new ConcurrentLinkedQueue<>();
        AtomicBoolean submitting = new AtomicBoolean(true);
        AtomicLong submittersLeft = new AtomicLong(2);
        int perSubmitter = 40_000;
        TestSupport.runInParallel("storm", 4, Duration.ofSeconds(60), i -> {
            if (i < 2) {
                try {
                    for (int n = 0; n < perSubmitter; n++) {
                        int v = n;
                        TaskHandle<Integer> h = s.trySubmit(TaskSpec.of("storm", () -> v));
                        if (h != null) {
                            live.add(h);
                            all.add(h);
                        } else {
                            Thread.yield();
                        }
                    }
                } finally {
                    if (submittersLeft.decrementAndGet() == 0) {
                        submitting.set(false);
                    }
                }
            } else {
                boolean interrupt = i == 3;
                while (submitting.get() || !live.isEmpty()) {
                    TaskHandle<Integer> h = live.poll();
                    if (h != null) {
                        h.cancel(interrupt);
                    }
                }
            }
        });
        for (TaskHandle<Integer> h : all) {
            try {
                h.future().get(BOUND.toSeconds(), TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new AssertionError(h + " never ended after the storm: " + s.status());
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
                // cancelled
            }
        }
        SchedulerStatus st = TestSupport.quietStatus(s);
        assertEquals(all.size(), st.submitted());
        assertEquals(st.submitted(), st.finished(), () -> "counters do not balance: " + st);
        Bounded.close(s, BOUND);
    }
}
