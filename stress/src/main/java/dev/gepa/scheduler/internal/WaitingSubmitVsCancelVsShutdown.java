package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.RejectedTaskException;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskState;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.LZL_Result;

import java.time.Duration;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * A waiting submitter against the cancel that frees its place and against shutdown. The bound
 * (maxQueueSize 1) is full with one pending task; the waiter submits with a long wait while the
 * other actor cancels the pending task, shuts the scheduler down, or does both in that order.
 * The waiter must end promptly: admitted if a place freed before shutdown, else refused for
 * SHUTDOWN; never refused for a full queue (a lost wake-up would leave it waiting out its 10 s).
 * Results: r1 = the waiter's outcome, r2 = the cancel's return (false where none was made),
 * r3 = the arbiter's audit of states and counters.
 */
public final class WaitingSubmitVsCancelVsShutdown {
    private WaitingSubmitVsCancelVsShutdown() { }

    private static final Duration LONG_WAIT = Duration.ofSeconds(10);

    /** The shared fixture: a full bound, and the waiter's side. */
    abstract static class Fixture {
        final SchedulerCore core = Stress.seam(1, 1, 4);
        final Task<Object> pending = Stress.submit(core, new Stress.Probe());
        volatile TaskHandle<Object> admitted;

        void waitForRoom(LZL_Result r) {
            try {
                admitted = core.submit(new Stress.Probe().spec(), LONG_WAIT);
                r.r1 = "ADMITTED";
            } catch (RejectedTaskException e) {
                r.r1 = e.reason().name();
            } catch (InterruptedException e) {
                r.r1 = "INTERRUPTED";
            }
        }

        String audit(boolean cancelled) {
            SchedulerStatus s = core.status();
            boolean in = admitted != null;
            StringBuilder bad = new StringBuilder();
            if ((pending.state() == TaskState.CANCELLED) != cancelled) {
                bad.append(" pending=").append(pending.state());
            }
            if (in && admitted.state() != TaskState.PENDING) {
                bad.append(" admitted=").append(admitted.state());
            }
            long stillPending = (cancelled ? 0 : 1) + (in ? 1 : 0);
            if (s.submitted() != (in ? 2 : 1) || s.pending() != stillPending
                    || s.cancelled() != (cancelled ? 1 : 0) || s.rejected() != (in ? 0 : 1)
                    || s.rejectedShutdown() != s.rejected()) {
                bad.append(" counters=").append(Stress.counters(s));
            }
            return bad.length() == 0 ? "ok" : bad.toString().trim();
        }
    }

    @JCStressTest
    @Description("WaitingRoom notes: a waiter counts itself, then tries; a freer frees, then reads "
            + "the count and wakes the head. The waiter sees the freed place or is woken.")
    @Outcome(id = "ADMITTED, true, ok", expect = ACCEPTABLE,
            desc = "The cancel freed the place; the waiter took it, before or after parking.")
    @Outcome(expect = FORBIDDEN, desc = "A lost wake-up (QUEUE_FULL after the full wait), or "
            + "counters that disagree.")
    @State
    public static class Cancel extends Fixture {
        @Actor
        public void waiter(LZL_Result r) {
            waitForRoom(r);
        }

        @Actor
        public void canceller(LZL_Result r) {
            r.r2 = pending.cancel(false);
        }

        @Arbiter
        public void arbiter(LZL_Result r) {
            r.r3 = audit(true);
        }
    }

    @JCStressTest
    @Description("WaitingRoom notes: shutdown sets SHUTDOWN, then wakes every waiter; a waiter "
            + "counts itself before it tries, and its try sees SHUTDOWN.")
    @Outcome(id = "SHUTDOWN, false, ok", expect = ACCEPTABLE,
            desc = "Refused for shutdown, before or after parking.")
    @Outcome(expect = FORBIDDEN, desc = "A waiter left waiting after shutdown (QUEUE_FULL after "
            + "the full wait), an admission after shutdown, or counters that disagree.")
    @State
    public static class Shutdown extends Fixture {
        @Actor
        public void waiter(LZL_Result r) {
            waitForRoom(r);
        }

        @Actor
        public void shutter() {
            core.shutdown();
        }

        @Arbiter
        public void arbiter(LZL_Result r) {
            r.r3 = audit(false);
        }
    }

    @JCStressTest
    @Description("Both: the place frees, then the scheduler shuts down. The waiter is admitted if "
            + "its try came between the two, else refused for shutdown; never left waiting.")
    @Outcome(id = "ADMITTED, true, ok", expect = ACCEPTABLE,
            desc = "Admitted between the cancel and the shutdown.")
    @Outcome(id = "SHUTDOWN, true, ok", expect = ACCEPTABLE,
            desc = "Its try came after the shutdown.")
    @Outcome(expect = FORBIDDEN, desc = "A lost wake-up, an admission after shutdown, or "
            + "counters that disagree.")
    @State
    public static class CancelThenShutdown extends Fixture {
        @Actor
        public void waiter(LZL_Result r) {
            waitForRoom(r);
        }

        @Actor
        public void cancelThenShutDown(LZL_Result r) {
            r.r2 = pending.cancel(false);
            core.shutdown();
        }

        @Arbiter
        public void arbiter(LZL_Result r) {
            r.r3 = audit(true);
        }
    }
}
