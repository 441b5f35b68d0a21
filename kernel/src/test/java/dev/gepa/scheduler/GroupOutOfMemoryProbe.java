package dev.gepa.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The program {@link OutOfMemoryTest} runs, in a JVM of its own with a small heap, for a
 * group's submit that meets the full heap while its members are being queued. A scheduler whose
 * queues grow in chunks of 16 tasks has its one carrier held; each attempt first queues and
 * cancels a different number of single tasks (so that the next chunk boundary falls at a
 * different member), fills the heap leaving a different number of bytes free, and submits a
 * group of three. A group either throws (it took no effect) or returns all three members, of
 * which the ones its queue could not take have failed with the OutOfMemoryError. Then it checks
 * that the scheduler counts exactly the tasks handed out, that every one ends and its future
 * completes, that every group's {@code whenAllDone()} completes (a failed member's future was
 * once left incomplete: the group made it before admission and waited on it for ever), that the
 * counters balance, and that it terminates; and it reports how many groups stood with failed members, so
 * that the test can tell that the path was met.
 *
 * <p>Prints one line per finding and exits with status 1 if there is any, 0 otherwise.
 */
public final class GroupOutOfMemoryProbe {
    private static final int QUEUE = 16;
    /** Bytes left free for the first attempts; each round of 16 attempts leaves {@link #STEP} more. */
    private static final int LEAST_LEFT = 560;
    private static final int STEP = 8;
    private static final int ATTEMPTS = 16 * 40;

    private GroupOutOfMemoryProbe() { }

    public static void main(String[] args) throws Exception {
        Scheduler s = Scheduler.builder().maxConcurrent(1).maxQueueSize(QUEUE).resultRetention(0).build();
        CountDownLatch gate = new CountDownLatch(1);
        List<TaskHandle<?>> accepted = new ArrayList<>(100_000);
        accepted.add(s.submit(TaskSpec.of("holder", () -> {
            gate.await();
            return 0;
        })));
        TaskSpec<Integer> noOp = TaskSpec.of("oom", () -> 1);
        List<TaskSpec<Integer>> group = List.of(noOp, noOp, noOp);
        for (int i = 0; i < 200; i++) { // warm: groups, cancels, chunk boundaries and purges
            List<TaskHandle<Integer>> members = s.submitAll(group).members();
            for (int m = 0; m < members.size(); m++) {
                accepted.add(members.get(m));
                members.get(m).cancel(false);
            }
        }
        Object[] ballast = new Object[1 << 16];
        List<TaskGroup<Integer>> groups = new ArrayList<>(ATTEMPTS);
        int threw = 0;
        int stoodWithFailures = 0;
        int stoodWhole = 0;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            for (int i = 0; i < attempt % QUEUE; i++) { // moves the next chunk boundary
                TaskHandle<?> h = s.submit(noOp);
                accepted.add(h);
                h.cancel(false);
            }
            // about what a group of three needs before its admission, give or take a queue chunk
            int held = HeapBallast.fill(ballast, LEAST_LEFT + STEP * (attempt / QUEUE));
            List<TaskHandle<Integer>> members = null;
            try {
                TaskGroup<Integer> g = s.submitAll(group);
                groups.add(g); // the list has room: no allocation
                members = g.members();
            } catch (OutOfMemoryError e) {
                threw++;
            }
            for (int i = 0; i < held; i++) {
                ballast[i] = null;
            }
            if (members != null) {
                int failed = 0;
                for (int m = 0; m < members.size(); m++) {
                    TaskHandle<Integer> h = members.get(m);
                    accepted.add(h);
                    if (h.state() == TaskState.FAILED) {
                        failed++;
                    }
                    h.cancel(false); // frees the bound for the next attempt
                }
                if (failed > 0) {
                    stoodWithFailures++;
                } else {
                    stoodWhole++;
                }
            }
        }
        gate.countDown();
        List<String> findings = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (TaskHandle<?> h : accepted) {
            while (!h.state().isFinal() && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            while (!h.future().isDone() && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            if (!h.state().isFinal() || !h.future().isDone()) {
                findings.add("task " + h.id() + " never ended: " + h.state() + ", future done " + h.future().isDone());
                break;
            }
            if (h.result() instanceof TaskResult.Failed<?> f && !(f.error() instanceof OutOfMemoryError)) {
                findings.add("task " + h.id() + " failed with " + f.error());
            }
        }
        for (TaskGroup<Integer> g : groups) {
            while (!g.whenAllDone().isDone() && System.nanoTime() - deadline < 0) {
                Thread.onSpinWait();
            }
            if (!g.whenAllDone().isDone()) {
                findings.add("a group's whenAllDone() never completed: " + g.members());
                break;
            }
        }
        while ((s.status().pending() != 0 || s.status().running() != 0) && System.nanoTime() - deadline < 0) {
            Thread.onSpinWait();
        }
        SchedulerStatus st = s.status();
        if (st.submitted() != accepted.size()) {
            findings.add("the scheduler counts " + st.submitted() + " submitted, the callers hold " + accepted.size());
        }
        if (st.pending() != 0 || st.running() != 0 || st.completed() + st.failed() + st.cancelled() != st.submitted()) {
            findings.add("counters do not balance: " + st);
        }
        s.shutdown();
        if (!s.awaitTermination(Duration.ofSeconds(60))) {
            findings.add("shutdown did not terminate: " + s.status());
        }
        System.out.println("groups: threw " + threw + ", stood with failed members " + stoodWithFailures
                + ", stood whole " + stoodWhole + "; failed tasks " + st.failed());
        findings.forEach(f -> System.out.println("FINDING: " + f));
        System.exit(findings.isEmpty() ? 0 : 1);
    }
}
