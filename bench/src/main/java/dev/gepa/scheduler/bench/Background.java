package dev.gepa.scheduler.bench;

/**
 * Keeps a pool's workers busy: {@code chains} self-resubmitting LOW-priority jobs, each burning
 * about {@code micros} of CPU and then submitting its successor. The number of background tasks
 * in the pool is thus constant ({@code chains}: those running plus a short queue), which keeps
 * the load steady without a feeder thread competing for the cores.
 */
final class Background implements AutoCloseable {
    private static final int LOW = 3;

    private volatile boolean running = true;
    private final Pool pool;

    Background(Pool pool, int chains, double micros) {
        this.pool = pool;
        long tokens = Cpu.tokensFor(micros);
        Pool.Submitter[] self = new Pool.Submitter[1];
        Job chain = new Job() {
            @Override
            public void run() {
                org.openjdk.jmh.infra.Blackhole.consumeCPU(tokens);
                if (running) {
                    self[0].submit(LOW);
                }
            }

            @Override
            String name() {
                return "background";
            }
        };
        self[0] = pool.submitter(chain);
        for (int i = 0; i < chains; i++) {
            self[0].submit(LOW);
        }
    }

    /** Stops the chains and gives their last links time to finish. */
    @Override
    public void close() {
        running = false;
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    Pool pool() {
        return pool;
    }
}
