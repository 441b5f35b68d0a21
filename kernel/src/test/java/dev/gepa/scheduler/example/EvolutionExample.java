package dev.gepa.scheduler.example;

import dev.gepa.scheduler.Priority;
import dev.gepa.scheduler.Scheduler;
import dev.gepa.scheduler.SchedulerExecutorService;
import dev.gepa.scheduler.TaskGroup;
import dev.gepa.scheduler.TaskHandle;
import dev.gepa.scheduler.TaskResult;
import dev.gepa.scheduler.TaskSpec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The use the kernel was built for: an evolutionary loop over generations of prompt candidates.
 * Each generation is submitted as one group (admitted whole or not at all), the two parents
 * first at HIGH priority; every evaluation has a deadline (a stand-in for a model call that may
 * hang); a control evaluation of the best prompt so far waits for room behind the generation;
 * and the generation's summary is composed with {@code CompletableFuture} on a LOW-priority
 * executor view. Stand-in evaluators: a repeatable score after a random latency of up to 2 ms,
 * except that one candidate per generation hangs (and times out) and one throws.
 */
public final class EvolutionExample {
    /** Candidates per generation. */
    static final int POPULATION = 8;
    /** The index, in each generation, of the candidate whose evaluation hangs. */
    static final int HANGS = 5;
    /** The index, in each generation, of the candidate whose evaluation throws. */
    static final int THROWS = 6;

    /** What one generation produced. */
    public record Generation(int number, String best, double bestScore, int completed, int timedOut,
                             int failed, double controlScore) { }

    public static void main(String[] args) throws Exception {
        for (Generation g : evolve(3, 42)) {
            System.out.printf("generation %d: best %.3f (%s), %d completed, %d timed out, %d failed%n",
                    g.number(), g.bestScore(), g.best(), g.completed(), g.timedOut(), g.failed());
        }
    }

    /** Runs {@code generations} generations from a population seeded with {@code seed}. */
    public static List<Generation> evolve(int generations, long seed) throws Exception {
        CountDownLatch never = new CountDownLatch(1); // what a hung model call waits for
        List<Generation> history = new ArrayList<>();
        Scheduler scheduler = Scheduler.builder().maxConcurrent(4).maxQueueSize(POPULATION).build();
        try (scheduler; SchedulerExecutorService summaries = scheduler.asExecutorService(Priority.LOW)) {
            SplittableRandom random = new SplittableRandom(seed);
            List<String> population = new ArrayList<>();
            for (int i = 0; i < POPULATION; i++) {
                population.add("prompt-" + random.nextInt(1000));
            }
            String bestSoFar = population.get(0);
            for (int number = 1; number <= generations; number++) {
                List<TaskSpec<Double>> specs = new ArrayList<>();
                for (int i = 0; i < POPULATION; i++) {
                    String prompt = population.get(i);
                    boolean hangs = i == HANGS;
                    boolean fails = i == THROWS;
                    specs.add(new TaskSpec<>("g" + number + "-" + i, () -> evaluate(prompt, hangs, fails, never),
                            i < 2 ? Priority.HIGH : Priority.NORMAL, Map.of("prompt", prompt))
                            .withTimeout(hangs ? Duration.ofMillis(100) : Duration.ofSeconds(30)));
                }
                TaskGroup<Double> generation = scheduler.submitAll(specs); // all or none
                String control = bestSoFar;
                TaskHandle<Double> check = scheduler.submit(TaskSpec.of("control-" + number, Priority.LOW,
                        () -> evaluate(control, false, false, never)), Duration.ofSeconds(30)); // waits for room
                int n = number;
                Generation summary = generation.whenAllDone()
                        .thenCombine(check.future(), Map::entry)
                        .thenApplyAsync(r -> summarize(n, generation, r.getKey(), r.getValue()), summaries)
                        .get(60, TimeUnit.SECONDS);
                history.add(summary);
                bestSoFar = summary.best();
                population = breed(generation, random);
            }
        }
        return history;
    }

    /** A stand-in for a model call: a repeatable score in [0, 1), after a short random latency. */
    static double evaluate(String prompt, boolean hangs, boolean fails, CountDownLatch never)
            throws InterruptedException {
        if (hangs) {
            never.await(); // until the deadline interrupts it
        }
        if (fails) {
            throw new IllegalStateException("the model refused " + prompt);
        }
        LockSupport.parkNanos(new SplittableRandom(prompt.hashCode()).nextLong(2_000_000L));
        return score(prompt);
    }

    static double score(String prompt) {
        return new SplittableRandom(prompt.hashCode() * 31L).nextDouble();
    }

    private static Generation summarize(int number, TaskGroup<Double> generation, List<TaskResult<Double>> results,
                                        double controlScore) {
        int completed = 0;
        int timedOut = 0;
        int failed = 0;
        String best = null;
        double bestScore = -1;
        for (int i = 0; i < results.size(); i++) {
            TaskResult<Double> r = results.get(i);
            if (r instanceof TaskResult.Completed<Double> c) {
                completed++;
                if (c.value() > bestScore) {
                    bestScore = c.value();
                    best = (String) generation.members().get(i).metadata().get("prompt");
                }
            } else if (r instanceof TaskResult.Failed<Double> f && f.error() instanceof TimeoutException) {
                timedOut++;
            } else {
                failed++;
            }
        }
        return new Generation(number, best, bestScore, completed, timedOut, failed, controlScore);
    }

    /** The two best completed prompts carry over as parents; the rest are their mutations. */
    private static List<String> breed(TaskGroup<Double> generation, SplittableRandom random) {
        List<TaskHandle<Double>> ranked = new ArrayList<>();
        for (TaskHandle<Double> h : generation.members()) {
            if (h.result() instanceof TaskResult.Completed<Double>) {
                ranked.add(h);
            }
        }
        ranked.sort(Comparator.comparingDouble((TaskHandle<Double> h) ->
                ((TaskResult.Completed<Double>) h.result()).value()).reversed());
        List<String> next = new ArrayList<>();
        next.add((String) ranked.get(0).metadata().get("prompt"));
        next.add((String) ranked.get(1).metadata().get("prompt"));
        while (next.size() < POPULATION) {
            next.add(next.get(random.nextInt(2)) + "+" + random.nextInt(1000));
        }
        return next;
    }
}
