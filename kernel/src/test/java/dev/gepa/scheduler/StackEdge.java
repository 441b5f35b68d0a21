package dev.gepa.scheduler;

/**
 * Runs an action with little stack left, so that a {@link StackOverflowError} lands inside it at
 * a chosen point: {@link #at(int)} recurses {@code depth} frames of a small method and then calls
 * the action. {@link #calibrate()} finds the deepest depth at which an empty action still runs;
 * sweeping the depths just below it, one frame (a few bytes of stack) at a time, moves the point
 * where the error lands through every method entry of the action's call tree.
 *
 * <p>Use one instance per thread, on a thread made for the sweep: the calibration holds only for
 * the thread, the stack depth and the compiled state it was taken with.
 */
final class StackEdge {
    /** What the sweep calls at the edge of the stack. */
    interface Action {
        void run() throws Exception;
    }

    /** Where a run at one depth ended. */
    enum Outcome {
        /** The error came before the action was called. */
        OVERFLOW_BEFORE,
        /** The action was called and the error escaped it. */
        OVERFLOW_INSIDE,
        /** The action returned (or threw something else, rethrown by {@link #at}). */
        RETURNED
    }

    private Action action;
    private boolean entered;

    private int dive(int left) throws Exception {
        if (left == 0) {
            entered = true;
            action.run();
            return 0;
        }
        return dive(left - 1) + 1; // not a tail call: every level keeps its frame
    }

    /** Runs {@code a} at {@code depth} frames below the caller. */
    Outcome at(int depth, Action a) throws Exception {
        action = a;
        entered = false;
        try {
            dive(depth);
            return Outcome.RETURNED;
        } catch (StackOverflowError e) {
            return entered ? Outcome.OVERFLOW_INSIDE : Outcome.OVERFLOW_BEFORE;
        }
    }

    /**
     * Compiles the recursion, then returns the deepest depth at which an empty action is still
     * reached from this thread at this point of its stack.
     */
    int calibrate() throws Exception {
        Action none = () -> { };
        for (int i = 0; i < 20_000; i++) {
            at(200, none);
        }
        int lo = 0;
        int hi = 1 << 22;
        while (lo < hi) { // the largest depth that returns
            int mid = (lo + hi + 1) >>> 1;
            if (at(mid, none) == Outcome.RETURNED) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }
}
