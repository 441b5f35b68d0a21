package dev.gepa.scheduler.internal;

/**
 * A consumer-private FIFO of tasks: where the tombstone purge puts a level's live tasks, ahead
 * of that level's inbox. Used only by the holder of the consumer role.
 *
 * <p>An array ring that grows by doubling <em>before</em> it takes an element in, so that an
 * OutOfMemoryError leaves every task where it was; that shrinks back to its initial size when it
 * empties, so a burst does not pin memory; and whose purge is one linear pass that keeps the
 * order and allocates nothing.
 */
final class Backlog {
    private static final int INITIAL = 16;

    private Task<?>[] elements = new Task<?>[INITIAL];
    private int head; // index of the first element
    private int size;

    int size() {
        return size;
    }

    boolean isEmpty() {
        return size == 0;
    }

    /** Returns the first task without removing it, or null if empty. */
    Task<?> peekFirst() {
        return size == 0 ? null : elements[head];
    }

    /** Removes and returns the first task, or null if empty. */
    Task<?> pollFirst() {
        if (size == 0) {
            return null;
        }
        Task<?>[] a = elements;
        Task<?> t = a[head];
        a[head] = null;
        head = (head + 1) & (a.length - 1);
        if (--size == 0) {
            head = 0;
            if (a.length > INITIAL) {
                try {
                    elements = new Task<?>[INITIAL]; // after the burst, give the memory back
                } catch (OutOfMemoryError keepTheLargeArray) {
                    // the task is already out: losing it to a failed shrink would lose work
                }
            }
        }
        return t;
    }

    /**
     * Makes room for one more task; call before taking the task from wherever it is, so that a
     * failed allocation leaves it there.
     */
    void ensureRoomForOne() {
        if (size == elements.length) {
            Task<?>[] a = elements;
            Task<?>[] grown = new Task<?>[a.length << 1];
            for (int i = 0; i < size; i++) {
                grown[i] = a[(head + i) & (a.length - 1)];
            }
            elements = grown;
            head = 0;
        }
    }

    /** Appends a task; {@link #ensureRoomForOne()} must have been called. */
    void addLast(Task<?> task) {
        Task<?>[] a = elements;
        a[(head + size) & (a.length - 1)] = task;
        size++;
    }

    /** Removes every task that is no longer pending, keeping the order; returns how many. */
    int purge() {
        Task<?>[] a = elements;
        int mask = a.length - 1;
        int kept = 0;
        for (int i = 0; i < size; i++) {
            Task<?> t = a[(head + i) & mask];
            a[(head + i) & mask] = null;
            if (t.isPending()) {
                a[(head + kept++) & mask] = t;
            }
        }
        int removed = size - kept;
        size = kept;
        return removed;
    }
}
