package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code awaitTermination} and {@code close()} called on a carrier, from a task or a completion
 * callback, never wait for themselves (issue 7, item 7): {@code awaitTermination} fails fast with
 * an {@link IllegalStateException} that says why, and {@code close()} shuts down and returns at
 * once, as its javadoc says. Either way the scheduler then terminates.
 */
@Timeout(60)
class AwaitTerminationFromCarrierTest {

    private static final Duration BOUND = Duration.ofSeconds(10);

    /** Proves awaitTermination from an evaluator throws a clear IllegalStateException at once. */
    @Test
    void awaitTerminationInATaskFailsFast() throws Exception {
        Scheduler s = Scheduler.builder().maxConcurrent(1).build();
        TaskHandle<Throwable> h = s.submit(TaskSpec.of("await", () -> {
            try {
                s.awaitTermination(Duration.ofSeconds(30));
                return null;
            } catch (Throwable e) {
                return e;
            }
        }));
        Throwable thrown = h.future().get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertFailedFast(thrown);
        Bounded.close(s, BOUND);
    }

    /** Proves awaitTermination from a completion callback on a carrier throws at once too. */
    @Test
    void awaitTerminationInACarrierCallbackFailsFast() throws Exception {
        Scheduler s = Scheduler.builder().maxConcurrent(1).build();
        AtomicReference<Throwable> thrown = new AtomicReference<>();
        CompletableFuture<Void> looked = new CompletableFuture<>();
        try (Gate gate = new Gate()) {
            TaskHandle<String> h = s.submit(TaskSpec.of("t", () -> {
                gate.pass();
                return "t";
            }));
            gate.awaitArrivals(); // the callback is registered before the task ends: it runs on the carrier
            h.future().whenComplete((v, e) -> {
                try {
                    s.awaitTermination(Duration.ofSeconds(30));
                } catch (Throwable t) {
                    thrown.set(t);
                }
                looked.complete(null);
            });
        }
        looked.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertFailedFast(thrown.get());
        Bounded.close(s, BOUND);
    }

    /** Proves close() from an evaluator returns at once, and the scheduler then terminates. */
    @Test
    void closeInATaskReturnsAndTheSchedulerTerminates() throws Exception {
        Scheduler s = Scheduler.builder().maxConcurrent(2).build();
        TaskHandle<String> h = s.submit(TaskSpec.of("close", () -> {
            s.close();
            return "returned";
        }));
        assertEquals("returned", h.future().get(BOUND.toSeconds(), TimeUnit.SECONDS));
        assertTrue(s.isShutdown());
        assertTrue(s.awaitTermination(BOUND), "the scheduler closed from its own task never terminated");
    }

    /** Proves close() from a completion callback on a carrier returns, and the scheduler terminates. */
    @Test
    void closeInACarrierCallbackReturnsAndTheSchedulerTerminates() throws Exception {
        Scheduler s = Scheduler.builder().maxConcurrent(1).build();
        CompletableFuture<Void> closed = new CompletableFuture<>();
        try (Gate gate = new Gate()) {
            TaskHandle<String> h = s.submit(TaskSpec.of("t", () -> {
                gate.pass();
                return "t";
            }));
            gate.awaitArrivals();
            h.future().whenComplete((v, e) -> {
                s.close();
                closed.complete(null);
            });
        }
        closed.get(BOUND.toSeconds(), TimeUnit.SECONDS);
        assertTrue(s.awaitTermination(BOUND), "the scheduler closed from a callback never terminated");
    }

    private static void assertFailedFast(Throwable thrown) {
        assertNotNull(thrown, "awaitTermination on a carrier returned instead of failing");
        assertTrue(thrown instanceof IllegalStateException, () -> "expected IllegalStateException, got " + thrown);
        String m = String.valueOf(thrown.getMessage());
        assertTrue(m.contains("carrier") || m.contains("itself"), () -> "the message does not say why: " + m);
    }
}
