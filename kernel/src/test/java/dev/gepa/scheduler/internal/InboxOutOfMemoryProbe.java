package dev.gepa.scheduler.internal;

import dev.gepa.scheduler.HeapBallast;

import java.util.concurrent.TimeUnit;

/**
 * The program {@code OutOfMemoryTest} runs, in a JVM of its own with a small heap, for a
 * queue's chunk allocation: it queues tasks at one level of small inboxes (chunks of 16 tasks)
 * well past the chunks a queue keeps pooled, fills the heap, and offers until an offer fails
 * for lack of memory; then it drops the ballast and checks that further offers return and that
 * the queue holds exactly the offers that returned. An offer that fails must have done nothing:
 * a queue that had claimed an index for it, or left its chunk list mid-append, would hold a
 * hole or wedge every later offer.
 *
 * <p>Prints one line per finding and exits with status 1 if there is any, 0 otherwise.
 */
public final class InboxOutOfMemoryProbe {
    private static final int QUEUED_BEFORE_THE_FILL = 100; // six chunks of 16: past any pool
    private static final int OFFERS_AFTER = 100;

    private InboxOutOfMemoryProbe() { }

    public static void main(String[] args) throws Exception {
        Inboxes inboxes = new Inboxes(1, 16, 0L);
        Task<?>[] tasks = new Task<?>[QUEUED_BEFORE_THE_FILL + 10_000 + OFFERS_AFTER];
        for (int i = 0; i < tasks.length; i++) {
            tasks[i] = new Task<>(null, null, 0L); // made before the fill: the offers alone allocate
        }
        for (int i = 0; i < 40; i++) { // warm: the queue's code, a chunk boundary included
            inboxes.offer(new Task<>(null, null, 0L), 0);
        }
        claimAll(inboxes);
        int offered = 0;
        for (; offered < QUEUED_BEFORE_THE_FILL; offered++) {
            inboxes.offer(tasks[offered], 0);
        }
        Object[] ballast = new Object[1 << 16];
        int held = HeapBallast.fill(ballast, 0);
        boolean failed = false;
        while (!failed && offered < QUEUED_BEFORE_THE_FILL + 10_000) {
            try {
                inboxes.offer(tasks[offered], 0);
                offered++;
            } catch (OutOfMemoryError e) {
                failed = true;
            }
        }
        for (int i = 0; i < held; i++) {
            ballast[i] = null;
        }
        int before = offered;
        Thread more = new Thread(() -> {
            for (int i = 0; i < OFFERS_AFTER; i++) {
                inboxes.offer(tasks[before + i], 0);
            }
        });
        more.setDaemon(true);
        more.start();
        more.join(TimeUnit.SECONDS.toMillis(20));
        StringBuilder findings = new StringBuilder();
        if (!failed) {
            findings.append("FINDING: no offer failed with the heap full: the probe proves nothing\n");
        }
        if (more.isAlive()) {
            findings.append("FINDING: offers after the failed one did not return in 20 s (").append(more.getState())
                    .append("): the queue is wedged\n");
        } else {
            offered += OFFERS_AFTER;
            int queued = inboxes.queuedEntries();
            int taken = claimAll(inboxes);
            if (queued != offered || taken != offered) {
                findings.append("FINDING: ").append(offered).append(" offers returned, the queue counts ").append(queued)
                        .append(" and gives back ").append(taken).append('\n');
            }
        }
        System.out.print("offers returned " + offered + ", failed " + failed + "\n" + findings);
        System.exit(findings.length() == 0 ? 0 : 1);
    }

    /** Claims every task queued, as a carrier would; returns how many. */
    private static int claimAll(Inboxes inboxes) {
        if (!inboxes.tryAcquireRole()) {
            throw new IllegalStateException("the consumer role is held: nothing else consumes here");
        }
        int n = 0;
        try {
            Task<?> t;
            while ((t = inboxes.claimNext()) != null) {
                if (t == Inboxes.STALLED) {
                    throw new IllegalStateException("a queued task not stored: a hole in the queue");
                }
                n++;
            }
        } finally {
            inboxes.releaseRole();
        }
        return n;
    }
}
