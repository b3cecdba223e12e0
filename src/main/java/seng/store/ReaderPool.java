package seng.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.tinylog.Logger;

/**
 * A few platform threads, each with its own read-only connection, that run queries for callers on
 * virtual threads.
 *
 * <p>SQLite's JDBC driver works inside native calls, and a virtual thread in a native call pins its
 * carrier thread, also while SQLite waits for another process's write lock (up to
 * {@link DatabaseFile#BUSY_TIMEOUT_MILLIS}). Running the calls here keeps the carriers free: the
 * caller's virtual thread waits on a future instead. With several connections, one slow query occupies
 * one thread while the others go on serving queries.
 */
final class ReaderPool implements AutoCloseable {
    private final Path file;
    private final Duration timeout;
    private final ExecutorService workers;
    private final ThreadLocal<Connection> connection = new ThreadLocal<>();
    private final Set<Connection> opened = ConcurrentHashMap.newKeySet();

    /** A unit of work on one connection. */
    @FunctionalInterface
    interface Query<T> {
        T run(Connection connection) throws SQLException, Rows.InvalidRowException;
    }

    /**
     * @param size how many queries may run at once
     * @param timeout how long a caller waits for its result, queueing included
     */
    ReaderPool(Path file, int size, Duration timeout) {
        this.file = file;
        this.timeout = timeout;
        this.workers = Executors.newFixedThreadPool(size, Thread.ofPlatform().name("seng-db-reader-", 0).daemon(true)
                .factory());
    }

    /**
     * Runs a query on one of the pool's connections and waits for its result.
     *
     * @throws StoreException if the query failed, found an invalid row, timed out, or the pool is closed
     */
    <T> T run(Query<T> query) throws StoreException {
        Future<T> result;
        try {
            result = workers.submit(() -> runOnThisThread(query));
        } catch (RejectedExecutionException e) {
            throw new StoreException("allowlist database " + file + " is closed");
        }
        try {
            return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw translate(e.getCause());
        } catch (TimeoutException e) {
            result.cancel(true);
            throw new StoreException("query on allowlist database " + file + " timed out after " + timeout.toMillis() + " ms");
        } catch (InterruptedException e) {
            result.cancel(true);
            Thread.currentThread().interrupt();
            throw new StoreException("interrupted while querying allowlist database " + file, e);
        }
    }

    private <T> T runOnThisThread(Query<T> query) throws SQLException, Rows.InvalidRowException, StoreException {
        Connection current = connection.get();
        if (current == null) {
            current = DatabaseFile.connect(file, DatabaseFile.Access.READ_ONLY);
            opened.add(current);
            connection.set(current);
        }
        try {
            return query.run(current);
        } catch (SQLException e) {
            // Start the next query on a fresh connection, in case this one is left in a bad state.
            connection.remove();
            opened.remove(current);
            closeQuietly(current);
            throw e;
        }
    }

    private StoreException translate(Throwable cause) {
        return switch (cause) {
            case StoreException store -> store;
            case Rows.InvalidRowException invalid -> new StoreException(invalid.problem().toString(), invalid);
            case SQLException sql -> new StoreException(DatabaseFile.describe(file, sql), sql);
            default -> new StoreException("query on allowlist database " + file + " failed: " + cause, cause);
        };
    }

    /** Stops the threads after their current query and closes every connection. Idempotent. */
    @Override
    public void close() {
        workers.shutdown();
        try {
            if (!workers.awaitTermination(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                workers.shutdownNow();
            }
        } catch (InterruptedException e) {
            workers.shutdownNow();
            Thread.currentThread().interrupt();
        }
        for (Connection each : opened) {
            closeQuietly(each);
        }
        opened.clear();
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            Logger.debug(e, "event=allowlist_close_failed");
        }
    }
}
