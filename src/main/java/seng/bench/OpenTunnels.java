package seng.bench;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import seng.client.SimulatedEnclave;

/**
 * Every enclave connection of a run that is still open, so that a stop signal can close them all
 * from another thread. Removal from the set decides which thread closes a connection, so that no
 * connection is closed twice, even when a phase and the shutdown close it at the same time.
 */
final class OpenTunnels {
    private final Set<SimulatedEnclave> open = ConcurrentHashMap.newKeySet();
    private final LongAdder closedSinceCloseAll = new LongAdder();
    private volatile boolean closingAll;

    /**
     * Adds a new connection. After {@link #closeAll} has begun, the connection is closed at once instead.
     *
     * @return whether the connection is open and added
     */
    boolean add(SimulatedEnclave enclave) {
        open.add(enclave);
        // Read after the add: either this thread reads the flag, or closeAll finds the connection in the set.
        if (closingAll) {
            close(enclave);
            return false;
        }
        return true;
    }

    /** Sends close_notify on both tunnels of the connection, unless another thread already did. */
    void close(SimulatedEnclave enclave) {
        if (open.remove(enclave)) {
            enclave.close();
            if (closingAll) {
                closedSinceCloseAll.increment();
            }
        }
    }

    int size() {
        return open.size();
    }

    /**
     * Closes every open connection in parallel, waiting at most until {@code deadlineNanos}, a
     * {@link System#nanoTime} value. Connections added from now on are closed as they come.
     */
    void closeAll(long deadlineNanos) throws InterruptedException {
        closingAll = true;
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("seng-bench-close-", 0).factory());
        try {
            for (SimulatedEnclave enclave : open) {
                executor.execute(() -> close(enclave));
            }
        } finally {
            executor.shutdown();
        }
        executor.awaitTermination(deadlineNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
    }

    /** Returns how many connections were closed since {@link #closeAll} began, by any thread. */
    long closedSinceCloseAll() {
        return closedSinceCloseAll.sum();
    }
}
