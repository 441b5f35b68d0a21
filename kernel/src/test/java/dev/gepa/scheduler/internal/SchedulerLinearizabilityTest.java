package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskSpec;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;
import org.junit.jupiter.api.Test;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Model-checks the operations users combine (submit, cancel, result lookup, status) on a
 * carrier-less core, with one thread playing the carrier (take and run), against the
 * sequential specification that is the same core driven by one thread (the carrier's claim and
 * its run are separate operations, since a claimed task is visibly running in between): every interleaving
 * Lincheck's model checker explores must produce results that some sequential order of the
 * same operations, each taking effect at one instant inside its call, would produce.
 *
 * <p>The core is small so that the interesting states are reached in a few operations: a
 * queue bound of 2 (so submits are refused), one carrier, priorities on, and a retention of 2
 * finished tasks (so lookups see eviction). Operations name tasks by small tags.
 */
@Param(name = "level", gen = IntGen.class, conf = "0:3")
@Param(name = "tag", gen = IntGen.class, conf = "0:4")
public class SchedulerLinearizabilityTest {

    private final SchedulerCore core = SchedulerCore.createWithoutCarriers(
            new SchedulerConfig(1, 2, true, 0.8, null, null, 2, false));

    /**
     * A tagged submit, entered in {@link #submits} before it calls the kernel, so that an
     * operation naming the tag can wait for the submit rather than miss it: a task's id
     * depends on the order in which submits registered, not on the order in which they took
     * effect, so operations name tasks by tags.
     */
    static final class Submit {
        volatile boolean done;
        volatile TaskHandle<?> handle; // null if refused
    }

    private final ConcurrentHashMap<Integer, Submit> submits = new ConcurrentHashMap<>();

    /** The task the carrier claimed and has not run yet; the carrier's thread only. */
    private Task<?> claimed;

    /** Lincheck makes one instance per scenario run and one per sequential replay. */
    public SchedulerLinearizabilityTest() {
    }

    /** Submits a task tagged {@code tag} at a priority level, unless that tag was used before. */
    @Operation
    public String submit(@Param(name = "level") int level, @Param(name = "tag") int tag) {
        Submit mine = new Submit();
        if (submits.putIfAbsent(tag, mine) != null) {
            return "duplicate";
        }
        mine.handle = core.trySubmit(
                TaskSpec.of("L" + level + "T" + tag, Priority.values()[level], () -> "ran"));
        mine.done = true;
        return mine.handle == null ? "refused" : "accepted";
    }

    /** The handle of the task tagged {@code tag}, once its submit returned; null if none. */
    private TaskHandle<?> handle(int tag) {
        Submit submit = submits.get(tag);
        if (submit == null) {
            return null;
        }
        while (!submit.done) {
            Thread.onSpinWait(); // the submit is under way: take effect after it
        }
        return submit.handle;
    }

    /** Cancels the task tagged {@code tag}, without interrupting. */
    @Operation
    public String cancel(@Param(name = "tag") int tag) {
        TaskHandle<?> h = handle(tag);
        return h == null ? "unknown" : String.valueOf(h.cancel(false));
    }

    /** Looks the task tagged {@code tag} up by its id. */
    @Operation
    public String result(@Param(name = "tag") int tag) {
        TaskHandle<?> h = handle(tag);
        return h == null ? "unknown" : core.result(h.id()).getClass().getSimpleName();
    }

    /**
     * The counts a caller reads to see the scheduler's load. Not {@code rejected}: a refusal is
     * counted just after the refused submit decides, so a snapshot may not count a refusal that
     * is under way (documented on {@link SchedulerStatus}).
     */
    @Operation
    public String status() {
        SchedulerStatus s = core.status();
        return "submitted=" + s.submitted() + " pending=" + s.pending();
    }

    /** The carrier claims the most urgent task; returns its candidate id and task id. */
    @Operation(nonParallelGroup = "carrier")
    public String claim() {
        if (claimed != null) {
            return "busy";
        }
        Task<?> task;
        // a null take while a queue holds entries means a submitter is between claiming its
        // queue slot and storing its task: the take stops there rather than pass the task over
        // (the priority guarantee), and the submitter wakes a carrier once it has stored; the
        // real carrier parks until then, this one looks again
        while ((task = core.takeForTest(0)) == null && core.mayHoldTasks()) {
            Thread.onSpinWait();
        }
        if (task == null) {
            return "none";
        }
        claimed = task;
        return task.candidateId();
    }

    /** The carrier runs the task it claimed, to completion. */
    @Operation(nonParallelGroup = "carrier")
    public String run() {
        Task<?> task = claimed;
        if (task == null) {
            return "idle";
        }
        claimed = null;
        core.runForTest(0, task);
        return task.state().name();
    }

    @Test
    void operationsAreLinearizable() {
        new ModelCheckingOptions()
                .iterations(40)
                .invocationsPerIteration(500)
                .threads(3)
                .actorsPerThread(3)
                .check(getClass());
    }
}
