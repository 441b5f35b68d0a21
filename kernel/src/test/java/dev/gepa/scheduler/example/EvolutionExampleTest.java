package dev.gepa.scheduler.example;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the README's evolutionary loop so it cannot rot, and checks what each generation saw. */
@Timeout(120)
class EvolutionExampleTest {

    @Test
    void everyGenerationAccountsForEachCandidateAndTheBestNeverGetsWorse() throws Exception {
        List<EvolutionExample.Generation> history = EvolutionExample.evolve(4, 42);
        assertEquals(4, history.size());
        double previousBest = -1;
        for (EvolutionExample.Generation g : history) {
            // one hung evaluation per generation timed out, one threw, the rest completed
            assertEquals(EvolutionExample.POPULATION - 2, g.completed(), g.toString());
            assertEquals(1, g.timedOut(), g.toString());
            assertEquals(1, g.failed(), g.toString());
            assertEquals(EvolutionExample.score(g.best()), g.bestScore(), g.toString());
            // the parents carry over and score the same again: the best never gets worse
            assertTrue(g.bestScore() >= previousBest, g + " after " + previousBest);
            previousBest = g.bestScore();
            assertTrue(g.controlScore() >= 0 && g.controlScore() < 1, g.toString());
        }
        // the control of each generation after the first is the previous generation's best
        for (int i = 1; i < history.size(); i++) {
            assertEquals(history.get(i - 1).bestScore(), history.get(i).controlScore(), history.get(i).toString());
        }
    }

    @Test
    void mainPrintsOneLinePerGeneration() throws Exception {
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream original = System.out;
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            EvolutionExample.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        List<String> lines = captured.toString(java.nio.charset.StandardCharsets.UTF_8).lines().toList();
        assertEquals(3, lines.size(), () -> String.join("\n", lines));
        assertTrue(lines.get(0).startsWith("generation 1: best "), lines.get(0));
        assertTrue(lines.get(0).endsWith("6 completed, 1 timed out, 1 failed"), lines.get(0));
    }
}
