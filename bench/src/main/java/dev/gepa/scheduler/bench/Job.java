package dev.gepa.scheduler.bench;

import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/**
 * The body of a benchmark task, usable as a {@link Runnable} (baselines) and as a
 * {@link Callable} (kernel specs). One job object is submitted many times, so no executor is
 * charged for allocating the task body; each executor allocates only what it needs per task.
 */
abstract class Job implements Runnable, Callable<Void> {

    /** The candidate id used when the job is wrapped in a kernel spec. */
    abstract String name();

    @Override
    public final Void call() {
        run();
        return null;
    }

    /** Does nothing but count itself done. */
    static Job noOp() {
        return new Job() {
            @Override
            public void run() {
                Counters.tick();
            }

            @Override
            String name() {
                return "no-op";
            }
        };
    }

    /** Burns {@code tokens} of {@link Blackhole#consumeCPU(long)}, then counts itself done. */
    static Job burn(long tokens) {
        return new Job() {
            @Override
            public void run() {
                Blackhole.consumeCPU(tokens);
                Counters.tick();
            }

            @Override
            String name() {
                return "burn-" + tokens;
            }
        };
    }

    /**
     * Holds a worker: counts {@code started} down once it runs (so a benchmark knows the worker
     * is really held, not merely assigned), then waits until {@code gate} opens.
     */
    static Job gate(CountDownLatch started, CountDownLatch gate) {
        return new Job() {
            @Override
            public void run() {
                started.countDown();
                try {
                    gate.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }

            @Override
            String name() {
                return "gate";
            }
        };
    }
}
