package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskSpec;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Param;

import java.util.concurrent.ConcurrentHashMap;

import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

/**
 * The operations and the small carrier-less core shared by the Lincheck tests of the kernel
 * ({@link SchedulerLinearizabilityTest}, {@link StatusLinearizabilityTest}): submit, cancel and
 * result lookup, naming tasks by small tags. The core is small so that the interesting states
 * are reached in a few operations: one carrier, priorities on, and a retention of 2 finished
 * tasks (so lookups see eviction). The queue bound (16) is out of the scenarios' reach: at the
 * bound, a submit racing a claim or a cancel may be refused in the instant before that claim or
 * cancel gives its place back (the bound is exact at quiescence, never exceeded, and checked by
 * the jcstress tests AdmissionBound and CancelVsSubmitAtBound), which is not linearizable.
 */
@Param(name = "level", gen = IntGen.class, conf = "0:3")
@Param(name = "tag", gen = IntGen.class, conf = "0:4")
public abstract class LinearizabilityFixture {

    final SchedulerCore core = SchedulerCore.createWithoutCarriers(
            new SchedulerConfig(1, 16, true, 0.8, null, null, 2, false));

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


    /** Submits a task tagged {@code tag} at a priority level, unless that tag was used before. */
    @Operation
    public String submit(@Param(name = "level") int level, @Param(name = "tag") int tag) {
        Submit mine = new Submit();
        if (submits.putIfAbsent(tag, mine) != null) {
            handle(tag); // takes effect after the submit that holds the tag
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

    /** Model-checks the concrete test's operations with these options. */
    static void check(Class<?> test) {
        new ModelCheckingOptions()
                // the stack probe is deliberate recursion with no shared state: not a livelock
                .addGuarantee(forClasses(StackHeadroom.class.getName()).allMethods().ignore())
                .iterations(40)
                .invocationsPerIteration(500)
                .threads(3)
                .actorsPerThread(3)
                .check(test);
    }
}
