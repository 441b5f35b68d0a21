package dev.gepa.scheduler.bench;

/**
 * A worker thread that counts the jobs it has finished in a cell of its own. Each benchmark
 * worker (kernel carrier, pool worker, plain thread) is one, so that a job can say "done" with
 * a plain store to memory no other thread writes: the completion count then costs the executors
 * next to nothing and does not itself become the bottleneck being measured.
 */
interface Counted {
    /** This thread's counter cell. */
    Counters.Cell cell();
}
