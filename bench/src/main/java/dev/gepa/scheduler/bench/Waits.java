package dev.gepa.scheduler.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;

/**
 * How often an executor's threads waited, read from outside: the JVM counts every park and
 * monitor wait of a thread ({@link ThreadInfo#getWaitedCount()}), so the difference over an
 * iteration, divided by the tasks run, is the executor's parks per task (each one paid for by
 * an unpark somewhere, usually on another thread). No executor needs to expose a counter, and
 * every executor is measured the same way. Read at iteration boundaries only: a read costs a
 * safepoint.
 */
final class Waits {
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private Waits() { }

    /** The summed waited counts of the live threads among {@code ids}. */
    static long of(long[] ids) {
        long sum = 0;
        for (ThreadInfo info : THREADS.getThreadInfo(ids)) {
            if (info != null) {
                sum += info.getWaitedCount();
            }
        }
        return sum;
    }
}
