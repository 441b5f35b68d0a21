package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.TaskHandle;
import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.lincheck.datastructures.ModelCheckingOptions;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;

import java.lang.reflect.Method;
import java.util.List;

import static org.jetbrains.lincheck.datastructures.ManagedStrategyGuaranteeKt.forClasses;

/**
 * The operations and the small carrier-less core shared by the Lincheck tests of the kernel
 * ({@link SchedulerLinearizabilityTest}, {@link GuardedClaimLinearizabilityTest},
 * {@link StatusLinearizabilityTest}): submit and cancel ({@link TaggedSubmits}) and result
 * lookup, naming tasks by small tags. The core is small so that the interesting states
 * are reached in a few operations: one carrier, priorities on, and a retention of 2 finished
 * tasks (so lookups see eviction). The queue bound (16) is out of the scenarios' reach: at the
 * bound, a submit racing a claim or a cancel may be refused in the instant before that claim or
 * cancel gives its place back (the bound is exact at quiescence, never exceeded, and checked by
 * the jcstress tests AdmissionBound and CancelVsSubmitAtBound), which is not linearizable.
 */
public abstract class LinearizabilityFixture extends TaggedSubmits {

    /** With the small core described above. */
    protected LinearizabilityFixture() {
        this(new SchedulerConfig(1, 16, true, 0.8, null, null, 2, false));
    }

    /** With the small core described above, as {@code config} sets it (a test's variant). */
    LinearizabilityFixture(SchedulerConfig config) {
        super(config);
    }

    /** Looks the task tagged {@code tag} up by its id. */
    @Operation
    public String result(@Param(name = "tag") int tag) {
        TaskHandle<?> h = handle(tag);
        return h == null ? "unknown" : core.result(h.id()).getClass().getSimpleName();
    }

    /**
     * Model-checks the concrete test's operations with these options: random scenarios, and
     * first {@code pinned} ones.
     */
    static void check(Class<?> test, ExecutionScenario... pinned) {
        ModelCheckingOptions options = new ModelCheckingOptions()
                // the stack probe is deliberate recursion with no shared state: not a livelock
                .addGuarantee(forClasses(StackHeadroom.class.getName()).allMethods().ignore())
                .iterations(40)
                .invocationsPerIteration(500)
                .threads(3)
                .actorsPerThread(3);
        for (ExecutionScenario scenario : pinned) {
            options.addCustomScenario(scenario);
        }
        options.check(test);
    }

    /**
     * For a test with a {@code claim()} operation: a LOW task queued, the carrier claims while
     * another thread submits a NORMAL task and then looks the LOW one up. Its answer pins the
     * claim's instant: a lookup that sees LOW pending after the NORMAL submit returned must not
     * be followed by a claim of LOW (a claim must take effect at one instant at which no more
     * urgent task was queued). Random scenarios reach this rarely.
     */
    static ExecutionScenario claimVsReturnedSubmit(Class<?> test) {
        try {
            Method submit = TaggedSubmits.class.getMethod("submit", int.class, int.class);
            Method result = LinearizabilityFixture.class.getMethod("result", int.class);
            Method claim = test.getMethod("claim");
            return new ExecutionScenario(
                    List.of(actor(submit, 3, 2)),
                    List.of(List.of(actor(claim)), List.of(actor(submit, 2, 3), actor(result, 2))),
                    List.of(),
                    null);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException(test + " has no claim() operation", e);
        }
    }

    private static Actor actor(Method operation, Object... arguments) {
        return new Actor(operation, List.of(arguments), false, false, false, false, false);
    }
}
