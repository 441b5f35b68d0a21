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
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The benchmark jar's entry point.
 *
 * <ul>
 * <li>No arguments: the headline comparison ({@link ThroughputBenchmark} for every executor
 *     and producer count, and {@link PairedOverheadBenchmark} at 1 and 10 µs), {@value #HEADLINE_FORKS}
 *     forks each ({@code -Dbench.forks} overrides) with short iterations, so that every ratio
 *     has a confidence interval from per-fork scores; about three minutes on two cores.
 *     JMH's progress is shown as it goes; the run ends with a plain table of each benchmark,
 *     the kernel's figure, each baseline's figure and the ratios, then each target's verdict
 *     ({@link Verdicts}). The tables are printed from the JMH JSON, which goes to the file
 *     named by {@code -Dbench.json} (default {@code bench-headline.json}); the verdicts go to
 *     {@code -Dbench.verdicts} when it is set. {@code -Dbench.many=true} adds
 *     {@link ManyCarriersBenchmark} (9 runs more per fork).</li>
 * <li>{@code --smoke [JMH options]}: every benchmark (or those the given regexes match, with
 *     any other JMH option such as {@code -p}) once: in this JVM (no fork, unless {@code -f}
 *     asks for one), no warm-up, a single 100 ms iteration, failing on the first error. Proves
 *     they all run; measures nothing.</li>
 * <li>{@code --calibrate}: prints the {@link Cpu} tokens per microsecond of this machine, for
 *     {@code -Dbench.tokensPerMicro=} on a full run.</li>
 * <li>Anything else: JMH's own command line ({@code -l}, {@code -h}, regexes, {@code -f},
 *     {@code -prof gc}, {@code -rf json}, ...).</li>
 * </ul>
 */
public final class Main {
    private static final String PKG = Main.class.getPackageName().replace(".", "\\.") + "\\.";
    /** Forks per headline benchmark: enough for a t-interval of each ratio. */
    static final int HEADLINE_FORKS = 3;

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
        return new String[] {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch", "-D" + Cpu.PROPERTY + "=" + Cpu.format(tokensPerMicro)};
    }

    private static int headline() {
        long t0 = System.nanoTime();
        String json = System.getProperty("bench.json", "bench-headline.json");
        double tokens = Cpu.tokensPerMicro();
        PrintStream out = System.out;
        int forks = Integer.getInteger("bench.forks", HEADLINE_FORKS);
        out.println("# Headline run: end-to-end throughput (6 executors x 1, 2 producers) and overhead"
                + " (kernel vs ideal, paired, at 1 and 10 us), " + forks + " forks each: about "
                + (14 * forks * 4 + 59) / 60 + " minutes on 2 cores.");
        out.println("# CPU calibration: " + Cpu.format(tokens) + " consumeCPU tokens per microsecond,"
                + " passed to every fork.");
        ChainedOptionsBuilder options = new OptionsBuilder()
                .include(PKG + "ThroughputBenchmark\\.batch")
                .include(PKG + "PairedOverheadBenchmark\\.kernelAndIdeal")
                .param("workMicros", "1", "10")
                .forks(forks)
                .warmupIterations(2)
                .warmupTime(TimeValue.milliseconds(500))
                .measurementIterations(3)
                .measurementTime(TimeValue.milliseconds(500))
                .jvmArgsAppend(forkArgs(tokens))
                .shouldFailOnError(true)
                .result(json)
                .resultFormat(ResultFormatType.JSON);
        if (Boolean.getBoolean("bench.many")) {
            options.include(PKG + "ManyCarriersBenchmark\\.generation");
        }
        List<Report.Row> rows;
        try {
            new Runner(options.build()).run();
            rows = Report.fromJson(Files.readString(Path.of(json)));
        } catch (RunnerException | IOException e) {
            System.err.println("The headline run failed: " + e.getMessage());
            return 1;
        }
        out.println();
        out.println(machine());
        out.println("JMH JSON: " + json + "; wall time "
                + TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + " s");
        out.println();
        Report.print(rows, out);
        String verdicts = System.getProperty("bench.verdicts");
        if (verdicts != null) {
            try {
                Report.writeVerdicts(rows, Path.of(verdicts));
            } catch (IOException e) {
                System.err.println("Could not write " + verdicts + ": " + e.getMessage());
                return 1;
            }
        }
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
                // In this JVM unless -f says otherwise: a fork per run costs a JVM start, which
                // was most of the smoke's time; the smoke measures nothing, so nothing is lost.
                .forks(given.getForkCount().orElse(0))
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
