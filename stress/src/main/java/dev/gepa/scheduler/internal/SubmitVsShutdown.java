package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.RejectedTaskException;
import dev.gepa.scheduler.RejectionReason;
import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskSpec;
import org.openjdk.jcstress.annotations.Actor;
import org.openjdk.jcstress.annotations.Arbiter;
import org.openjdk.jcstress.annotations.Description;
import org.openjdk.jcstress.annotations.JCStressTest;
import org.openjdk.jcstress.annotations.Mode;
import org.openjdk.jcstress.annotations.Outcome;
import org.openjdk.jcstress.annotations.Signal;
import org.openjdk.jcstress.annotations.State;
import org.openjdk.jcstress.infra.results.IL_Result;
import org.openjdk.jcstress.infra.results.ZL_Result;
import org.openjdk.jcstress.infra.results.ZZL_Result;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadFactory;

import static org.openjdk.jcstress.annotations.Expect.ACCEPTABLE;
import static org.openjdk.jcstress.annotations.Expect.FORBIDDEN;

/**
 * Race 8: submit against shutdown. Each task is either rejected or reaches a final state; none
 * vanishes.
 */
public final class SubmitVsShutdown {
    private SubmitVsShutdown() { }

    /** Daemon carriers with small stacks: some tests start a scheduler per sample. */
    static final ThreadFactory SMALL_CARRIERS = r -> {
        Thread t = new Thread(null, r, "stress-carrier", 256 * 1024);
        t.setDaemon(true);
        return t;
    };

    static final TaskSpec<Object> SPEC = TaskSpec.of("late", () -> Stress.VALUE);

    /** Audits a rejected submit on a scheduler that got no other task. */
    static String rejected(Scheduler s) {
        SchedulerStatus st = s.status();
        boolean ok = s.isShutdown() && st.submitted() == 0 && st.rejected() == 1 && st.pending() == 0;
        return "rejected " + (ok ? "ok" : Stress.counters(st));
    }

    @JCStressTest
    @Description("SchedulerCore notes, admission and shutdown: SHUTDOWN lives in ctl beside the "
            + "admitted count, so a submit is admitted (counted, and later taken) or refused for "
            + "SHUTDOWN, never both or neither; after SHUTDOWN admitted is final. submit() "
            + "(throwing) vs shutdown(); the arbiter then takes what is left as carrier 0. r1 = 1 "
            + "admitted, 0 refused for SHUTDOWN, -100 refused for another reason.")
    @Outcome(id = "1, COMPLETED invoked ok", expect = ACCEPTABLE, desc = "Admitted before the shutdown, ran after it.")
    @Outcome(id = "0, rejected ok", expect = ACCEPTABLE, desc = "Refused for SHUTDOWN, counted as rejected.")
    @Outcome(expect = FORBIDDEN, desc = "A wrong rejection reason, an admitted task that did not "
            + "reach a final state, or counters that disagree.")
    @State
    public static class Seam {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe();
        Task<?> task;

        @Actor
        public void submitter(IL_Result r) {
            try {
                task = (Task<?>) core.submit(probe.spec());
                r.r1 = 1;
            } catch (RejectedTaskException e) {
                r.r1 = e.reason() == RejectionReason.SHUTDOWN ? 0 : -100;
            }
        }

        @Actor
        public void closer() {
            core.shutdown();
        }

        @Arbiter
        public void arbiter(IL_Result r) {
            Stress.takeAll(core);
            r.r2 = task == null ? rejected(core) : Stress.audit(core, task, probe, true);
        }
    }

