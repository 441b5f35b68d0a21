package dev.gepa.scheduler.bench;

import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * A fixed set of parked threads that each run {@code body(k)} once per round: the extra
 * producers of a multi-producer benchmark, and the plain threads of the "ideal" runner. The
 * benchmark thread starts a round with {@link #startRound()}; a member's failure is kept and
 * rethrown to the benchmark thread, so a broken round fails the benchmark instead of hanging it.
 */
final class Crew implements AutoCloseable {
    private final Thread[] members;
    private final IntConsumer body;
    private volatile long round;
    private final long[] finishedRound; // written by member k, read by awaitRound
    private volatile boolean stop;
    private volatile Throwable failure;

    /**
     * Starts {@code size} daemon members; when {@code counters} is given they are counted
     * threads registered there (their jobs count as that pool's completions).
     */
    Crew(String name, int size, IntConsumer body, Counters counters) {
        this.body = body;
        this.members = new Thread[size];
        this.finishedRound = new long[size];
        for (int k = 0; k < size; k++) {
            int member = k;
            Runnable loop = () -> memberLoop(member);
            Thread t = counters != null
                    ? counters.threadFactory(name).newThread(loop)
                    : new Thread(loop, name + "-" + k);
            t.setDaemon(true);
            members[k] = t;
        }
        for (Thread t : members) {
            t.start();
        }
    }

    int size() {
        return members.length;
    }

    private void memberLoop(int k) {
        long seen = 0;
        while (!stop) {
            long r = round;
            if (r == seen) {
                LockSupport.park(this);
                continue;
            }
            seen = r;
            try {
                body.accept(k);
            } catch (Throwable t) {
                failure = t;
            }
            synchronized (finishedRound) { // rare: once per member per round
                finishedRound[k] = r;
            }
        }
    }

    /** Starts a round: every member runs its body once. */
    void startRound() {
        round++;
        for (Thread t : members) {
            LockSupport.unpark(t);
        }
    }

    /** Waits (parking in short steps) until every member has finished the current round. */
    void awaitRound() {
        long r = round;
        long deadline = System.nanoTime() + Pool.STUCK.toNanos();
        while (!finished(r)) {
            rethrowFailure();
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("crew round " + r + " did not finish");
            }
            LockSupport.parkNanos(20_000L);
        }
        rethrowFailure();
    }

    private boolean finished(long r) {
        synchronized (finishedRound) {
            for (long f : finishedRound) {
                if (f != r) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Throws a member's failure, if one has failed. */
    void rethrowFailure() {
        Throwable t = failure;
        if (t != null) {
            throw new IllegalStateException("a crew member failed", t);
        }
    }

    @Override
    public void close() {
        stop = true;
        for (Thread t : members) {
            LockSupport.unpark(t);
        }
        for (Thread t : members) {
            try {
                t.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
