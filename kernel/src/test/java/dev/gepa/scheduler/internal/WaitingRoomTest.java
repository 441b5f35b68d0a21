package dev.gepa.scheduler.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The waiting room's hand-over from one waiter to the next, step by step. */
@Timeout(60)
class WaitingRoomTest {

    /**
     * H waits at the head, W1 behind it, W2 behind W1. W1's wait runs out and, while it is still
     * in the queue (held inside its removal), H is admitted and leaves, so H's wake-up goes to W1.
     * Then W1 leaves. W2, now at the head, must be woken to take the second free place; before
     * the fix only a waiter that had been at the head woke the next, and W2 slept to its deadline.
     */
    @Test
    void aWaiterThatLeavesBehindTheHeadStillWakesTheNextHead() throws Exception {
        CountDownLatch w1Removing = new CountDownLatch(1);
        CountDownLatch letW1Go = new CountDownLatch(1);
        Thread[] w1 = new Thread[1];
        ConcurrentLinkedQueue<Thread> queue = new ConcurrentLinkedQueue<>() {
            private static final long serialVersionUID = 1L;

            @Override
            public boolean remove(Object o) {
                if (o == w1[0]) {
                    w1Removing.countDown();
                    try {
                        letW1Go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return super.remove(o);
            }
        };
        WaitingRoom room = new WaitingRoom(queue);
        AtomicInteger places = new AtomicInteger();
        WaitingRoom.Attempt<String> attempt = () -> {
            for (int p; (p = places.get()) > 0; ) {
                if (places.compareAndSet(p, p - 1)) {
                    return Thread.currentThread().getName();
                }
            }
            return null;
        };
        long forever = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);

        CompletableFuture<String> h = waiter("H", room, attempt, forever);
        awaitParked(queue, 1);
        CompletableFuture<String> w1Result = new CompletableFuture<>();
        w1[0] = new Thread(() -> {
            try {
                w1Result.complete(room.await(attempt, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1)));
            } catch (Throwable t) {
                w1Result.completeExceptionally(t);
            }
        }, "W1");
        w1[0].start();
        assertTrue(w1Removing.await(30, TimeUnit.SECONDS), "W1's wait did not run out");
        CompletableFuture<String> w2 = waiter("W2", room, attempt, forever);
        awaitParked(queue, 3);

        places.set(1);
        room.signalIfWaiting(); // H, at the head, takes the place and wakes W1 (still queued)
        assertEquals("H", h.get(30, TimeUnit.SECONDS));
        places.set(1);
        letW1Go.countDown();
        assertEquals(null, w1Result.get(30, TimeUnit.SECONDS));
        assertEquals("W2", w2.get(20, TimeUnit.SECONDS), "W2 was left asleep with a place free");
    }

    private static CompletableFuture<String> waiter(String name, WaitingRoom room,
                                                    WaitingRoom.Attempt<String> attempt, long deadline) {
        CompletableFuture<String> result = new CompletableFuture<>();
        new Thread(() -> {
            try {
                result.complete(room.await(attempt, deadline));
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        }, name).start();
        return result;
    }

    /** Waits until {@code n} threads are queued and every one of them that can park has parked. */
    private static void awaitParked(ConcurrentLinkedQueue<Thread> queue, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (;;) {
            boolean ok = queue.size() == n;
            for (Thread t : queue) {
                Thread.State st = t.getState();
                ok &= st == Thread.State.TIMED_WAITING || st == Thread.State.WAITING;
            }
            if (ok) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("waiters did not park: " + queue);
            }
            Thread.onSpinWait();
        }
    }
}
