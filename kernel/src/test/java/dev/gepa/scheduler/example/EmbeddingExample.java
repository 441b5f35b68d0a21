package dev.gepa.scheduler.example;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.SchedulerStatus;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskSpec;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** Scores one generation of prompt candidates, most promising first, at most four at a time. */
public final class EmbeddingExample {

    public static void main(String[] args) throws Exception {
        Scheduler scheduler = Scheduler.builder()
                .name("prompt-evaluations")
                .maxConcurrent(4)
                .maxQueueSize(64)
                .build();

        try (scheduler) {
            List<TaskHandle<Double>> handles = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                String candidate = "candidate-" + i;
                Priority priority = i < 2 ? Priority.CRITICAL : i < 6 ? Priority.HIGH
                        : i < 10 ? Priority.NORMAL : Priority.LOW;
                handles.add(scheduler.submit(new TaskSpec<>(candidate, () -> evaluate(candidate),
                        priority, Map.of("generation", 5))));
            }
            for (TaskHandle<Double> h : handles) {
                double score = h.future().get(30, TimeUnit.SECONDS);
                System.out.printf("%s (%s, generation %s): %.3f%n",
                        h.candidateId(), h.priority(), h.metadata().get("generation"), score);
            }
        } // close(): shuts down and waits for every task

        SchedulerStatus status = scheduler.status();
        System.out.printf("completed=%d failed=%d cancelled=%d mean run time=%s%n",
                status.completed(), status.failed(), status.cancelled(), status.meanRunTime());
    }

    /** Stands in for a real evaluation, such as a model call: a repeatable score in [0, 1). */
    private static double evaluate(String candidate) {
        return new SplittableRandom(candidate.hashCode()).nextDouble();
    }
}
