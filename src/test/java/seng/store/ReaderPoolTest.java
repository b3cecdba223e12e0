package seng.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReaderPoolTest {
    @TempDir
    Path dir;

    @Test
    void slowQueryLeavesOthersFree() throws Exception {
        Path file = newDatabase();
        CountDownLatch started = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Object> slowResult = new AtomicReference<>();

        try (ReaderPool pool = new ReaderPool(file, 2, Duration.ofSeconds(10))) {
            Thread slow = Thread.ofVirtual().start(() -> slowResult.set(run(pool, () -> {
                started.countDown();
                release.await(10, TimeUnit.SECONDS);
            })));
            assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

            assertThat(pool.run(ReaderPoolTest::answer)).isEqualTo(42);
            assertThat(slowResult.get()).isNull();

            release.countDown();
            slow.join(Duration.ofSeconds(10));
            assertThat(slowResult.get()).isEqualTo(42);
        }
    }

    @Test
    void queryTimesOut() throws Exception {
        Path file = newDatabase();
        CountDownLatch release = new CountDownLatch(1);

        try (ReaderPool pool = new ReaderPool(file, 1, Duration.ofMillis(200))) {
            assertThatThrownBy(() -> pool.run(connection -> {
                awaitQuietly(release);
                return 1;
            })).isInstanceOf(StoreException.class)
                    .hasMessage("query on allowlist database " + file + " timed out after 200 ms");
            release.countDown();
        }
    }

    @Test
    void closedPoolRefusesQueries() throws Exception {
        Path file = newDatabase();
        ReaderPool pool = new ReaderPool(file, 1, Duration.ofSeconds(1));
        assertThat(pool.run(ReaderPoolTest::answer)).isEqualTo(42);

        pool.close();
        pool.close();

        assertThatThrownBy(() -> pool.run(ReaderPoolTest::answer))
                .isInstanceOf(StoreException.class)
                .hasMessage("allowlist database " + file + " is closed");
    }

    @Test
    void connectionsAreReadOnly() throws Exception {
        Path file = newDatabase();
        try (ReaderPool pool = new ReaderPool(file, 1, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> pool.run(connection -> {
                try (Statement statement = connection.createStatement()) {
                    return statement.executeUpdate("DELETE FROM apps");
                }
            })).isInstanceOf(StoreException.class).hasMessageContaining("read-only");
        }
    }

    private Path newDatabase() throws StoreException {
        Path file = dir.resolve("pool.db");
        AllowlistDatabase.create(file).close();
        return file;
    }

    private static int answer(java.sql.Connection connection) throws java.sql.SQLException {
        try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 42")) {
            rows.next();
            return rows.getInt(1);
        }
    }

    @FunctionalInterface
    private interface Blocking {
        void run() throws InterruptedException;
    }

    /** Runs a blocking step inside a query, then returns 42, or the exception if the query failed. */
    private static Object run(ReaderPool pool, Blocking step) {
        try {
            return pool.run(connection -> {
                try {
                    step.run();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return answer(connection);
            });
        } catch (StoreException e) {
            return e;
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
