package dev.gepa.scheduler.bench;

import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskSpec;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * How promptly a deadline is kept: the one carrier is held by a task blocked on a gate, and one
 * operation submits a task with a {@code timeoutMicros} deadline behind it and waits for its
 * future, which the scheduler's deadline thread fails when the deadline passes. Sample time per
 * operation: what exceeds {@code timeoutMicros} is the lateness of the time-out (the deadline
 * thread's wake-up, the task's settling, the future's completion and the waiter's wake-up).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class DeadlineBenchmark {

    /** The tasks' time limit. */
    @Param({"1000"})
    public long timeoutMicros;

    private final CountDownLatch gate = new CountDownLatch(1);
    private Scheduler scheduler;
    private TaskSpec<Object> spec;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        scheduler = Scheduler.builder().maxConcurrent(1).maxQueueSize(1024).build();
        CountDownLatch started = new CountDownLatch(1);
        scheduler.submit(TaskSpec.of("gate", () -> {
            started.countDown();
            gate.await();
            return null;
        }));
        started.await();
        spec = TaskSpec.<Object>of("deadline", () -> null).withTimeout(Duration.ofNanos(timeoutMicros * 1000));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        gate.countDown();
        scheduler.close();
    }

    /** Submits a task that cannot start before its deadline, and waits for its time-out. */
    @Benchmark
    public Object pendingTaskTimesOut() throws InterruptedException {
        TaskHandle<Object> task = scheduler.submit(spec);
        try {
            task.future().get();
        } catch (ExecutionException expected) {
            if (expected.getCause() instanceof TimeoutException) {
                return expected;
            }
        }
        throw new IllegalStateException("the task did not time out: " + task);
    }
}
