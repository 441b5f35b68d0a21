package dev.gepa.scheduler.bench;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.locks.LockSupport;

/**
 * The completion counters of one pool: one padded cell per worker thread, each written only by
 * its thread ({@link #tick()}) and summed by the waiting benchmark thread.
 *
 * <p>The waiter parks in short steps between sums instead of spinning: on a two-core machine a
 * spinning waiter would take a core away from the very workers it waits for. The step (about
 * 20 µs asked, some 50-60 µs on Linux in practice) is small next to a batch (milliseconds) and
 * is the same for every executor.
 */
final class Counters {
    private static final long PARK_STEP_NANOS = 20_000L;

    private final CopyOnWriteArrayList<Counted> members = new CopyOnWriteArrayList<>();

    /** Counts one finished job for the calling thread, which must be a {@link Counted} thread. */
    static void tick() {
        ((Counted) Thread.currentThread()).cell().increment();
    }

    /** A factory of daemon {@link CountedThread}s registered here. */
    ThreadFactory threadFactory(String prefix) {
        return r -> register(new CountedThread(r, prefix + "-" + members.size()));
    }

    /** Registers a counted thread (before it starts) and returns it. */
    <T extends Thread & Counted> T register(T thread) {
        members.add(thread);
        return thread;
    }

    /** The ids of the registered threads, in registration order. */
    long[] threadIds() {
        return members.stream().mapToLong(c -> ((Thread) c).getId()).toArray();
    }

    /** The jobs finished by all registered threads so far. */
    long sum() {
        long s = 0;
        for (Counted c : members) {
            s += c.cell().get();
        }
        return s;
    }

    /**
     * Waits until {@link #sum()} reaches {@code target}. Fails instead of hanging: if a helper
     * crew failed, with its failure; after {@link Pool#STUCK}, with an exception naming
     * {@code what}.
     */
    void await(long target, Crew helpers, String what) {
        long deadline = System.nanoTime() + Pool.STUCK.toNanos();
        long s;
        while ((s = sum()) < target) {
            if (helpers != null) {
                helpers.rethrowFailure();
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException(what + ": only " + s + " of " + target
                        + " jobs finished after " + Pool.STUCK);
            }
            LockSupport.parkNanos(PARK_STEP_NANOS);
        }
    }

    /** A daemon thread with its own counter cell. */
    static final class CountedThread extends Thread implements Counted {
        private final Cell cell = new Cell();

        CountedThread(Runnable r, String name) {
            super(r, name);
            setDaemon(true);
        }

        @Override
        public Cell cell() {
            return cell;
        }
    }

    /**
     * One thread's counter, padded on both sides so that two workers' cells (allocated next to
     * each other) never share a cache line. Single writer: increment is a plain read and a
     * release store, no atomic instruction.
     */
    static final class Cell extends CellValue {
        long q0, q1, q2, q3, q4, q5, q6, q7;

        void increment() {
            VALUE.setRelease(this, value + 1);
        }

        long get() {
            return (long) VALUE.getAcquire(this);
        }
    }

    abstract static class CellPad {
        long p0, p1, p2, p3, p4, p5, p6, p7;
    }

    abstract static class CellValue extends CellPad {
        static final VarHandle VALUE;

        static {
            try {
                VALUE = MethodHandles.lookup().findVarHandle(CellValue.class, "value", long.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        long value;
    }
}