    @JCStressTest
    @Description("SchedulerCore notes, shutdown: shutdownNow sets STOPPED, cancels every task it finds "
            + "in the id table, then sets DISCARDING, under which a carrier's take cancels whatever is "
            + "still queued (submits that raced the scan); Scheduler javadoc: a task whose submit races shutdownNow is "
            + "cancelled too but may be missing from the list. trySubmit vs shutdownNow; the arbiter "
            + "then takes as carrier 0. r1 = admitted, r2 = listed by shutdownNow.")
    @Outcome(id = "true, true, CANCELLED not-invoked ok", expect = ACCEPTABLE, desc = "Admitted, found and cancelled by the scan.")
    @Outcome(id = "true, false, CANCELLED not-invoked ok", expect = ACCEPTABLE, desc = "Admitted after the scan, discarded by the carrier's take.")
    @Outcome(id = "false, false, rejected ok", expect = ACCEPTABLE, desc = "Refused after shutdownNow.")
    @Outcome(expect = FORBIDDEN, desc = "An admitted task that ran or stayed pending after shutdownNow, "
            + "a listed task not cancelled, or counters that disagree.")
    @State
    public static class SeamNow {
        final SchedulerCore core = Stress.seam(1, 4, 4);
        final Stress.Probe probe = new Stress.Probe();
        volatile Task<?> task;

        @Actor
        public void submitter(ZZL_Result r) {
            task = (Task<?>) core.trySubmit(probe.spec());
            r.r1 = task != null;
        }

        @Actor
        public void closer(ZZL_Result r) {
            List<TaskHandle<?>> cancelled = core.shutdownNow();
            r.r2 = !cancelled.isEmpty();
        }

        @Arbiter
        public void arbiter(ZZL_Result r) {
            Stress.takeAll(core); // a take under DISCARDING cancels what is queued
            r.r3 = task == null ? rejected(core) : Stress.audit(core, task, probe, true);
        }
    }

    @JCStressTest
    @Description("SchedulerCore notes, shutdown: a carrier exits only when it finds 'SHUTDOWN and "
            + "nothing pending' (which can never become false again) and no task, so no admitted "
            + "task is left with no carrier to take it; Scheduler javadoc: every accepted task ends "
            + "in exactly one final state. Real scheduler (one idle carrier) per sample; trySubmit "
            + "vs shutdown(); the arbiter awaits termination. r1 = admitted, r2 = the task's state "
            + "after termination.")
    @Outcome(id = "true, COMPLETED", expect = ACCEPTABLE, desc = "Admitted before the shutdown and run by the carrier.")
    @Outcome(id = "false, rejected ok", expect = ACCEPTABLE, desc = "Refused for SHUTDOWN.")
    @Outcome(expect = FORBIDDEN, desc = "An admitted task that never reached a final state (for "
            + "example PENDING: admitted after the last carrier had exited), or a "
            + "scheduler that did not terminate.")
    @State
    public static class LiveCarrier {
        final Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(4).resultRetention(0)
                .threadFactory(SMALL_CARRIERS).build();
        TaskHandle<Object> task;

        @Actor
        public void submitter(ZL_Result r) {
            task = s.trySubmit(SPEC);
            r.r1 = task != null;
        }

        @Actor
        public void closer() {
            s.shutdown();
        }

        @Arbiter
        public void arbiter(ZL_Result r) {
            boolean terminated;
            try {
                terminated = s.awaitTermination(Duration.ofSeconds(20));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                terminated = false;
            }
            if (!terminated) {
                r.r2 = "not-terminated";
            } else {
                r.r2 = task == null ? rejected(s) : task.state().name();
            }
        }
    }

    @JCStressTest(Mode.Termination)
    @Description("SchedulerCore notes, shutdown: no admitted task outlives the carriers, which exit "
            + "only on 'SHUTDOWN and nothing pending' and no task; Scheduler javadoc: every accepted "
            + "task ends in a final state. Real scheduler (one parked carrier) per sample; the actor "
            + "submits the moment the signal starts shutdown() and then waits for its task to end.")
    @Outcome(id = "TERMINATED", expect = ACCEPTABLE, desc = "The task was refused, or it ended.")
    @Outcome(expect = FORBIDDEN, desc = "STALE: an admitted task never reached a final state.")
    @State
    public static class LiveCarrierWait {
        final Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(4).resultRetention(0)
                .threadFactory(SMALL_CARRIERS).build();
        volatile boolean go;

        @Actor
        public void submitter() {
            while (!go) {
                Thread.onSpinWait();
            }
            TaskHandle<Object> h = s.trySubmit(SPEC);
            if (h != null) {
                while (!h.isDone()) {
                    Thread.onSpinWait();
                }
            }
        }

        @Signal
        public void closer() {
            go = true;
            s.shutdown();
        }
    }
}
