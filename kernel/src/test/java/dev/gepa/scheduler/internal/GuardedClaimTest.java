package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.TaskSpec;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The starvation guard's claim ({@code Inboxes.claimGuarded}), driven directly: one thread
 * submits, cancels and plays the only carrier of a core without carriers, so the order of the
 * claims is the claim's alone. Random (seeded) sequences of submits at every level, most of
 * them cancelled at once: enough tombstones for the purge to move the queues into the backlogs
 * at a take, and tasks submitted after that queue behind the backlogs, in the inboxes.
 */
@Timeout(60)
class GuardedClaimTest {

    private static final Duration BOUND = Duration.ofMillis(300);
    private static final int MAX_QUEUE_SIZE = 64; // purge threshold: 64 tombstones

    /**
     * Proves that with the guard on and nothing overdue the claims come in exactly the strict
     * order: a guarded core and a strict one, fed the same sequence, claim the same tasks.
     */
    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void withNothingOverdueTheClaimsAreTheStrictOnes(long seed) {
        SchedulerCore strict = core(null);
        SchedulerCore guarded = core(Duration.ofDays(365));
        List<String> strictOrder = new ArrayList<>();
        List<String> guardedOrder = new ArrayList<>();
        for (int round = 0; round < 4; round++) {
            submitBatch(strict, new SplittableRandom(seed * 31 + round), "r" + round, 100, 70);
            submitBatch(guarded, new SplittableRandom(seed * 31 + round), "r" + round, 100, 70);
            // take part of the queue only: the next round's tasks queue behind backlogs
            takeSome(strict, 25, strictOrder);
            takeSome(guarded, 25, guardedOrder);
        }
        takeSome(strict, Integer.MAX_VALUE, strictOrder);
        takeSome(guarded, Integer.MAX_VALUE, guardedOrder);
        assertTrue(strictOrder.size() > 30, "too few live tasks to prove anything: " + strictOrder.size());
        assertEquals(strictOrder, guardedOrder);
    }

    /**
     * Proves the overdue tasks are claimed first, oldest first whatever their levels (a tie in
     * submit time goes to the more urgent level), then the fresh ones by priority, FIFO within
     * a level, whether they wait in a backlog (queued before the purge) or an inbox (after).
     */
    @ParameterizedTest(name = "seed={0}")
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void overdueTasksAreClaimedOldestFirstThenFreshOnesByPriority(long seed) throws InterruptedException {
        SchedulerCore core = core(BOUND);
        SplittableRandom rnd = new SplittableRandom(seed);
        List<Task<?>> overdue = submitBatch(core, rnd, "old", 100, 70); // about 70 tombstones
        elapseAtLeast(BOUND.toMillis() + 1);
        long freshFrom = System.nanoTime();
        List<Task<?>> fresh = submitBatch(core, rnd, "new", 15, 30);
        assertTrue(overdue.size() >= 5 && fresh.size() >= 5, "too few live tasks to prove anything");

        List<String> claimed = new ArrayList<>();
        takeSome(core, 1, claimed); // purges (at least 64 tombstones): every queue into its backlog
        fresh.addAll(submitBatch(core, rnd, "newer", 15, 30)); // into the inboxes, behind the backlogs
        takeSome(core, Integer.MAX_VALUE, claimed);
        long lastClaimDone = System.nanoTime();

        List<String> expected = new ArrayList<>();
        overdue.stream()
                .sorted(Comparator.<Task<?>>comparingLong(t -> t.submittedNanos - freshFrom)
                        .thenComparing(t -> t.spec.priority())) // stable: FIFO within a level
                .forEach(t -> expected.add(t.candidateId()));
        fresh.stream()
                .sorted(Comparator.comparing(t -> t.spec.priority()))
                .forEach(t -> expected.add(t.candidateId()));
        assumeTrue(lastClaimDone - freshFrom <= BOUND.toNanos(),
                "the machine stalled: a fresh task may have turned overdue before its claim");
        assertEquals(expected, claimed);
    }

    private static SchedulerCore core(Duration bound) {
        return SchedulerCore.createWithoutCarriers(
                new SchedulerConfig(1, MAX_QUEUE_SIZE, true, 0.8, null, null, 0, true, bound));
    }

    /**
     * Submits {@code count} tasks at random levels, cancelling about {@code cancelPercent} of
     * them at once; returns the live ones in submission order.
     */
    private static List<Task<?>> submitBatch(SchedulerCore core, SplittableRandom rnd, String prefix,
                                             int count, int cancelPercent) {
        List<Task<?>> live = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Priority p = Priority.values()[rnd.nextInt(4)];
            Task<?> t = (Task<?>) core.trySubmit(TaskSpec.of(prefix + "-" + i + "-" + p, p, () -> "ran"));
            assertNotNull(t, "refused: the fixture's pending tasks must stay under the queue bound");
            if (rnd.nextInt(100) < cancelPercent) {
                assertTrue(t.cancel(false));
            } else {
                live.add(t);
            }
        }
        return live;
    }

    /** Claims and runs up to {@code most} tasks, recording their candidate ids. */
    private static void takeSome(SchedulerCore core, int most, List<String> claimed) {
        for (int n = 0; n < most; n++) {
            Task<?> t = core.takeForTest(0);
            if (t == null) {
                assertEquals(0, core.status().pending(), "no claim while tasks are pending");
                return;
            }
            assertTrue(t != Inboxes.STALLED);
            claimed.add(t.candidateId());
            core.runForTest(0, t);
        }
        if (most == Integer.MAX_VALUE) {
            assertNull(core.takeForTest(0));
        }
    }

    /** Lets at least {@code millis} of wall time pass by waiting on a latch no one opens. */
    private static void elapseAtLeast(long millis) throws InterruptedException {
        long t0 = System.nanoTime();
        CountDownLatch never = new CountDownLatch(1);
        long left;
        while ((left = TimeUnit.MILLISECONDS.toNanos(millis) - (System.nanoTime() - t0)) > 0) {
            never.await(left, TimeUnit.NANOSECONDS);
        }
    }
}
