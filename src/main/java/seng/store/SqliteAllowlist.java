package seng.store;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import org.tinylog.Logger;

import seng.pool.Subnet;

/**
 * The server's view of an allowlist file: {@link #open} migrates and checks the whole file once,
 * then every query reads the file again through a small pool of read-only connections. There is no
 * cache, so a change made by an admin command applies from the next admission on.
 */
public final class SqliteAllowlist implements Allowlist {
    /** Reader connections: enough that one slow query leaves others free; SQLite serves readers in parallel. */
    public static final int DEFAULT_READERS = 4;
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

    private final Path file;
    private final ReaderPool readers;

    private SqliteAllowlist(Path file, ReaderPool readers) {
        this.file = file;
        this.readers = readers;
    }

    /**
     * Opens an existing allowlist file, migrates its schema and checks every row.
     *
     * @throws StoreException if the file cannot be opened or migrated, or any row is invalid. The
     *     message names the first problem and counts the others.
     */
    public static SqliteAllowlist open(Path file) throws StoreException {
        return open(file, DEFAULT_READERS);
    }

    public static SqliteAllowlist open(Path file, int readers) throws StoreException {
        AllowlistContents contents;
        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            contents = database.read();
        }
        List<Problem> problems = contents.problems();
        if (!problems.isEmpty()) {
            String more = problems.size() == 1 ? "" : " (and " + (problems.size() - 1) + " more: run 'seng-gateway db check "
                    + file + "' to list them)";
            throw new StoreException("allowlist database " + file + ": " + problems.getFirst() + more);
        }
        if (contents.apps().isEmpty()) {
            Logger.warn("event=allowlist_empty file={} detail=\"no apps rows: every enclave is rejected until one is"
                    + " added\"", file);
        }
        Logger.info("event=allowlist_opened file={} enclave_subnets={} apps={} readers={}", file,
                contents.subnets().size(), contents.apps().size(), readers);
        return new SqliteAllowlist(file, new ReaderPool(file, readers, QUERY_TIMEOUT));
    }

    public Path file() {
        return file;
    }

    @Override
    public List<AppRow> appsWithMrEnclave(byte[] mrEnclave) throws StoreException {
        byte[] key = mrEnclave.clone();
        return readers.run(connection -> Rows.appsWithMrEnclave(connection, key));
    }

    @Override
    public Optional<Subnet> enclaveSubnet(int id) throws StoreException {
        return readers.run(connection -> Rows.enclaveSubnet(connection, id));
    }

    @Override
    public List<Subnet> enclaveSubnets() throws StoreException {
        return readers.run(connection -> Rows.readAll(connection).subnets());
    }

    @Override
    public void close() {
        readers.close();
        Logger.debug("event=allowlist_closed file={}", file);
    }
}
