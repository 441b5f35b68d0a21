package dev.gepa.scheduler.example;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.fail;

/** For tests that run a fresh JVM or a compiler: commands, their output, class locations. */
public final class ChildProcesses {
    private ChildProcesses() {
    }

    /**
     * Runs a command with its output in {@code log} (a file, not a pipe, so that a hung child
     * turns into a failure here) and returns "exit N".
     */
    public static String run(Path log, String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail(command[0] + " did not exit within 60 s; output so far:\n" + read(log));
        }
        return "exit " + process.exitValue();
    }

    /** The output a command wrote to {@code log}. */
    public static String read(Path log) throws IOException {
        return Files.readString(log, StandardCharsets.UTF_8);
    }

    /** The class-path entry (a directory or a jar) that {@code type} was loaded from. */
    public static Path location(Class<?> type) throws URISyntaxException {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
