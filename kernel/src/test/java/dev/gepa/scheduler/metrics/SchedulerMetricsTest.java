package dev.gepa.scheduler.metrics;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.RejectedTaskException;
import dev.gepa.scheduler.RejectionReason;
import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskSpec;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jvm.ExecutorServiceMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.jctools.queues.MessagePassingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;

import static dev.gepa.scheduler.example.ChildProcesses.location;
import static dev.gepa.scheduler.example.ChildProcesses.read;
import static dev.gepa.scheduler.example.ChildProcesses.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@link SchedulerMetrics} against a {@link SimpleMeterRegistry}: every meter, its name, tags
 * and value after a known sequence of tasks; Micrometer's own descriptions and units for the
 * executor names; and a kernel that runs with no Micrometer anywhere on its class path.
 */
@Timeout(120)
class SchedulerMetricsTest {

    private static final long TIMEOUT_MS = 30_000;
    private static final AtomicInteger NAMES = new AtomicInteger();

    /** Every meter the binder registers once, by name. */
    private static final List<String> METERS = List.of(
            "executor.active", "executor.queued", "executor.queue.remaining",
            "executor.pool.size", "executor.pool.core", "executor.pool.max",
            "executor.completed", "executor",
            "gepa.scheduler.submitted", "gepa.scheduler.failed", "gepa.scheduler.cancelled",
            "gepa.scheduler.timeouts", "gepa.scheduler.overrunning", "gepa.scheduler.queue.wait", "gepa.scheduler.capacity");

    /** The meters registered once per value of a tag of their own: name, tag key, tag values. */
    private static final List<List<String>> TAGGED_METERS = List.of(
            List.of("gepa.scheduler.rejected", "reason", "queue_full", "shutdown"),
            List.of("gepa.scheduler.pending", "priority", "critical", "high", "normal", "low"),
            List.of("gepa.scheduler.pending.oldest", "priority", "critical", "high", "normal", "low"));

    /** How many meters the binder registers with priorities on. */
    private static final int METER_COUNT = METERS.size()
            + TAGGED_METERS.stream().mapToInt(m -> m.size() - 2).sum();

