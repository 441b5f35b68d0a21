package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskResult;
import dev.gepa.scheduler.TaskSpec;
import dev.gepa.scheduler.TaskState;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Shared fixtures of the stress tests: schedulers driven through the kernel's package-private
 * test seams, an evaluator that records what happened to it, and audits that turn a task's end
 * into a short outcome string.
 *
 * <p>The tests live in the kernel's own package so that they reach those seams without the
 * kernel making anything public; the stress jar runs on the class path, where the kernel's
 * module boundary does not apply.
 *
 * <p>Outcome strings use only letters, digits, '-', '=', '/' and spaces, because jcstress
 * matches {@code @Outcome} ids as regular expressions.
 */
final class Stress {
    /** The value every probe returns, inside a {@link Payload}. */
    static final int VALUE = 42;

    private Stress() { }

    /** The carrier index a test plays: only carriers consume the queues. */
    static final int CARRIER = 0;

    /**
     * A scheduler whose carriers never start: a task is taken only when a test plays a carrier
     * ({@link SchedulerCore#takeForTest(int)}), and it runs on the test's thread
     * ({@link SchedulerCore#runForTest(int, Task)}). One thread at a time per carrier index: a
     * carrier's statistics have a single writer.
     */
    static SchedulerCore seam(int maxConcurrent, int maxQueueSize, int resultRetention) {
        return SchedulerCore.createWithoutCarriers(new SchedulerConfig(maxConcurrent, maxQueueSize,
                true, 0.8, null, null, resultRetention, true));
    }

    /** Submits {@code probe} and returns its task; throws if it is not admitted. */
    static Task<Object> submit(SchedulerCore core, Probe probe) {
        Task<Object> t = (Task<Object>) core.trySubmit(probe.spec());
        if (t == null) {
            throw new IllegalStateException("fixture task was not admitted");
        }
        return t;
    }

    /** Takes the next pending task as carrier {@link #CARRIER} would; throws if there is none. */
    static Task<?> claim(SchedulerCore core) {
        Task<?> t = core.takeForTest(CARRIER);
        if (t == null) {
            throw new IllegalStateException("fixture task could not be claimed");
        }
        return t;
    }

    /**
     * Takes and runs every task still pending, as carrier {@link #CARRIER} would after the actors
     * are done (after {@code shutdownNow()} a take discards instead). Loops while the admission
     * word still counts a pending task, because a take answers null while another thread holds
     * the consumer role.
     */
    static void takeAll(SchedulerCore core) {
        for (;;) {
            Task<?> t = core.takeForTest(CARRIER);
            if (t != null) {
                core.runForTest(CARRIER, t);
            } else if (core.status().pending() == 0) {
                return;
            } else {
                Thread.onSpinWait();
            }
        }
    }

    /** The outcome kind of a {@link TaskResult}, as a word. */
    static String kind(TaskResult<?> r) {
        if (r instanceof TaskResult.Pending) {
            return "PENDING";
        } else if (r instanceof TaskResult.Running) {
            return "RUNNING";
        } else if (r instanceof TaskResult.Completed) {
            Object v = ((TaskResult.Completed<?>) r).value();
            return v instanceof Payload && ((Payload) v).value == VALUE ? "COMPLETED" : "COMPLETED-BADVALUE";
        } else if (r instanceof TaskResult.Failed) {
            Throwable e = ((TaskResult.Failed<?>) r).error();
            return e instanceof Boom && ((Boom) e).code == VALUE ? "FAILED" : "FAILED-BADERROR";
        } else if (r instanceof TaskResult.Cancelled) {
            return "CANCELLED";
        } else if (r instanceof TaskResult.NotFound) {
            return "NOTFOUND";
        }
        return "UNKNOWN";
    }

    /**
     * Audits a task that has reached, or should have reached, its end: its state, how its probe
     * was invoked, and "ok" if the handle, {@code result(id)}, the future, the timestamps and
     * (when {@code soleTask}) the scheduler's counters all agree with that state; otherwise the
     * list of disagreements instead of "ok".
     */
    static String audit(SchedulerCore core, Task<?> t, Probe probe, boolean soleTask) {
        TaskState state = t.state();
        StringBuilder bad = new StringBuilder();
        if (!state.isFinal()) {
            bad.append(" not-final");
        }
        String byId = kind(core.result(t.id()));
        if (!byId.equals(state.name())) {
            bad.append(" result=").append(byId);
        }
        String byHandle = kind(t.result());
        if (!byHandle.equals(state.name())) {
            bad.append(" handle=").append(byHandle);
        }
        if (state.isFinal()) {
            checkFuture(t, state, bad);
            if (t.finishedAt().isEmpty()) {
                bad.append(" no-finishedAt");
            }
        }
        if (t.startedAt().isPresent() != probe.invoked) {
            bad.append(" startedAt=").append(t.startedAt().isPresent());
        }
        if (soleTask) {
            SchedulerStatus s = core.status();
            long c = state == TaskState.COMPLETED ? 1 : 0;
            long f = state == TaskState.FAILED ? 1 : 0;
            long x = state == TaskState.CANCELLED ? 1 : 0;
            if (s.submitted() != 1 || s.completed() != c || s.failed() != f || s.cancelled() != x
                    || s.pending() != 0 || s.running() != 0) {
                bad.append(" counters=").append(counters(s));
            }
        }
        return state.name() + " " + probe.invocation() + (bad.length() == 0 ? " ok" : bad.toString());
    }

