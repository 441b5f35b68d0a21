package dev.gepa.scheduler.example;

import dev.gepa.scheduler.Schedulers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the README's embedding example so it cannot rot. */
@Timeout(60)
class EmbeddingExampleTest {

    /** Proves the example runs to the end, scores every candidate, reports a clean status line and frees its name. */
    @Test
    void theExampleRunsAndReportsEveryCandidate() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            EmbeddingExample.main(new String[0]);
        } finally {
            System.setOut(original);
        }
        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertEquals(13, lines.size(), () -> String.join("\n", lines));
        for (int i = 0; i < 12; i++) {
            String line = lines.get(i);
            assertTrue(line.startsWith("candidate-" + i + " ("), line);
            assertTrue(line.contains("generation 5"), line);
        }
        assertTrue(lines.get(0).contains("CRITICAL"), lines.get(0));
        assertTrue(lines.get(11).contains("LOW"), lines.get(11));
        assertTrue(lines.get(12).startsWith("completed=12 failed=0 cancelled=0 mean run time="), lines.get(12));
        assertEquals(Optional.empty(), Schedulers.lookup("prompt-evaluations"));
    }
}
