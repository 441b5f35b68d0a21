package dev.gepa.scheduler;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The program {@link OutOfMemoryTest} runs in a JVM of its own with a small heap: it fills the
 * heap with ballast until nothing more can be allocated, gives back a different few kilobytes
 * each round, and then calls the kernel (submit, trySubmit, submitAll, cancel, lookups, status)
 * so that the kernel's own allocations fail at different points of those calls. About a thousand
 * tasks are queued first, so that some of those submits need a new id-table segment after they
 * were admitted, and one more, pending, is cancelled first thing once the heap is full (the
 * warm-up cancels nothing, so the first cancel in this JVM runs then, as an application's first
 * cancel may). Two tasks hold the carriers during most rounds; in every third round they let go
 * at once, so that the carriers run tasks, complete futures and retire tasks while the heap is
 * full. Some submits carry a timeout, so that their deadline's hand-over meets the full heap too,
 * and one pending task a round is due while the heap is full, so that the deadline thread's
 * time-out meets it; a last timed task checks that the deadline thread survived.
 * A second scheduler, whose queues grow in chunks of 16 tasks, takes a few submits each round
 * with the heap full, one more queued before the fill each round, so that a queue's chunk
 * allocation meets the full heap at a different offer each time. After the ballast is dropped
 * it checks, for both schedulers, that every call took effect completely or not at all: the
 * scheduler counts exactly the tasks whose submit returned a handle, every one of them ends in
 * a final state (a failed one with a time-out or the full heap as its error), the counters
 * balance, new tasks still run, and shutdown terminates.
 *
 * <p>Prints one line per finding and exits with status 1 if there is any, 0 otherwise.
 */
public final class OutOfMemoryProbe {
    private static final int OPS_PER_ROUND = 48;
    private static final int RETAINED = 64;
    /** Id-table slots in its first segment: a round crosses into the next while the heap is full. */
    private static final int SEGMENT = 1024;
    /** The second scheduler's bound: its queues grow in chunks of 16 tasks. */
    private static final int SMALL_QUEUE = 16;

    private OutOfMemoryProbe() { }

