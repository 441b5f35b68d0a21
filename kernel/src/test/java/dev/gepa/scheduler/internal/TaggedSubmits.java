package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskSpec;
import org.jetbrains.lincheck.datastructures.IntGen;
import org.jetbrains.lincheck.datastructures.Operation;
import org.jetbrains.lincheck.datastructures.Param;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Submit and cancel of tasks named by small tags, the operations every Lincheck test of the
 * kernel shares, on a carrier-less core of the test's configuration.
 */
@Param(name = "level", gen = IntGen.class, conf = "0:3")
@Param(name = "tag", gen = IntGen.class, conf = "0:4")
public abstract class TaggedSubmits {

    final SchedulerCore core;

    /** On a carrier-less core of {@code config}. */
    TaggedSubmits(SchedulerConfig config) {
        core = SchedulerCore.createWithoutCarriers(config);
    }

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
    TaskHandle<?> handle(int tag) {
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
}
