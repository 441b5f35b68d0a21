package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.TaskHandle;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;

import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

/**
 * The operations and the small carrier-less core shared by the Lincheck tests of the kernel
 * ({@link SchedulerLinearizabilityTest}, {@link StatusLinearizabilityTest}): submit and cancel
 * ({@link TaggedSubmits}) and result lookup, naming tasks by small tags. The core is small so that the interesting states
 * are reached in a few operations: one carrier, priorities on, and a retention of 2 finished
 * tasks (so lookups see eviction). The queue bound (16) is out of the scenarios' reach: at the
 * bound, a submit racing a claim or a cancel may be refused in the instant before that claim or
 * cancel gives its place back (the bound is exact at quiescence, never exceeded, and checked by
 * the jcstress tests AdmissionBound and CancelVsSubmitAtBound), which is not linearizable.
 */
public abstract class LinearizabilityFixture extends TaggedSubmits {

    /** With the small core described above. */
    protected LinearizabilityFixture() {
        super(new SchedulerConfig(1, 16, true, 0.8, null, null, 2, false));
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