    /**
     * Two tasks finish (one returns, one throws), two hold both slots, two wait, a third waiter
     * is refused for a full queue and one waiter is cancelled: each meter reads that; then the
     * slots are freed and each reads the quiet scheduler's figures.
     */
    @Test
    void everyMeterReadsTheStatusAfterAKnownSequence() throws Exception {
        String name = uniqueName();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        // resources close in reverse: the blocked tasks are freed before the scheduler's close
        // waits for them, even when an assertion failed
        try (Scheduler scheduler = Scheduler.builder().name(name).maxConcurrent(2).maxQueueSize(2).build();
             Release release = new Release()) {
            new SchedulerMetrics(scheduler, Tags.of("app", "test")).bindTo(registry);

            TaskHandle<Integer> ok = scheduler.submit(TaskSpec.of("ok", () -> 1));
            TaskHandle<Integer> bad = scheduler.submit(TaskSpec.of("bad", () -> {
                throw new IllegalStateException("expected");
            }));
            assertEquals(1, ok.future().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            assertThrows(ExecutionException.class, () -> bad.future().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            // a future may turn final a moment before the carrier counts the task
            awaitCondition("both finished tasks are counted", () -> {
                SchedulerStatus s = scheduler.status();
                return s.completed() == 1 && s.failed() == 1 && s.running() == 0;
            });

            CountDownLatch started = new CountDownLatch(2);
            List<TaskHandle<String>> blocked = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                blocked.add(scheduler.submit(TaskSpec.of("blocked-" + i, () -> {
                    started.countDown();
                    if (!release.latch.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                        throw new TimeoutException("never released");
                    }
                    return "done";
                })));
            }
            assertTrue(started.await(TIMEOUT_MS, TimeUnit.MILLISECONDS), "blocked tasks never started");
            TaskHandle<String> waiting = scheduler.submit(TaskSpec.of("waiting", () -> "late"));
            TaskHandle<String> doomed = scheduler.submit(TaskSpec.of("doomed", () -> "never"));
            RejectedTaskException refused = assertThrows(RejectedTaskException.class,
                    () -> scheduler.submit(TaskSpec.of("refused", () -> "never")));
            assertEquals(RejectionReason.QUEUE_FULL, refused.reason());
            assertTrue(doomed.cancel(false), "a pending task could not be cancelled");
            awaitCondition("the cancelled task leaves the pending count",
                    () -> scheduler.status().pending() == 1);

            assertEquals(2.0, gauge(registry, "executor.active", name));
            assertEquals(1.0, gauge(registry, "executor.queued", name));
            assertEquals(1.0, gauge(registry, "executor.queue.remaining", name));
            assertEquals(2.0, gauge(registry, "executor.pool.size", name));
            assertEquals(2.0, gauge(registry, "executor.pool.core", name));
            assertEquals(2.0, gauge(registry, "executor.pool.max", name));
            assertEquals(1.0, gauge(registry, "gepa.scheduler.capacity", name));
            assertEquals(2.0, counter(registry, "executor.completed", name));
            assertEquals(6.0, counter(registry, "gepa.scheduler.submitted", name));
            assertEquals(1.0, counter(registry, "gepa.scheduler.failed", name));
            assertEquals(1.0, counter(registry, "gepa.scheduler.cancelled", name));
            assertEquals(0.0, counter(registry, "gepa.scheduler.timeouts", name));
            assertEquals(0.0, gauge(registry, "gepa.scheduler.overrunning", name));
            assertEquals(1.0, tagged(registry, "gepa.scheduler.rejected", name, "reason", "queue_full"));
            assertEquals(0.0, tagged(registry, "gepa.scheduler.rejected", name, "reason", "shutdown"));
            assertEquals(1.0, tagged(registry, "gepa.scheduler.pending", name, "priority", "normal"));
            for (String level : List.of("critical", "high", "low")) {
                assertEquals(0.0, tagged(registry, "gepa.scheduler.pending", name, "priority", level), level);
                assertEquals(0.0, tagged(registry, "gepa.scheduler.pending.oldest", name, "priority", level), level);
            }
            double oldest = tagged(registry, "gepa.scheduler.pending.oldest", name, "priority", "normal");
            double waited = scheduler.status().level(Priority.NORMAL).orElseThrow().oldestPendingWait().toNanos() / 1e9;
            assertTrue(oldest >= 0 && oldest <= waited, oldest + " s read, then " + waited + " s in the status");
            assertEquals(2L, timer(registry, "executor", name).count());

            release.open();
            for (TaskHandle<String> h : blocked) {
                assertEquals("done", h.future().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            }
            assertEquals("late", waiting.future().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            awaitCondition("the scheduler is quiet and every task counted", () -> {
                SchedulerStatus s = scheduler.status();
                return s.running() == 0 && s.pending() == 0 && s.completed() == 4;
            });
            SchedulerStatus quiet = scheduler.status();

            assertEquals(0.0, gauge(registry, "executor.active", name));
            assertEquals(0.0, gauge(registry, "executor.queued", name));
            assertEquals(2.0, gauge(registry, "executor.queue.remaining", name));
            assertEquals(0.0, gauge(registry, "gepa.scheduler.capacity", name));
            assertEquals(5.0, counter(registry, "executor.completed", name));
            assertEquals(6.0, counter(registry, "gepa.scheduler.submitted", name));
            assertEquals(1.0, counter(registry, "gepa.scheduler.failed", name));
            assertEquals(1.0, counter(registry, "gepa.scheduler.cancelled", name));
            assertEquals(1.0, tagged(registry, "gepa.scheduler.rejected", name, "reason", "queue_full"));
            for (String level : List.of("critical", "high", "normal", "low")) {
                assertEquals(0.0, tagged(registry, "gepa.scheduler.pending", name, "priority", level), level);
                assertEquals(0.0, tagged(registry, "gepa.scheduler.pending.oldest", name, "priority", level), level);
            }
            FunctionTimer run = timer(registry, "executor", name);
            assertEquals(5L, run.count());
            assertTrue(quiet.totalRunTime().toNanos() > 0, "task timing is on, yet no run time: " + quiet);
            assertEquals(quiet.totalRunTime().toNanos(), run.totalTime(TimeUnit.NANOSECONDS), 1.0);
            FunctionTimer wait = timer(registry, "gepa.scheduler.queue.wait", name);
            assertEquals(quiet.started(), wait.count());
            assertEquals(5.0, wait.count(), "every task that ran started, the cancelled one did not");
            assertEquals(quiet.totalQueueWait().toNanos(), wait.totalTime(TimeUnit.NANOSECONDS), 1.0);
            assertEquals(quiet.meanQueueWait().toNanos(), wait.mean(TimeUnit.NANOSECONDS), 1.0);

            // every meter carries the name tag and the extra tag, and there are no others
            for (String meter : METERS) {
                Meter m = registry.find(meter).tags("name", name, "app", "test").meter();
                assertNotNull(m, () -> meter + " is missing or lacks its tags: " + registry.getMetersAsString());
                assertEquals(Tags.of("app", "test", "name", name), Tags.of(m.getId().getTags()), meter);
            }
            for (List<String> meter : TAGGED_METERS) {
                for (String value : meter.subList(2, meter.size())) {
                    Meter m = registry.find(meter.get(0)).tags("name", name, "app", "test", meter.get(1), value).meter();
                    assertNotNull(m, () -> meter + " is missing or lacks its tags: " + registry.getMetersAsString());
                    assertEquals(Tags.of("app", "test", "name", name, meter.get(1), value),
                            Tags.of(m.getId().getTags()), meter.get(0));
                }
            }
            assertEquals(METER_COUNT, registry.getMeters().size(), registry::getMetersAsString);
        }
    }

    /** A scheduler without a name is tagged "unnamed"; a name tag among the extra tags gives way. */
    @Test
    void anUnnamedSchedulerIsTaggedUnnamed() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Scheduler scheduler = Scheduler.builder().build()) {
            new SchedulerMetrics(scheduler, List.of(Tag.of("name", "overridden"))).bindTo(registry);
            for (String meter : METERS) {
                Meter m = registry.find(meter).meter();
                assertNotNull(m, meter);
                assertEquals(Tags.of("name", SchedulerMetrics.UNNAMED), Tags.of(m.getId().getTags()), meter);
            }
            for (List<String> meter : TAGGED_METERS) {
                for (Meter m : registry.find(meter.get(0)).meters()) {
                    assertEquals(SchedulerMetrics.UNNAMED, m.getId().getTag("name"), meter.get(0));
                }
            }
        }
    }

    /** Binding twice to one registry adds no meter and keeps one reading. */
    @Test
    void bindingTwiceRegistersEachMeterOnce() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Scheduler scheduler = Scheduler.builder().name(uniqueName()).build()) {
            SchedulerMetrics metrics = new SchedulerMetrics(scheduler);
            metrics.bindTo(registry);
            metrics.bindTo(registry);
            assertEquals(METER_COUNT, registry.getMeters().size(), registry::getMetersAsString);
        }
    }

    /** A timed-out task that ignores its interrupt: counted as a time-out, its slot as overrunning. */
    @Test
    void timeoutsAndOverrunningSlotsAreMeasured() throws Exception {
        String name = uniqueName();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try (Scheduler scheduler = Scheduler.builder().name(name).maxConcurrent(1).build()) {
            new SchedulerMetrics(scheduler).bindTo(registry);
            TaskHandle<Integer> stubborn = scheduler.submit(TaskSpec.of("stubborn", () -> {
                started.countDown();
                for (;;) {
                    try {
                        if (release.await(TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                            return 1;
                        }
                    } catch (InterruptedException ignored) {
                        // keeps its slot past its deadline
                    }
                }
            }).withTimeout(java.time.Duration.ofMillis(20)));
            assertTrue(started.await(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            assertThrows(ExecutionException.class, () -> stubborn.future().get(TIMEOUT_MS, TimeUnit.MILLISECONDS));
            assertEquals(1.0, counter(registry, "gepa.scheduler.timeouts", name));
            assertEquals(1.0, counter(registry, "gepa.scheduler.failed", name));
            assertEquals(1.0, gauge(registry, "gepa.scheduler.overrunning", name));
            release.countDown();
            awaitCondition("the slot is given back", () -> scheduler.status().running() == 0);
            assertEquals(0.0, gauge(registry, "gepa.scheduler.overrunning", name));
        }
    }

    /** With priorities off there are no levels: no per-level meters, everything else as usual. */
    @Test
    void withoutPrioritiesThereAreNoPerLevelMeters() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Scheduler scheduler = Scheduler.builder().name(uniqueName()).enablePriorities(false).build()) {
            new SchedulerMetrics(scheduler).bindTo(registry);
            assertEquals(List.of(), registry.find("gepa.scheduler.pending").meters());
            assertEquals(List.of(), registry.find("gepa.scheduler.pending.oldest").meters());
            assertEquals(METERS.size() + 2, registry.getMeters().size(), registry::getMetersAsString);
        }
    }

    /**
     * With task timing off the counts are still right and the time meters read zero, as the
     * status does.
     */
    @Test
    void withoutTaskTimingTheCountsStayAndTheTimesReadZero() throws Exception {
        String name = uniqueName();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (Scheduler scheduler = Scheduler.builder().name(name).taskTiming(false).build()) {
            new SchedulerMetrics(scheduler).bindTo(registry);
            for (int i = 0; i < 3; i++) {
                scheduler.submit(TaskSpec.of("t" + i, () -> 7)).future().get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
            }
            awaitCondition("three tasks counted", () -> scheduler.status().completed() == 3);
            FunctionTimer run = timer(registry, "executor", name);
            assertEquals(3L, run.count());
            assertEquals(0.0, run.totalTime(TimeUnit.NANOSECONDS));
            assertEquals(3.0, timer(registry, "gepa.scheduler.queue.wait", name).count());
            assertEquals(0.0, timer(registry, "gepa.scheduler.queue.wait", name).totalTime(TimeUnit.NANOSECONDS));
        }
    }

    /**
     * The executor meters carry the type, base unit and description that Micrometer's own
     * {@link ExecutorServiceMetrics} gives a {@link ThreadPoolExecutor}, so a dashboard built
     * for one reads the other.
     */
    @Test
    void executorMetersMatchMicrometersOwn() throws Exception {
        SimpleMeterRegistry theirs = new SimpleMeterRegistry();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>());
        try {
            new ExecutorServiceMetrics(pool, "pool", Tags.empty()).bindTo(theirs);
        } finally {
            pool.shutdown();
        }
        SimpleMeterRegistry ours = new SimpleMeterRegistry();
        try (Scheduler scheduler = Scheduler.builder().name(uniqueName()).build()) {
            new SchedulerMetrics(scheduler).bindTo(ours);
        }
        Map<String, String> expected = describe(theirs);
        Map<String, String> actual = describe(ours);
        assertTrue(expected.size() >= 7, () -> "Micrometer registered fewer executor meters: " + expected);
        for (Map.Entry<String, String> e : expected.entrySet()) {
            assertEquals(e.getValue(), actual.get(e.getKey()), e.getKey());
        }
        assertTrue(pool.awaitTermination(TIMEOUT_MS, TimeUnit.MILLISECONDS));
    }

    /**
     * The kernel runs with no Micrometer on the class path: a fresh JVM with only the kernel's
     * classes and JCTools builds a scheduler, runs a task and reads its status; only the binder
     * itself fails to load there.
     */
    @Test
    void theKernelRunsWithoutMicrometer(@TempDir Path dir) throws Exception {
        String classPath = location(Scheduler.class) + File.pathSeparator + location(MessagePassingQueue.class);
        Path src = Files.createDirectories(dir.resolve("src").resolve("demo"));
        Path out = dir.resolve("out");
        Path main = Files.writeString(src.resolve("Main.java"), String.join("\n",
                "package demo;",
                "",
                "import dev.gepa.scheduler.Scheduler;",
                "import dev.gepa.scheduler.TaskSpec;",
                "",
                "public final class Main {",
                "    public static void main(String[] args) throws Exception {",
                "        try {",
                "            Class.forName(\"io.micrometer.core.instrument.MeterRegistry\");",
                "            System.out.println(\"micrometer present\");",
                "        } catch (ClassNotFoundException expected) {",
                "            System.out.println(\"micrometer absent\");",
                "        }",
                "        try (Scheduler scheduler = Scheduler.builder().maxConcurrent(1).build()) {",
                "            int value = scheduler.submit(TaskSpec.of(\"answer\", () -> 42)).future().get();",
                "            System.out.println(\"value=\" + value);",
                "            System.out.println(\"submitted=\" + scheduler.status().submitted());",
                "        }",
                "        try {",
                "            Class.forName(\"dev.gepa.scheduler.metrics.SchedulerMetrics\");",
                "            System.out.println(\"binder loaded\");",
                "        } catch (NoClassDefFoundError expected) {",
                "            System.out.println(\"binder needs micrometer\");",
                "        }",
                "    }",
                "}",
                ""));
        // the JDK's own javac and java in child processes: tests run inside the kernel's module,
        // which does not read java.compiler
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Path compileLog = dir.resolve("javac.log");
        String compiled = run(compileLog, bin.resolve("javac").toString(), "--release", "17",
                "-cp", classPath, "-d", out.toString(), main.toString());
        String diagnostics = read(compileLog);
        assertEquals("exit 0", compiled, () -> "the demo did not compile:\n" + diagnostics);

        Path log = dir.resolve("demo.log");
        String ran = run(log, bin.resolve("java").toString(), "-Xmx64m",
                "-cp", classPath + File.pathSeparator + out, "demo.Main");
        String output = read(log);
        assertEquals("exit 0", ran, () -> "the demo failed:\n" + output);
        // JDK 24+ warns on stderr that JCTools calls Unsafe's memory-access methods (JEP 498)
        List<String> printed = output.lines().filter(line -> !line.startsWith("WARNING: ")).toList();
        assertEquals(List.of("micrometer absent", "value=42", "submitted=1", "binder needs micrometer"),
                printed, output);
    }

    /**
     * A modular application binds the metrics when it requires {@code micrometer.core} itself,
     * as the README says: the kernel requires Micrometer only statically, and not transitively.
     */
    @Test
    void aModularApplicationBindsTheMetrics(@TempDir Path dir) throws Exception {
        String modulePath = String.join(File.pathSeparator,
                location(Scheduler.class).toString(), location(MessagePassingQueue.class).toString(),
                location(MeterRegistry.class).toString(),
                location(Class.forName("io.micrometer.common.KeyValue")).toString(),
                location(Class.forName("io.micrometer.observation.Observation")).toString());
        Path src = Files.createDirectories(dir.resolve("src").resolve("demo"));
        Path out = dir.resolve("out");
        Path moduleInfo = Files.writeString(dir.resolve("src").resolve("module-info.java"), String.join("\n",
                "module demo {",
                "    requires dev.gepa.scheduler;",
                "    requires micrometer.core;",
                "}",
                ""));
        Path main = Files.writeString(src.resolve("Main.java"), String.join("\n",
                "package demo;",
                "",
                "import dev.gepa.scheduler.Scheduler;",
                "import dev.gepa.scheduler.TaskSpec;",
                "import dev.gepa.scheduler.metrics.SchedulerMetrics;",
                "import io.micrometer.core.instrument.simple.SimpleMeterRegistry;",
                "",
                "public final class Main {",
                "    public static void main(String[] args) throws Exception {",
                "        SimpleMeterRegistry registry = new SimpleMeterRegistry();",
                "        try (Scheduler scheduler = Scheduler.builder().name(\"demo\").build()) {",
                "            new SchedulerMetrics(scheduler).bindTo(registry);",
                "            scheduler.submit(TaskSpec.of(\"answer\", () -> 42)).future().get();",
                "            while (scheduler.status().completed() < 1) {", // counted a moment after the future
                "                Thread.onSpinWait();",
                "            }",
                "            System.out.println(\"completed=\" + registry.get(\"executor.completed\")",
                "                    .tag(\"name\", \"demo\").functionCounter().count());",
                "        }",
                "    }",
                "}",
                ""));
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Path compileLog = dir.resolve("javac.log");
        String compiled = run(compileLog, bin.resolve("javac").toString(), "--release", "17",
                "--module-path", modulePath, "-d", out.toString(), moduleInfo.toString(), main.toString());
        String diagnostics = read(compileLog);
        assertEquals("exit 0", compiled, () -> "the demo module did not compile:\n" + diagnostics);

        Path log = dir.resolve("demo.log");
        String ran = run(log, bin.resolve("java").toString(), "-Xmx64m",
                "--module-path", modulePath + File.pathSeparator + out, "--module", "demo/demo.Main");
        String output = read(log);
        assertEquals("exit 0", ran, () -> "the modular application failed:\n" + output);
        List<String> printed = output.lines().filter(line -> !line.startsWith("WARNING: ")).toList();
        assertEquals(List.of("completed=1.0"), printed, output);
    }

    /**
     * No class of the kernel outside this package names a Micrometer type, so none can load one:
     * the compiled classes of {@code dev.gepa.scheduler} and {@code dev.gepa.scheduler.internal}
     * hold no reference to {@code io/micrometer}.
     */
    @Test
    void onlyTheMetricsPackageReferencesMicrometer() throws Exception {
        Path classes = location(Scheduler.class);
        Path root = classes.resolve("dev").resolve("gepa").resolve("scheduler");
        Path metrics = root.resolve("metrics");
        byte[] needle = "io/micrometer".getBytes(StandardCharsets.US_ASCII);
        List<String> scanned = new ArrayList<>();
        List<String> offenders = new ArrayList<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (!file.toString().endsWith(".class") || file.startsWith(metrics)) {
                    continue;
                }
                scanned.add(root.relativize(file).toString());
                if (contains(Files.readAllBytes(file), needle)) {
                    offenders.add(root.relativize(file).toString());
                }
            }
        }
        assertTrue(scanned.contains("Scheduler.class") && scanned.stream().anyMatch(f -> f.startsWith("internal")),
                () -> "did not find the kernel's classes under " + root + ": " + scanned);
        assertEquals(List.of(), offenders, "kernel classes outside the metrics package reference Micrometer");
        // and the scan can see a reference where there is one
        assertTrue(contains(Files.readAllBytes(metrics.resolve("SchedulerMetrics.class")), needle));
    }

    // ---- helpers

    /** A latch that blocked evaluators wait on; closing it frees them. */
    private static final class Release implements AutoCloseable {
        final CountDownLatch latch = new CountDownLatch(1);

        void open() {
            latch.countDown();
        }

        @Override
        public void close() {
            open();
        }
    }

    private static String uniqueName() {
        return "metrics-test-" + NAMES.incrementAndGet() + "-" + System.nanoTime();
    }

    private static double gauge(SimpleMeterRegistry registry, String meter, String name) {
        Gauge g = registry.find(meter).tag("name", name).gauge();
        assertNotNull(g, () -> "no gauge " + meter + ": " + registry.getMetersAsString());
        return g.value();
    }

    private static double counter(SimpleMeterRegistry registry, String meter, String name) {
        FunctionCounter c = registry.find(meter).tag("name", name).functionCounter();
        assertNotNull(c, () -> "no function counter " + meter + ": " + registry.getMetersAsString());
        return c.count();
    }

    /** The value of the gauge or function counter {@code meter} tagged {@code key=value}. */
    private static double tagged(SimpleMeterRegistry registry, String meter, String name, String key, String value) {
        Meter m = registry.find(meter).tags("name", name, key, value).meter();
        assertNotNull(m, () -> "no meter " + meter + " " + key + "=" + value + ": " + registry.getMetersAsString());
        return m instanceof Gauge g ? g.value() : ((FunctionCounter) m).count();
    }

    private static FunctionTimer timer(SimpleMeterRegistry registry, String meter, String name) {
        FunctionTimer t = registry.find(meter).tag("name", name).functionTimer();
        assertNotNull(t, () -> "no function timer " + meter + ": " + registry.getMetersAsString());
        return t;
    }

    /** Each meter's name mapped to its type, base unit and description. */
    private static Map<String, String> describe(MeterRegistry registry) {
        Map<String, String> byName = new TreeMap<>();
        for (Meter m : registry.getMeters()) {
            Meter.Id id = m.getId();
            byName.put(id.getName(), id.getType() + " / " + id.getBaseUnit() + " / " + id.getDescription());
        }
        return byName;
    }

    private static void awaitCondition(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting until " + what);
            }
            Thread.yield();
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

}
