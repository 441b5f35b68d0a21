package dev.gepa.scheduler;

import dev.gepa.scheduler.internal.NameRegistry;

import java.util.Objects;
import java.util.Optional;

/** Finds named schedulers: those built with {@link SchedulerBuilder#name(String)}. */
public final class Schedulers {
    private Schedulers() { }

    /**
     * Returns the live scheduler registered under {@code name}. A scheduler is registered from
     * {@code build()} until it has terminated; then its name is free again.
     *
     * @param name the name given to {@link SchedulerBuilder#name(String)}
     * @return the scheduler, or empty if no live scheduler has that name
     * @throws NullPointerException if {@code name} is null
     */
    public static Optional<Scheduler> lookup(String name) {
        Objects.requireNonNull(name, "name must not be null");
        return Optional.ofNullable(NameRegistry.lookup(name));
    }
}