    private static void checkFuture(Task<?> t, TaskState state, StringBuilder bad) {
        CompletableFuture<?> f = t.future();
        if (!f.isDone()) {
            bad.append(" future-not-done");
            return;
        }
        switch (state) {
            case COMPLETED:
                if (f.isCompletedExceptionally() || !(f.getNow(null) instanceof Payload)) {
                    bad.append(" future-bad");
                }
                break;
            case FAILED:
                try {
                    f.get();
                    bad.append(" future-bad");
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof Boom)) {
                        bad.append(" future-bad");
                    }
                } catch (Exception e) {
                    bad.append(" future-bad");
                }
                break;
            case CANCELLED:
                if (!f.isCancelled()) {
                    bad.append(" future-bad");
                }
                break;
            default:
                break;
        }
    }

    /** submitted/completed/failed/cancelled/rejected/pending/running, for outcome strings. */
    static String counters(SchedulerStatus s) {
        return s.submitted() + "/" + s.completed() + "/" + s.failed() + "/" + s.cancelled() + "/"
                + s.rejected() + "/" + s.pending() + "/" + s.running();
    }

    /**
     * The checks a status snapshot must pass whatever runs concurrently: no figure negative,
     * never more finished than submitted, pending and running within their bounds, capacity
     * consistent with running. Returns "ok" or the violations.
     */
    static String snapshotProblems(SchedulerStatus s) {
        StringBuilder bad = new StringBuilder();
        if (s.running() < 0 || s.pending() < 0 || s.submitted() < 0 || s.completed() < 0
                || s.failed() < 0 || s.cancelled() < 0 || s.rejected() < 0) {
            bad.append(" negative=").append(counters(s));
        }
        if (s.finished() > s.submitted()) {
            bad.append(" finished-gt-submitted=").append(counters(s));
        }
        if (s.pending() > s.maxQueueSize()) {
            bad.append(" pending-gt-bound=").append(s.pending());
        }
        if (s.running() > s.maxConcurrent()) {
            bad.append(" running-gt-bound=").append(s.running());
        }
        for (SchedulerStatus.LevelStatus level : s.levels()) {
            if (level.pending() > s.pending()) {
                bad.append(" level-gt-pending=").append(level);
            }
        }
        if (s.capacity() < 0.0 || s.capacity() > 1.0
                || s.capacity() != (double) s.running() / s.maxConcurrent()) {
            bad.append(" capacity-bad");
        }
        if (s.totalRunTime().isNegative() || s.totalQueueWait().isNegative()
                || s.meanRunTime().isNegative() || s.meanQueueWait().isNegative()
                || s.uptime().isNegative() || s.throughput() < 0.0) {
            bad.append(" negative-time");
        }
        return bad.length() == 0 ? "ok" : bad.toString().trim();
    }

    /** A task's return value: a mutable object, so a torn publication would show as 0. */
    static final class Payload {
        int value; // deliberately neither final nor volatile

        Payload(int value) {
            this.value = value;
        }
    }

    /** A failing task's exception: mutable, like {@link Payload}, and without a stack trace. */
    static final class Boom extends RuntimeException {
        private static final long serialVersionUID = 1L;
        int code; // deliberately neither final nor volatile

        Boom(int code) {
            super("boom", null, false, false);
            this.code = code;
        }
    }

    /**
     * An evaluator that records whether it was invoked and whether it found its thread
     * interrupted; it then throws {@link InterruptedException} (as a well-behaved evaluator
     * would), or otherwise returns a {@link Payload} or throws a {@link Boom}.
     */
    static final class Probe implements Callable<Object> {
        private final boolean fail;
        volatile boolean invoked;
        volatile boolean sawInterrupt;

        Probe() {
            this(false);
        }

        Probe(boolean fail) {
            this.fail = fail;
        }

        TaskSpec<Object> spec() {
            return TaskSpec.of("probe", this);
        }

        @Override
        public Object call() throws Exception {
            invoked = true;
            if (Thread.interrupted()) {
                sawInterrupt = true;
                throw new InterruptedException("probe interrupted");
            }
            if (fail) {
                throw new Boom(VALUE);
            }
            return new Payload(VALUE);
        }

        String invocation() {
            return invoked ? (sawInterrupt ? "invoked-interrupted" : "invoked") : "not-invoked";
        }
    }
}
