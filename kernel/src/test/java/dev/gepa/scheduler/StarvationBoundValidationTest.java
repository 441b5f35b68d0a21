package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.function.Executable;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input to the starvation guard is refused with an exception whose message names the
 * option, and changes nothing (as {@link ValidationTest} does for the other options).
 */
@Timeout(60)
class StarvationBoundValidationTest {

    private static <T extends Throwable> T assertNames(Class<T> type, Executable call, String... fields) {
        T e = assertThrows(type, call);
        for (String field : fields) {
            assertTrue(e.getMessage() != null && e.getMessage().contains(field),
                    () -> "message does not name '" + field + "': " + e.getMessage());
        }
        return e;
    }

    /**
     * Proves null, zero and negative bounds are refused naming starvationBound, leaving the
     * builder as it was: a builder without a bound still builds with task timing off, and one
     * with a bound keeps it (and is still refused with task timing off).
     */
    @Test
    void theBoundMustBePositive() {
        SchedulerBuilder none = Scheduler.builder().taskTiming(false);
        SchedulerBuilder kept = Scheduler.builder().starvationBound(Duration.ofSeconds(5));
        for (SchedulerBuilder b : new SchedulerBuilder[] {none, kept}) {
            assertNames(NullPointerException.class, () -> b.starvationBound(null), "starvationBound");
            for (Duration bad : new Duration[] {Duration.ZERO, Duration.ofNanos(-1), Duration.ofSeconds(-5),
                    Duration.ofSeconds(Long.MIN_VALUE)}) {
                assertNames(IllegalArgumentException.class, () -> b.starvationBound(bad), "starvationBound");
            }
        }
        none.build().close(); // no bound crept in
        kept.taskTiming(false);
        assertNames(IllegalArgumentException.class, kept::build, "starvationBound", "taskTiming");
    }

    /** Proves the smallest and the largest durations are accepted (the largest never makes a task overdue). */
    @Test
    void everyPositiveBoundIsAccepted() throws Exception {
        Scheduler.builder().starvationBound(Duration.ofNanos(1)).build().close();
        try (Scheduler s = Scheduler.builder().maxConcurrent(1)
                .starvationBound(Duration.ofSeconds(Long.MAX_VALUE, 999_999_999)).build()) {
            assertEquals("v", TestSupport.get(s.submit(TaskSpec.of("c", () -> "v"))));
        }
    }

    /**
     * Proves a bound with task timing off is refused by build(), whichever was set first, with
     * an IllegalArgumentException naming both options, and that the refused build registered
     * nothing: the same name builds once task timing is back on.
     */
    @Test
    void theBoundNeedsTaskTiming() {
        String name = "starvation-validation-" + System.nanoTime();
        SchedulerBuilder boundFirst = Scheduler.builder().name(name)
                .starvationBound(Duration.ofSeconds(1)).taskTiming(false);
        SchedulerBuilder timingFirst = Scheduler.builder().name(name)
                .taskTiming(false).starvationBound(Duration.ofSeconds(1));
        assertNames(IllegalArgumentException.class, boundFirst::build, "starvationBound", "taskTiming");
        assertNames(IllegalArgumentException.class, timingFirst::build, "starvationBound", "taskTiming");
        assertEquals(Optional.empty(), Schedulers.lookup(name), "a refused build registered its name");
        try (Scheduler s = timingFirst.taskTiming(true).build()) {
            assertEquals(Optional.of(name), s.name());
        }
    }
}
