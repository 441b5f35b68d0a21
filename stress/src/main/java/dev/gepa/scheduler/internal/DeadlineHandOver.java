package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.TaskSpec;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.II_Result;

import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Deadlines handed to the deadline thread ({@link Deadlines}): submitters push onto a Treiber
 * stack, the thread takes the whole stack with one getAndSet. Two races: a push against a take
 * (every deadline reaches the heap exactly once, unlinked), and a push against the thread going
 * to sleep (no deadline is slept through).
 */
public final class DeadlineHandOver {
    private DeadlineHandOver() { }

    @JCStressTest
    @Description("Deadlines notes: a push is one CAS of the stack's top; the thread takes the whole "
            + "stack (getAndSet) and moves it into its heap, unlinking each deadline as it goes. One "
            + "deadline is handed over before the race; a second push races a take; the arbiter takes "
            + "what is left. r1 = deadlines in the heap, r2 = deadlines still linked.")
    @Outcome(id = "2, 0", expect = ACCEPTABLE, desc = "Both deadlines in the heap once, none linked.")
    @Outcome(expect = FORBIDDEN, desc = "A deadline lost, taken twice, or left linked to another.")
    @State
    public static class PushVsTake {
        final Deadlines deadlines = new Deadlines("stress-deadlines", 4); // its thread never started
        final Deadlines.Due first = new Deadlines.Due(new Task<>(null, null, 0L), 1L);
        final Deadlines.Due second = new Deadlines.Due(new Task<>(null, null, 0L), 2L);

        public PushVsTake() {
            deadlines.add(first); // the stack is not empty when the race begins
        }

        @Actor
        public void push() {
            deadlines.add(second);
        }

        @Actor
        public void take() {
            deadlines.takeHandedOver();
        }

        @Arbiter
        public void audit(II_Result r) {
            deadlines.takeHandedOver();
            r.r1 = deadlines.heldForTest(); // nothing is handed over now: the heap's size
            r.r2 = (first.next != null ? 1 : 0) + (second.next != null ? 1 : 0);
        }
    }

    static final int ROUNDS = 4;

    @JCStressTest(Mode.Termination)
    @Description("Deadlines notes: the thread publishes the time it sleeps until, then checks the "
            + "stack before it parks; a submitter pushes, fences, and unparks the thread if its "
            + "deadline comes first (a Dekker pair). Each task is timed out at once (1 ns) while its "
            + "evaluator waits for the interrupt, and the next is submitted as soon as it ended: "
            + "each push lands as the thread goes back to sleep.")
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "Every deadline was met.")
    @Outcome(expect = FORBIDDEN, desc = "STALE: the thread slept through a deadline handed to it.")
    @State
    public static class PushVsSleep {
        final Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(4)
                .resultRetention(0).threadFactory(SubmitVsShutdown.SMALL_CARRIERS).build();
        final TaskSpec<Object> spec = TaskSpec.<Object>of("due", () -> {
            while (!Thread.currentThread().isInterrupted()) {
                Thread.onSpinWait(); // only the deadline ends it
            }
            return Stress.VALUE;
        }).withTimeout(Duration.ofNanos(1));

        @Actor
        public void submitter() {
            for (int i = 0; i < ROUNDS; i++) {
                LostWakeUp.await(s.submit(spec));
            }
            s.shutdown();
        }

        @Signal
        public void signal() {
            // nothing that could wake the deadline thread: only its own protocol may end the actor
        }
    }
}
