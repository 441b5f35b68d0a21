package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskSpec;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Race 9: lost wake-up. A task submitted while every carrier is going idle must still run. The
 * actor submits a task, spins until it has ended, and at once submits the next: each submit
 * lands while the carrier that ran the previous task is finishing it, failing to take another,
 * offering itself as idle and parking. The signal deliberately does nothing that could wake a
 * carrier (no submit, no shutdown): only the kernel's own wake-ups can make the actor finish.
 * A lost wake-up leaves a task pending forever, the actor never terminates, and jcstress
 * reports STALE.
 */
public final class LostWakeUp {
    private LostWakeUp() { }

    static final int ROUNDS = 8;
    static final TaskSpec<Object> SPEC = TaskSpec.of("wake", () -> Stress.VALUE);

    static void await(TaskHandle<?> h) {
        while (!h.isDone()) {
            Thread.onSpinWait();
        }
    }

    @JCStressTest(Mode.Termination)
    @Description("Carrier notes: a carrier announces itself IDLE (parkState, then its bit in the idle "
            + "set by an atomic read-modify-write), re-checks the queues and only then parks; a "
            + "submitter publishes, fences, and wakes an idle carrier unless one spins (a Dekker "
            + "pair). One carrier; back-to-back submits as it goes idle.")
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "Every task was dispatched.")
    @Outcome(expect = FORBIDDEN, desc = "STALE: a task submitted as the carrier went idle never ran.")
    @State
    public static class OneCarrier {
        final Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(16)
                .resultRetention(0).threadFactory(SubmitVsShutdown.SMALL_CARRIERS).build();
        volatile boolean signalled;

        @Actor
        public void submitter() {
            for (int i = 0; i < ROUNDS; i++) {
                await(s.submit(SPEC));
            }
            s.shutdown(); // only after every task ran: lets the carrier exit
        }

        @Signal
        public void signal() {
            signalled = true; // wakes nothing on purpose
        }
    }

    @JCStressTest(Mode.Termination)
    @Description("Carrier and Inboxes notes: no wake-up is lost while both carriers go idle at once: "
            + "a spinner suppresses submitters' wake-ups and fans out what it leaves, and a parking "
            + "carrier that finds the consumer role held marks it missed, so the holder wakes a "
            + "carrier if work is left. Two carriers; pairs of back-to-back submits as both go "
            + "idle.")
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "Every task was dispatched.")
    @Outcome(expect = FORBIDDEN, desc = "STALE: a task submitted as the carriers went idle never ran.")
    @State
    public static class TwoCarriers {
        final Scheduler s = Scheduler.builder().maxConcurrent(2).maxQueueSize(16)
                .resultRetention(0).threadFactory(SubmitVsShutdown.SMALL_CARRIERS).build();
        volatile boolean signalled;

        @Actor
        public void submitter() {
            for (int i = 0; i < ROUNDS; i++) {
                TaskHandle<Object> a = s.submit(SPEC);
                TaskHandle<Object> b = s.submit(SPEC);
                await(a);
                await(b);
            }
            s.shutdown();
        }

        @Signal
        public void signal() {
            signalled = true; // wakes nothing on purpose
        }
    }
}
