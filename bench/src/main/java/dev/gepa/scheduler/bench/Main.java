package dev.gepa.scheduler.bench;

import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptionException;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Arrays;
import java.util.Collection;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark jar's entry point.
 *
 * <ul>
 * <li>No arguments: the headline comparison ({@link ThroughputBenchmark} for every executor
 *     and producer count, and {@link PairedOverheadBenchmark} at 10 and 100 µs), with short
 *     iterations so that it ends within about three minutes on two cores.
 *     JMH's progress is shown as it goes; the run ends with a plain table of each benchmark,
 *     the kernel's figure, each baseline's figure and the ratios. The JMH JSON goes to the file
 *     named by {@code -Dbench.json} (default {@code bench-headline.json}).</li>
 * <li>{@code --smoke [JMH options]}: every benchmark (or those the given regexes match, with
 *     any other JMH option such as {@code -p}) once: one fork, no warm-up, a single 100 ms
 *     iteration, failing on the first error. Proves they all run; measures nothing.</li>
 * <li>{@code --calibrate}: prints the {@link Cpu} tokens per microsecond of this machine, for
 *     {@code -Dbench.tokensPerMicro=} on a full run.</li>
 * <li>Anything else: JMH's own command line ({@code -l}, {@code -h}, regexes, {@code -f},
 *     {@code -prof gc}, {@code -rf json}, ...).</li>
 * </ul>
 */
public final class Main {
    private static final String PKG = Main.class.getPackageName().replace(".", "\\.") + "\\.";

    private Main() { }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            System.exit(headline());
        } else if (args[0].equals("--smoke")) {
            System.exit(smoke(Arrays.copyOfRange(args, 1, args.length)));
        } else if (args[0].equals("--calibrate")) {
            System.out.println(Cpu.format(Cpu.calibrate()));
        } else {
            org.openjdk.jmh.Main.main(args);
        }
    }

    private static String[] forkArgs(double tokensPerMicro) {
        return new String[] {"-Xms1g", "-Xmx1g", "-D" + Cpu.PROPERTY + "=" + Cpu.format(tokensPerMicro)};
    }

    private static int headline() {
        long t0 = System.nanoTime();
        String json = System.getProperty("bench.json", "bench-headline.json");
        double tokens = Cpu.tokensPerMicro();
        PrintStream out = System.out;
        out.println("# Headline run: end-to-end throughput (5 executors x 1, 2 producers) and overhead"
                + " (kernel vs ideal, paired, at 10 and 100 us): 12 forks, 1 to 2 minutes on 2 cores.");
        out.println("# CPU calibration: " + Cpu.format(tokens) + " consumeCPU tokens per microsecond,"
                + " passed to every fork.");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(PKG + "ThroughputBenchmark\\.batch")
                .include(PKG + "PairedOverheadBenchmark\\.kernelAndIdeal")
                .param("workMicros", "10", "100")
                .forks(1)
                .warmupIterations(2)
                .warmupTime(TimeValue.seconds(1))
                .measurementIterations(3)
                .measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend(forkArgs(tokens))
                .shouldFailOnError(true)
                .result(json)
                .resultFormat(ResultFormatType.JSON);
        Collection<RunResult> results;
        try {
            results = new Runner(options.build()).run();
        } catch (RunnerException e) {
            System.err.println("The headline run failed: " + e.getMessage());
            return 1;
        }
        out.println();
        out.println(machine());
        out.println("JMH JSON: " + json + "; wall time "
                + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + " s");
        out.println();
        Report.print(Report.of(results), out);
        return 0;
    }

    private static int smoke(String[] jmhArgs) {
        long t0 = System.nanoTime();
        CommandLineOptions given;
        try {
            given = new CommandLineOptions(jmhArgs);
        } catch (CommandLineOptionException e) {
            System.err.println("# Smoke: bad JMH options: " + e.getMessage());
            return 2;
        }
        ChainedOptionsBuilder options = new OptionsBuilder()
                .parent(given)
                .forks(1)
                .warmupIterations(0)
                .measurementIterations(1)
                .measurementTime(TimeValue.milliseconds(100))
                .jvmArgsAppend(forkArgs(Cpu.tokensPerMicro()))
                .shouldFailOnError(true);
        if (given.getIncludes().isEmpty()) {
            options.include(PKG);
        }
        try {
            Collection<RunResult> results = new Runner(options.build()).run();
            System.out.println("# Smoke: " + results.size() + " benchmark runs passed in "
                    + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + " s");
            return results.isEmpty() ? 1 : 0;
        } catch (RunnerException e) {
            System.err.println("# Smoke FAILED: " + e.getMessage());
            return 1;
        }
    }

    /** Cores, CPU model, JDK and date, one line. */
    static String machine() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse(cpu);
        } catch (IOException | RuntimeException ignored) {
            // not Linux: leave it unknown
        }
        return "Machine: " + Runtime.getRuntime().availableProcessors() + " cores, " + cpu
                + "; JDK " + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version")
                + "; " + ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
    }
}
