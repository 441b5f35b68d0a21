package dev.gepa.scheduler.example;

import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskResult;
import dev.gepa.scheduler.TaskSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The example in {@link TaskResult}'s javadoc, as code: this file is compiled with
 * {@code --release 17}, the README's minimum, so the example cannot drift to a newer language
 * level, and each of its branches is taken once with a task looked up by id.
 */
@Timeout(60)
class TaskResultExampleTest {

    /** What the example's three branches were given, in call order. */
    private final List<String> calls = new ArrayList<>();

    /** The javadoc's example, verbatim between the markers (checked by the last test). */
    private void lookUp(Scheduler scheduler, long id) {
        // example:begin
        TaskResult<?> outcome = scheduler.result(id);
        if (outcome instanceof TaskResult.Completed<?> c) {
            use(c.value());
        } else if (outcome instanceof TaskResult.Failed<?> f) {
            log(f.error());
        } else {
            retryLater(); // pending, running, cancelled, or no longer retained
        }
        // example:end
    }

    private void use(Object value) {
        calls.add("use " + value);
    }

    private void log(Throwable error) {
        calls.add("log " + error.getMessage());
    }

    private void retryLater() {
        calls.add("retryLater");
    }

    /** Proves a completed task's value and a failed task's error are found by id once their futures are done. */
    @Test
    void finishedTasksAreFoundById() throws Exception {
        try (Scheduler scheduler = Scheduler.builder().maxConcurrent(2).build()) {
            TaskHandle<Double> scored = scheduler.submit(TaskSpec.of("candidate-1", () -> 0.75));
            TaskHandle<Double> broken = scheduler.submit(TaskSpec.of("candidate-2", () -> {
                throw new IllegalStateException("model unavailable");
            }));
            assertEquals(0.75, scored.future().get(30, TimeUnit.SECONDS));
            broken.future().handle((value, error) -> null).get(30, TimeUnit.SECONDS);

            lookUp(scheduler, scored.id());
            lookUp(scheduler, broken.id());
        }
        assertEquals(List.of("use 0.75", "log model unavailable"), calls);
    }

    /** Proves the last branch takes a pending task, a cancelled one and an id the scheduler never issued. */
    @Test
    void everythingElseIsRetriedLater() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Scheduler scheduler = Scheduler.builder().maxConcurrent(1).build()) {
            try {
                // the only slot is held until release, so the next two tasks cannot start
                scheduler.submit(TaskSpec.of("holder", () -> release.await(30, TimeUnit.SECONDS)));
                TaskHandle<String> waiting = scheduler.submit(TaskSpec.of("waiting", () -> "w"));
                TaskHandle<String> dropped = scheduler.submit(TaskSpec.of("dropped", () -> "d"));
                assertTrue(dropped.cancel(false), "a pending task must be cancellable");
                assertTrue(scheduler.result(waiting.id()) instanceof TaskResult.Pending<?>,
                        () -> "expected Pending, was " + scheduler.result(waiting.id()));

                lookUp(scheduler, waiting.id());
                lookUp(scheduler, dropped.id());
                lookUp(scheduler, Long.MIN_VALUE);
            } finally {
                release.countDown();
            }
        }
        assertEquals(List.of("retryLater", "retryLater", "retryLater"), calls);
    }

    /** Proves the lines between the markers above are exactly the example in TaskResult's javadoc. */
    @Test
    void theJavadocShowsThisCode() throws Exception {
        // surefire runs in the kernel module's directory
        String javadoc = Files.readString(Path.of("src/main/java/dev/gepa/scheduler/TaskResult.java"));
        int start = javadoc.indexOf("<pre>{@code\n") + "<pre>{@code\n".length();
        int end = javadoc.indexOf(" * }</pre>", start);
        assertTrue(start > "<pre>{@code\n".length() && end > start, "no example block in TaskResult");
        List<String> documented = javadoc.substring(start, end).lines()
                .map(line -> line.replaceFirst("^ \\* ?", ""))
                .collect(Collectors.toList());

        String self = Files.readString(
                Path.of("src/test/java/dev/gepa/scheduler/example/TaskResultExampleTest.java"));
        String marked = self.substring(self.indexOf("// example:begin\n") + "// example:begin\n".length(),
                self.indexOf("        // example:end"));
        List<String> tested = marked.lines()
                .map(line -> line.startsWith("        ") ? line.substring(8) : line)
                .collect(Collectors.toList());

        assertEquals(tested, documented);
    }
}
