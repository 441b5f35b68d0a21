package dev.gepa.scheduler;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Named schedulers: registered from build() until termination, one live scheduler per name. */
@Timeout(60)
class NamedSchedulerTest {

    private static String uniqueName() {
        return "named-" + UUID.randomUUID();
    }

    /** Proves a named scheduler is found by lookup while it lives, reports its name, and an unnamed one has none. */
    @Test
    void lookupFindsALiveNamedScheduler() throws Exception {
        String name = uniqueName();
        try (Scheduler s = Scheduler.builder().name(name).build();
             Scheduler unnamed = Scheduler.builder().build()) {
            assertEquals(Optional.of(name), s.name());
            assertSame(s, Schedulers.lookup(name).orElseThrow());
            assertEquals(Optional.empty(), unnamed.name());
            assertEquals(Optional.empty(), Schedulers.lookup(uniqueName()));
            assertEquals(1, TestSupport.get(Schedulers.lookup(name).orElseThrow().submit(TaskSpec.of("c", () -> 1))));
        }
    }

    /**
     * Proves a duplicate name fails at build() with an IllegalStateException naming the name,
     * starts no carrier, and leaves the first scheduler registered and working.
     */
    @Test
    void aDuplicateNameFailsAtBuild() throws Exception {
        String name = uniqueName();
        AtomicInteger threadsMade = new AtomicInteger();
        try (Scheduler first = Scheduler.builder().name(name).build()) {
            SchedulerBuilder duplicate = Scheduler.builder().name(name).threadFactory(r -> {
                threadsMade.incrementAndGet();
                return new Thread(r);
            });
            IllegalStateException e = assertThrows(IllegalStateException.class, duplicate::build);
            assertTrue(e.getMessage().contains(name), e.getMessage());
            assertEquals(0, threadsMade.get(), "the refused scheduler started carriers");
            assertSame(first, Schedulers.lookup(name).orElseThrow());
            assertEquals(2, TestSupport.get(first.submit(TaskSpec.of("c", () -> 2))));
        }
    }

    /** Proves the name stays taken while a shut-down scheduler still runs a task, and frees at termination for reuse. */
    @Test
    void theNameIsFreedAtTerminationAndCanBeReused() throws Exception {
        String name = uniqueName();
        Scheduler first = Scheduler.builder().name(name).maxConcurrent(1).build();
        try (Blocker<String> blocker = new Blocker<>("running")) {
            first.submit(TaskSpec.of("running", blocker));
            blocker.awaitStarted();
            first.shutdown();
            assertSame(first, Schedulers.lookup(name).orElseThrow(), "unregistered before termination");
            assertThrows(IllegalStateException.class, () -> Scheduler.builder().name(name).build());
            blocker.release();
            assertTrue(first.awaitTermination(TestSupport.TIMEOUT));
            assertEquals(Optional.empty(), Schedulers.lookup(name));
        } finally {
            first.close();
        }
        try (Scheduler second = Scheduler.builder().name(name).build()) {
            assertNotSame(first, second);
            assertSame(second, Schedulers.lookup(name).orElseThrow());
        }
        assertEquals(Optional.empty(), Schedulers.lookup(name));
    }

    /** Proves a build that fails because the thread factory returns null throws IllegalStateException and frees the name. */
    @Test
    void aFailedBuildFreesTheName() {
        String name = uniqueName();
        AtomicInteger calls = new AtomicInteger();
        SchedulerBuilder broken = Scheduler.builder().name(name).maxConcurrent(3).threadFactory(r ->
                calls.incrementAndGet() == 2 ? null : new Thread(r));
        assertThrows(IllegalStateException.class, broken::build);
        assertEquals(Optional.empty(), Schedulers.lookup(name));
        try (Scheduler s = Scheduler.builder().name(name).build()) {
            assertSame(s, Schedulers.lookup(name).orElseThrow());
        }
    }

    /** Proves lookup(null) throws a NullPointerException naming the argument. */
    @Test
    void lookupRejectsNull() {
        NullPointerException e = assertThrows(NullPointerException.class, () -> Schedulers.lookup(null));
        assertTrue(e.getMessage().contains("name"), e.getMessage());
    }

    /** Proves default carriers are daemon threads named after their scheduler. */
    @Test
    void defaultCarriersAreDaemonsNamedAfterTheScheduler() throws Exception {
        String name = uniqueName();
        try (Scheduler s = Scheduler.builder().name(name).maxConcurrent(1).build()) {
            Thread carrier = TestSupport.get(s.submit(TaskSpec.of("who", Thread::currentThread)));
            assertTrue(carrier.isDaemon());
            assertTrue(carrier.getName().contains(name), carrier.getName());
        }
    }
}
