package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * An Error on a carrier never loses the carrier silently (issue 7, item 2). Errors thrown by an
 * evaluator ({@link StackOverflowError}, {@link OutOfMemoryError}, {@link ThreadDeath}, a custom
 * Error) fail that task alone; an Error thrown into the carrier outside any evaluator (here an
 * asynchronous {@link ThreadDeath} delivered while the carrier is parked idle) is reported and the
 * carrier carries on, or is replaced. Either way {@code running} is never over-reported, and
 * afterwards {@code maxConcurrent} tasks still run at once.
 */
@Timeout(60)
class CarrierErrorTest {

    private static final Duration BOUND = Duration.ofSeconds(10);
    private static final int SLOTS = 2;

    /** A custom Error, as a library might throw. */
    static final class CustomError extends Error {
        CustomError(String message) {
            super(message);
        }
    }

    private static int deepRecursion(int n) {
        return deepRecursion(n + 1) + 1;
    }

    /** Proves each kind of Error thrown by an evaluator fails only its task and keeps every carrier. */
    @Test
    void evaluatorErrorsFailTheirTaskAndKeepTheCarriers() throws Exception {
        CarrierThreads carriers = new CarrierThreads("carrier-error");
        Scheduler s = Scheduler.builder().threadFactory(carriers).maxConcurrent(SLOTS).build();
        List<TaskSpec<Integer>> bad = List.of(
                TaskSpec.of("soe", () -> deepRecursion(0)),
                TaskSpec.of("oom", () -> {
                    throw new OutOfMemoryError("injected");
                }),
                TaskSpec.of("death", () -> {
                    throw new ThreadDeath();
                }),
                TaskSpec.of("custom", () -> {
                    throw new CustomError("injected");
                }));
        for (int round = 0; round < 10; round++) {
            List<TaskHandle<Integer>> handles = new ArrayList<>();
            for (TaskSpec<Integer> spec : bad) {
                handles.add(s.submit(spec));
            }
            for (TaskHandle<Integer> h : handles) {
                awaitDone(h);
                assertEquals(TaskState.FAILED, h.state(), () -> h.candidateId() + " did not fail its task");
                assertTrue(((TaskResult.Failed<?>) h.result()).error() instanceof Error);
            }
        }
        assertCarriersWhole(s, carriers, 40);
        assertTrue(carriers.uncaught().isEmpty(), () -> "evaluator errors escaped a carrier: " + carriers.uncaught());
        assertEquals(SLOTS, carriers.threads().size(), "a carrier was replaced although none was lost");
        Bounded.close(s, BOUND);
        carriers.assertAllEnded();
    }

    /**
     * Proves an asynchronous Error thrown into a carrier outside any evaluator (a ThreadDeath while
     * it waits for work) is reported, and the scheduler still runs maxConcurrent tasks at once with
     * running never over-reported. Needs Thread.stop, which works up to Java 19.
     */
    @Test
    @SuppressWarnings({"deprecation", "removal"})
    void anErrorOutsideTheEvaluatorLosesNoCarrier() throws Exception {
        assumeTrue(Runtime.version().feature() < 20, "Thread.stop throws on Java 20+");
        CarrierThreads carriers = new CarrierThreads("carrier-stop");
        Scheduler s = Scheduler.builder().threadFactory(carriers).maxConcurrent(SLOTS).build();
        for (int round = 0; round < 5; round++) {
            carriers.awaitAllWaiting(); // every carrier is parked in the kernel, no evaluator runs
            Thread victim = carriers.threads().get(round % SLOTS);
            try {
                victim.stop();
            } catch (UnsupportedOperationException e) {
                assumeTrue(false, "Thread.stop is not supported here");
            }
            TestSupport.awaitCondition("the stopped carrier reported its error or ended",
                    () -> !carriers.uncaught().isEmpty() || !victim.isAlive());
            SchedulerStatus st = s.status();
            assertEquals(0, st.running(), () -> "running over-reported after a carrier error: " + st);
            assertCarriersWhole(s, carriers, 20);
        }
        Bounded.close(s, BOUND);
        carriers.assertAllEnded();
    }

    /**
     * maxConcurrent evaluators can run at once (a gate that needs all of them), more tasks
     * complete, and at quiescence running is 0 and the counters balance.
     */
    private static void assertCarriersWhole(Scheduler s, CarrierThreads carriers, int more) throws Exception {
        try (Gate gate = new Gate(SLOTS)) {
            List<TaskHandle<Integer>> held = new ArrayList<>();
            for (int i = 0; i < SLOTS; i++) {
                held.add(s.submit(TaskSpec.of("all-at-once", () -> {
                    gate.pass();
                    return 1;
                })));
            }
            gate.awaitArrivals(); // fails if a carrier is gone: the gate needs every slot
            gate.open();
            for (TaskHandle<Integer> h : held) {
                awaitDone(h);
            }
        }
        List<TaskHandle<Integer>> tail = new ArrayList<>();
        for (int i = 0; i < more; i++) {
            tail.add(s.submit(TaskSpec.of("after", () -> 2)));
        }
        for (TaskHandle<Integer> h : tail) {
            awaitDone(h);
            assertEquals(TaskState.COMPLETED, h.state());
        }
        SchedulerStatus st = TestSupport.quietStatus(s);
        assertEquals(0, st.running());
        assertEquals(st.submitted(), st.finished(), () -> "counters do not balance: " + st);
    }

    private static void awaitDone(TaskHandle<?> h) throws InterruptedException {
        try {
            h.future().get(BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError(h + " never ended: a carrier was lost");
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.CancellationException e) {
            // failed or cancelled: ended
        }
    }
}
