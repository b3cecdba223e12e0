package seng.gateway;

import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tracks the calls that are using an object's file descriptors, so that {@code close()} can wait
 * for them to leave before it releases the descriptors. Closing a descriptor while another thread
 * is still inside a system call on it is a race: by the time that call runs, the number may belong
 * to a file opened in the meantime.
 *
 * <p>Every use is bracketed by {@link #enter} and {@link #exit}. Entering is one atomic increment,
 * cheap enough for the per-packet path.
 */
final class CloseBarrier {
    private static final int CLOSED = Integer.MIN_VALUE;

    // The CLOSED bit plus the number of calls inside.
    private final AtomicInteger state = new AtomicInteger();
    private final CountDownLatch idle = new CountDownLatch(1);

    /** Registers a call, or throws if {@link #close} has begun. */
    void enter() throws ClosedChannelException {
        int previous = state.getAndIncrement();
        if ((previous & CLOSED) != 0) {
            exit();
            throw new ClosedChannelException();
        }
    }

    void exit() {
        if (state.decrementAndGet() == CLOSED) {
            idle.countDown();
        }
    }

    boolean isClosed() {
        return (state.get() & CLOSED) != 0;
    }

    /**
     * Lets no new call enter.
     *
     * @return true for the first call, false if the barrier was already closed
     */
    boolean close() {
        int previous = state.getAndUpdate(current -> current | CLOSED);
        if ((previous & CLOSED) != 0) {
            return false;
        }
        if (previous == 0) {
            idle.countDown();
        }
        return true;
    }

    /**
     * Waits, at most {@code timeout} and ignoring interrupts, until every call that entered before
     * {@link #close} has left. An interrupt is kept for the caller to see.
     *
     * @return true if no call is inside any more
     */
    boolean awaitIdle(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return idle.await(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
