package dev.gepa.scheduler;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tasks handled together: typically one generation of candidates, submitted at once with
 * {@link Scheduler#submitAll(List)} (admitted all or none), then watched, and cancelled as one
 * when a newer generation supersedes it.
 *
 * <pre>{@code
 * TaskGroup<Double> generation = scheduler.submitAll(specs);      // all admitted, or none
 * generation.whenAllDone().thenAccept(results -> select(results));
 * ...
 * generation.cancel(true);   // superseded: pending members free their places at once
 * }</pre>
 *
 * <p>A group holds its members' handles and reads their states. It asks each member for its
 * future (so each member's end completes one, as any task's does once its future was asked
 * for); {@link #whenAllDone()} completes on the thread that finishes the last member (a
 * carrier, a canceller, or the deadline thread), as the members' own futures do.
 *
 * @param <T> the type of the members' values
 */
public final class TaskGroup<T> {
    private final List<TaskHandle<T>> members;
    private final CompletableFuture<List<TaskResult<T>>> allDone = new CompletableFuture<>();

    private TaskGroup(List<TaskHandle<T>> members) {
        this.members = members;
        AtomicInteger unfinished = new AtomicInteger(members.size());
        for (TaskHandle<T> member : members) {
            member.future().whenComplete((value, failure) -> {
                if (unfinished.decrementAndGet() == 0) {
                    try {
                        allDone.complete(results());
                    } catch (Throwable noMemory) { // it must complete, whatever happens
                        allDone.completeExceptionally(noMemory);
                    }
                }
            });
        }
    }

    /**
     * Groups handles that were submitted apart: the group then cancels, counts and waits for them
     * as one. {@link Scheduler#submitAll(List)} returns groups made this way.
     *
     * @param members the handles, in the order the group lists them; not empty, no nulls
     * @param <T>     the type of the members' values
     * @return the group
     * @throws NullPointerException     if {@code members} is null or holds a null; the message
     *                                  names the index
     * @throws IllegalArgumentException if {@code members} is empty
     */
    public static <T> TaskGroup<T> of(List<? extends TaskHandle<T>> members) {
        Objects.requireNonNull(members, "members must not be null");
        List<TaskHandle<T>> copy = new ArrayList<>(members.size());
        for (TaskHandle<T> member : members) {
            if (member == null) {
                throw new NullPointerException("members[" + copy.size() + "] must not be null");
            }
            copy.add(member);
        }
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("members must not be empty");
        }
        return new TaskGroup<>(Collections.unmodifiableList(copy));
    }

    /** {@return the members' handles, in the order of the specs they were submitted from} */
    public List<TaskHandle<T>> members() {
        return members;
    }

    /** {@return the number of members} */
    public int size() {
        return members.size();
    }

    /**
     * Cancels every member that is not final yet, one after the other: a member still pending
     * when its turn comes never runs and frees its place in the bound at once (one that a carrier
     * claims before its turn is running by then); running ones are interrupted if
     * {@code mayInterruptIfRunning}, and otherwise left to finish (as
     * {@link TaskHandle#cancel(boolean)} does for each).
     *
     * @param mayInterruptIfRunning whether running members are cancelled too
     * @return how many members this call cancelled
     */
    public int cancel(boolean mayInterruptIfRunning) {
        int cancelled = 0;
        Throwable first = null;
        for (TaskHandle<T> member : members) {
            try { // a member's cancel runs its callbacks: one that throws must not spare the rest
                if (member.cancel(mayInterruptIfRunning)) {
                    cancelled++;
                }
            } catch (RuntimeException | Error e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first instanceof RuntimeException) {
            throw (RuntimeException) first;
        }
        if (first != null) {
            throw (Error) first;
        }
        return cancelled;
    }

    /**
     * Counts the members by state, each member's state read once; every state is a key, with 0
     * where no member is in it.
     *
     * @return the counts, a map the caller may keep and change
     */
    public Map<TaskState, Integer> countByState() {
        Map<TaskState, Integer> counts = new EnumMap<>(TaskState.class);
        for (TaskState state : TaskState.values()) {
            counts.put(state, 0);
        }
        for (TaskHandle<T> member : members) {
            counts.merge(member.state(), 1, Integer::sum);
        }
        return counts;
    }

    /** {@return whether every member has reached a final state} */
    public boolean isDone() {
        return allDone.isDone();
    }

    /**
     * A future completed once every member is final, with each member's final result in
     * {@link #members()} order (completed, failed or cancelled alike: it completes exceptionally
     * only if the list of results cannot be made, for lack of memory). Completing or cancelling
     * the returned future does nothing to the members or to the group.
     *
     * @return the future; a new dependent of one shared future at each call
     */
    public CompletableFuture<List<TaskResult<T>>> whenAllDone() {
        return allDone.thenApply(results -> results);
    }

    private List<TaskResult<T>> results() {
        List<TaskResult<T>> results = new ArrayList<>(members.size());
        for (TaskHandle<T> member : members) {
            results.add(member.result());
        }
        return Collections.unmodifiableList(results);
    }

    @Override
    public String toString() {
        return "TaskGroup[" + members.size() + " members, " + countByState() + "]";
    }
}
