package dev.gepa.scheduler.bench;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * The "ideal" runner of the overhead benchmarks: the same jobs run directly on {@code workers}
 * plain threads, with no queue, no hand-off and no bookkeeping beyond the least any parallel
 * runner needs: the threads claim jobs from a shared index, a few at a time (about 16 µs of work
 * per claim), so the work still balances when another process takes a core for a while. (A fixed
 * split would not: on a shared machine it waits for the slowest thread and ran measurably slower
 * than the kernel.)
 */
final class IdealRunner implements AutoCloseable {
    private final Counters counters = new Counters();
    private final AtomicInteger next = new AtomicInteger();
    private final Crew crew;
    private final int tasks;

    IdealRunner(int workers, int tasks, double workMicros, Job job) {
        this.tasks = tasks;
        int chunk = (int) Math.max(1, Math.round(16.0 / workMicros));
        this.crew = new Crew(OverheadBenchmark.IDEAL, workers, k -> {
            for (int i; (i = next.getAndAdd(chunk)) < tasks; ) {
                for (int j = i, end = Math.min(i + chunk, tasks); j < end; j++) {
                    job.run();
                }
            }
        }, counters);
    }

    /** Runs one batch of {@code tasks} jobs and waits for it, as the pools are waited for. */
    void runBatch() {
        long target = counters.sum() + tasks;
        next.set(0);
        crew.startRound();
        counters.await(target, crew, OverheadBenchmark.IDEAL);
    }

    @Override
    public void close() {
        crew.close();
    }
}
