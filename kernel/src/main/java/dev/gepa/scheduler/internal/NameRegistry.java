package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.Scheduler;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The names of live schedulers. Touched only when a named scheduler is built or terminates and
 * by lookups, never on a task's path.
 */
public final class NameRegistry {
    private static final ConcurrentMap<String, Scheduler> LIVE = new ConcurrentHashMap<>();

    private NameRegistry() { }

    /** Returns the live scheduler of that name, or null. */
    public static Scheduler lookup(String name) {
        return LIVE.get(name);
    }

    static boolean register(String name, Scheduler scheduler) {
        return LIVE.putIfAbsent(name, scheduler) == null;
    }

    static void release(String name, Scheduler scheduler) {
        LIVE.remove(name, scheduler);
    }
}