    /** {@code args[0]}: rounds; {@code args[1]}: bytes left free in the first round, growing. */
    public static void main(String[] args) throws Exception {
        int rounds = Integer.parseInt(args[0]);
        int step = Integer.parseInt(args[1]);
        Scheduler s = Scheduler.builder().maxConcurrent(2).maxQueueSize(1 << 12).resultRetention(RETAINED).build();
        // room for every handle from the start: growing it while the heap is full would lose one
        List<TaskHandle<?>> accepted = new ArrayList<>(20_000 + rounds * (SEGMENT + OPS_PER_ROUND * 4));
        TaskSpec<Integer> noOp = TaskSpec.of("oom", () -> 1);
        List<TaskSpec<Integer>> group = List.of(noOp, TaskSpec.of("oom", () -> 2).withPriority(Priority.HIGH), noOp);
        TaskSpec<Integer> high = noOp.withPriority(Priority.HIGH);
        TaskSpec<Integer> timed = noOp.withTimeout(Duration.ofHours(1)); // handed to the deadline thread
        // queues of 16-task chunks (the least): a few submits a round cross into a new chunk
        Scheduler small = Scheduler.builder().maxConcurrent(1).maxQueueSize(SMALL_QUEUE).resultRetention(RETAINED).build();
        List<TaskHandle<?>> acceptedSmall = new ArrayList<>(rounds * (SMALL_QUEUE + 1) + 2_000);
        for (int batch = 0; batch < 10; batch++) { // warm: code, both levels' queue chunk pools, the ring
            for (int i = 0; i < 500; i++) {
                accepted.add(s.submit(noOp));
                accepted.add(s.submit(high));
            }
            drain(s, accepted);
            for (int i = 0; i < 100; i++) {
                acceptedSmall.add(submitWhenFree(small, i % 2 == 0 ? noOp : timed));
            }
            drain(small, acceptedSmall);
        }
        Object[] ballast = new Object[1 << 16];
        long errors = 0;
        long refused = 0;
        for (int round = 0; round < rounds; round++) {
            CountDownLatch gate = new CountDownLatch(1);
            TaskSpec<Integer> holder = TaskSpec.of("holder", () -> {
                gate.await();
                return 0;
            });
            accepted.add(s.submit(holder));
            accepted.add(s.submit(holder));
            // queued behind the holders, so that the id table's first segment is nearly full and
            // some submits below find their slot in a segment still to be allocated
            int queued = SEGMENT - RETAINED - 2 - 1 - round % 8;
            for (int i = 0; i < queued; i++) {
                accepted.add(s.submit(noOp));
            }
            TaskHandle<?> victim = s.submit(noOp); // pending: cancelled first thing with the heap full
            accepted.add(victim);
            // pending, and due while the heap is full: the deadline thread's time-out meets it
            accepted.add(s.submit(noOp.withTimeout(Duration.ofMillis(1))));
            acceptedSmall.add(small.submit(holder));
            for (int i = 0; i < round % 8; i++) { // so that the chunk boundary falls at a different op
                acceptedSmall.add(small.submit(noOp));
            }
            int held = HeapBallast.fill(ballast, step * (round + 1));
            try {
                victim.cancel(false);
            } catch (OutOfMemoryError e) {
                errors++;
            }
            boolean carriersRun = round % 3 == 2;
            if (carriersRun) {
                gate.countDown(); // this round the carriers run the tasks while the heap is full
            }
            TaskHandle<?> last = null;
            for (int op = 0; op < OPS_PER_ROUND; op++) {
                try {
                    switch (op % 6) {
                        case 0, 3 -> {
                            TaskHandle<?> h = s.submit(op % 12 == 3 ? timed : noOp);
                            accepted.add(h);
                            last = h;
                        }
                        case 1 -> {
                            TaskHandle<?> h;
                            try {
                                // a waiting submit that does not wait: its own admission path
                                h = op % 12 == 1 ? s.trySubmit(noOp) : s.submit(timed, Duration.ZERO);
                            } catch (RejectedTaskException full) {
                                h = null;
                            }
                            if (h != null) {
                                accepted.add(h);
                            } else {
                                refused++;
                            }
                        }
                        case 2 -> {
                            // a group that met the full heap while queueing stands: its members
                            // not queued end FAILED with the error
                            List<TaskHandle<Integer>> members = s.submitAll(group).members();
                            for (int i = 0; i < members.size(); i++) {
                                accepted.add(members.get(i)); // no iterator, and the list has room: no allocation
                            }
                        }
                        case 4 -> {
                            if (last != null) {
                                last.cancel(op % 12 == 4);
                                s.result(last.id());
                            }
                        }
                        default -> {
                            s.status();
                            if (last != null) {
                                last.future(); // made on first use: may fail while a carrier completes it
                            }
                        }
                    }
                } catch (OutOfMemoryError | RejectedTaskException e) {
                    errors++;
                }
            }
            for (int op = 0; op < SMALL_QUEUE; op++) {
                try {
                    TaskHandle<?> h = op % 3 == 2 ? small.trySubmit(timed) : small.trySubmit(noOp);
                    if (h != null) {
                        acceptedSmall.add(h);
                    } else {
                        refused++;
                    }
                } catch (OutOfMemoryError e) {
                    errors++;
                }
            }
            for (int i = 0; i < held; i++) {
                ballast[i] = null;
            }
            gate.countDown();
            drain(s, accepted); // then an idle carrier gives the grown segment back, if it can
            drain(small, acceptedSmall);
        }
        List<String> findings = new ArrayList<>();
        SchedulerStatus st = check("", s, noOp, accepted, findings);
        SchedulerStatus smallSt = check("the small scheduler: ", small, timed, acceptedSmall, findings);
        System.out.println("rounds " + rounds + ", errors thrown to callers " + errors + ", refused " + refused
                + ", tasks accepted " + accepted.size() + " + " + acceptedSmall.size() + ", completed "
                + st.completed() + " + " + smallSt.completed() + ", failed " + st.failed() + " + " + smallSt.failed()
                + ", cancelled " + st.cancelled() + " + " + smallSt.cancelled());
        findings.forEach(f -> System.out.println("FINDING: " + f));
        System.exit(findings.isEmpty() ? 0 : 1);
    }

