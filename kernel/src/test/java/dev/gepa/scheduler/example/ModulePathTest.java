package dev.gepa.scheduler.example;

import dev.gepa.scheduler.Scheduler;
import org.jctools.queues.MessagePassingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.gepa.scheduler.example.ChildProcesses.location;
import static dev.gepa.scheduler.example.ChildProcesses.read;
import static dev.gepa.scheduler.example.ChildProcesses.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The kernel works for an application that is itself a named module on the module path.
 *
 * <p>Tests run with their own launcher in the unnamed module, where every system module is
 * resolved, so they cannot show what a modular application sees: there the boot layer holds
 * only what the main module needs, transitively. JCTools reads {@code sun.misc.Unsafe} yet
 * requires {@code jdk.unsupported} only statically; unless the kernel requires it, the first
 * queue the kernel builds fails with {@code NoClassDefFoundError: sun/misc/Unsafe}. So this test
 * compiles a one-class application module and runs it in a fresh JVM with the kernel and JCTools
 * on the module path.
 */
@Timeout(120)
class ModulePathTest {

    private static final String MODULE_INFO = String.join("\n",
            "module demo {",
            "    requires dev.gepa.scheduler;",
            "}",
            "");

    private static final String MAIN = String.join("\n",
            "package demo;",
            "",
            "import dev.gepa.scheduler.Scheduler;",
            "import dev.gepa.scheduler.TaskHandle;",
            "import dev.gepa.scheduler.TaskSpec;",
            "",
            "public final class Main {",
            "    public static void main(String[] args) throws Exception {",
            "        try (Scheduler scheduler = Scheduler.builder().maxConcurrent(1).build()) {",
            "            TaskHandle<Integer> h = scheduler.submit(TaskSpec.of(\"answer\", () -> 42));",
            "            System.out.println(\"value=\" + h.future().get());",
            "        }",
            "        System.out.println(\"jdk.unsupported resolved=\"",
            "                + ModuleLayer.boot().findModule(\"jdk.unsupported\").isPresent());",
            "    }",
            "}",
            "");

    /** Proves a modular application can build a scheduler and run a task on it. */
    @Test
    void aModularApplicationRunsATask(@TempDir Path dir) throws Exception {
        String modulePath = location(Scheduler.class) + File.pathSeparator
                + location(MessagePassingQueue.class);

        Path src = dir.resolve("src");
        Path out = dir.resolve("out");
        Files.createDirectories(src.resolve("demo"));
        Path moduleInfo = Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Path main = Files.writeString(src.resolve("demo").resolve("Main.java"), MAIN);

        // the JDK's own javac and java in child processes: tests are compiled into the kernel's
        // module, which does not read java.compiler
        Path bin = Path.of(System.getProperty("java.home"), "bin");
        Path compileLog = dir.resolve("javac.log");
        String compiled = run(compileLog, bin.resolve("javac").toString(),
                "--release", "17", "--module-path", modulePath, "-d", out.toString(),
                moduleInfo.toString(), main.toString());
        String diagnostics = read(compileLog);
        assertEquals("exit 0", compiled, () -> "the demo module did not compile:\n" + diagnostics);

        Path log = dir.resolve("demo.log");
        String ran = run(log, bin.resolve("java").toString(), "-Xmx64m",
                "--module-path", modulePath + File.pathSeparator + out,
                "--module", "demo/demo.Main");
        String output = read(log);
        assertEquals("exit 0", ran, () -> "the modular application failed:\n" + output);
        // JDK 24+ warns on stderr that JCTools calls Unsafe's memory-access methods (JEP 498)
        List<String> printed = output.lines().filter(line -> !line.startsWith("WARNING: ")).toList();
        assertEquals(List.of("value=42", "jdk.unsupported resolved=true"), printed, output);
    }

    /**
     * Pins the reason for {@code requires jdk.unsupported}: JCTools' own dependence is static, so
     * it resolves nothing; the kernel's must be a plain one.
     */
    @Test
    void theKernelRequiresWhatJctoolsOnlyNamesStatically() throws Exception {
        ModuleDescriptor jctools = descriptor(location(MessagePassingQueue.class), "org.jctools.core");
        assertTrue(jctools.requires().stream().anyMatch(r -> r.name().equals("jdk.unsupported")
                        && r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)),
                () -> "JCTools no longer requires jdk.unsupported statically: " + jctools.requires());

        ModuleDescriptor kernel = descriptor(location(Scheduler.class), "dev.gepa.scheduler");
        assertTrue(kernel.requires().stream().anyMatch(r -> r.name().equals("jdk.unsupported")
                        && !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC)),
                () -> "the kernel does not require jdk.unsupported: " + kernel.requires());
    }

    private static ModuleDescriptor descriptor(Path location, String name) {
        return ModuleFinder.of(location).find(name)
                .orElseThrow(() -> new AssertionError("no module " + name + " at " + location))
                .descriptor();
    }
}
