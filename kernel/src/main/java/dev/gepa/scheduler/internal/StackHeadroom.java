package dev.gepa.scheduler.internal;

/**
 * Proves, before a caller's operation commits, that the calling thread's stack has room for
 * everything the operation must do after its commit.
 *
 * <h2>Implementation notes</h2>
 *
 * <p>A caller near its stack limit (a deep recursion that submits per node, a long chain of
 * future callbacks that cancels) gets a {@link StackOverflowError} at whatever method entry
 * crosses the limit. Inside a kernel operation that would be fatal after its commit point (an
 * admission taken but the task never published, a task published CANCELLED but never counted,
 * a carrier marked woken but never unparked), and harmless before it. So each user-facing
 * operation that commits shared state calls {@link #ensure()} first: a fixed-depth recursion
 * whose frames are at least as large as the frames of the operation's whole post-commit path
 * (in the interpreter and when compiled, since a frame's size comes from its arguments and
 * locals). If the stack is too short, the error is thrown here, before anything changed; if
 * not, the same stack is there again when the probe returns, so the post-commit path cannot
 * overflow. (The JVM throws only at method entry, and native code runs in the shadow zone it
 * keeps below every Java frame.)
 *
 * <p>Why this also makes undo paths safe: an operation whose body fails after the probe fails
 * deeper than the probe reached, so its {@code finally}, back at the operation's own frame,
 * has the probed room for the undo.
 *
 * <p>Cost: {@value #SUBMIT_FRAMES} calls with stack-passed arguments per submit,
 * {@value #CANCEL_FRAMES} per cancel; carriers, whose stacks the kernel owns, do not probe. The
 * depths were found by sweeping the stack depth at which submit and cancel are called
 * (KernelErrorTest), with margin: the cancel sweeps fail at 24 frames and pass at 32. A frame's
 * arguments are constants, so a call costs one store per stack-passed argument and no loads
 * (about 1.5 ns a frame compiled, against 4 ns when each frame forwarded its own arguments,
 * for frames of the same size: the greatest depth a 1 MB stack reaches is the same).
 */
final class StackHeadroom {
    /** Probe frames for a submit, with {@link #probe}'s sixteen long arguments. */
    static final int SUBMIT_FRAMES = 16;
    /**
     * Probe frames for a cancel, whose post-commit path is longer and mostly interpreted (it
     * runs rarely): result retention, and completing the future with its exception.
     */
    static final int CANCEL_FRAMES = 64;

    private StackHeadroom() {
    }

    /**
     * Returns normally if the stack has the headroom of {@code frames} probe frames; otherwise throws StackOverflowError
     * before the caller changed anything.
     */
    static void ensure(int frames) {
        if (probe(frames, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) == 0L) {
            throw new AssertionError(); // unreachable: the sum is positive; keeps the calls live
        }
    }

    /**
     * One probe frame per level. The arguments are constants: a call passes them with one store
     * each and no loads, so a frame costs a third of what forwarding its own arguments would,
     * for the same size (measured alike compiled and interpreted).
     */
    private static long probe(int depth, long a, long b, long c, long d, long e, long f, long g,
            long h, long i, long j, long k, long l, long m, long n, long o) {
        if (depth == 0) {
            return a ^ o;
        }
        return probe(depth - 1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15) + a;
    }
}