    /**
     * Checks one scheduler after the rounds: it still runs new work, every accepted task ended,
     * it counts exactly the tasks handed to callers, its counters balance, and it terminates.
     */
    private static SchedulerStatus check(String which, Scheduler s, TaskSpec<Integer> spec,
                                         List<TaskHandle<?>> accepted, List<String> findings) throws Exception {
        for (int i = 0; i < 1_000; i++) { // the scheduler still runs new work
            accepted.add(submitWhenFree(s, spec));
        }
        drain(s, accepted);
        // and still meets deadlines: its deadline thread outlived the errors it met
        TaskHandle<Integer> due = s.submit(TaskSpec.of("due", () -> {
            long until = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
            return 0;
        }).withTimeout(Duration.ofMillis(1)));
        accepted.add(due);
        drain(s, accepted);
        if (due.state() != TaskState.FAILED) {
            findings.add(which + "a task with a 1 ms timeout ended " + due.state() + ": the deadline thread is gone");
        }
        SchedulerStatus st = s.status();
        for (TaskHandle<?> h : accepted) {
            if (!h.state().isFinal() || !h.future().isDone()) {
                findings.add(which + "task " + h.id() + " never ended: " + h.state());
            }
        }
        if (st.submitted() != accepted.size()) {
            findings.add(which + "the scheduler counts " + st.submitted() + " submitted, the callers hold "
                    + accepted.size() + " handles");
        }
        for (TaskHandle<?> h : accepted) { // a task fails only for a deadline or for the full heap
            if (h.result() instanceof TaskResult.Failed<?> f && !(f.error() instanceof java.util.concurrent.TimeoutException)
                    && !(f.error() instanceof OutOfMemoryError)) {
                findings.add(which + "task " + h.id() + " failed with " + f.error());
            }
        }
        if (st.pending() != 0 || st.running() != 0
                || st.completed() + st.failed() + st.cancelled() != st.submitted()) {
            findings.add(which + "counters do not balance: " + st);
        }
        s.shutdown();
        if (!s.awaitTermination(Duration.ofSeconds(60))) {
            findings.add(which + "shutdown did not terminate: " + s.status());
        }
        return st;
    }

    /** Submits, spinning while the queue is full (the small scheduler's bound is 16). */
    private static TaskHandle<?> submitWhenFree(Scheduler s, TaskSpec<Integer> spec) {
        TaskHandle<?> h;
        while ((h = s.trySubmit(spec)) == null) {
            Thread.onSpinWait();
        }
        return h;
    }

    /** Waits, without sleeping, until every task accepted so far is final and the scheduler quiet. */
    private static void drain(Scheduler s, List<TaskHandle<?>> accepted) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        for (TaskHandle<?> h : accepted) {
            while (!h.state().isFinal()) {
                if (System.nanoTime() - deadline > 0) {
                    System.out.println("FINDING: task " + h.id() + " did not end in 20 s: " + h.state());
                    System.exit(1);
                }
                Thread.onSpinWait();
            }
        }
        while (s.status().running() != 0 || s.status().pending() != 0) {
            if (System.nanoTime() - deadline > 0) {
                System.out.println("FINDING: the scheduler did not go quiet in 20 s: " + s.status());
                System.exit(1);
            }
            Thread.onSpinWait();
        }
    }
}
