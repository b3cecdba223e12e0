package seng.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteException;
import org.sqlite.SQLiteOpenMode;

/** Opens the SQLite file of an allowlist, and turns SQLite's errors into one line that names the file. */
final class DatabaseFile {
    /** How long a statement waits for another process's write lock before failing with "database is locked". */
    static final int BUSY_TIMEOUT_MILLIS = 3_000;

    // SQLite's primary result codes (the low byte of an extended code), from sqlite3.h.
    private static final int SQLITE_PERM = 3;
    private static final int SQLITE_BUSY = 5;
    private static final int SQLITE_LOCKED = 6;
    private static final int SQLITE_READONLY = 8;
    private static final int SQLITE_CORRUPT = 11;
    private static final int SQLITE_CANTOPEN = 14;
    private static final int SQLITE_AUTH = 23;
    private static final int SQLITE_NOTADB = 26;

    /** The access mode of a connection to the file. */
    enum Access {
        /** Read and write, creating the file if it is missing: {@code db init}. */
        CREATE,
        /** Read and write an existing file: migrations and admin commands. */
        READ_WRITE,
        /** Read an existing file: the server's admission queries. */
        READ_ONLY
    }

    private DatabaseFile() {
    }

    /**
     * Checks that {@code file} can be an allowlist before SQLite opens it, so that a typo gives a
     * clear message instead of an empty database created by mistake.
     */
    static void checkPath(Path file, Access access) throws StoreException {
        if (Files.isDirectory(file)) {
            throw new StoreException("allowlist database " + file + " is a directory, not an SQLite file");
        }
        if (!Files.exists(file)) {
            if (access != Access.CREATE) {
                throw new StoreException("allowlist database " + file + " does not exist; create it with: seng-gateway db init "
                        + file);
            }
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new StoreException("cannot create allowlist database " + file + ": folder " + parent + " does not exist");
            }
            return;
        }
        if (!Files.isRegularFile(file)) {
            throw new StoreException("allowlist database " + file + " is not a regular file");
        }
        if (!Files.isReadable(file)) {
            throw new StoreException("allowlist database " + file + " is not readable: permission denied");
        }
    }

    static Connection connect(Path file, Access access) throws StoreException {
        try {
            Connection connection = config(access).createConnection(url(file));
            probe(connection, file);
            return connection;
        } catch (SQLException e) {
            throw new StoreException(describe(file, e), e);
        }
    }

    /** Returns a data source for Flyway, which opens and closes its own connections to an existing file. */
    static SQLiteDataSource dataSource(Path file) {
        SQLiteDataSource dataSource = new SQLiteDataSource(config(Access.READ_WRITE));
        dataSource.setUrl(url(file));
        return dataSource;
    }

    private static SQLiteConfig config(Access access) {
        SQLiteConfig config = new SQLiteConfig();
        config.setBusyTimeout(BUSY_TIMEOUT_MILLIS);
        if (access != Access.CREATE) {
            config.resetOpenMode(SQLiteOpenMode.CREATE);
        }
        if (access == Access.READ_ONLY) {
            config.setReadOnly(true);
        } else {
            // Writers take the write lock when a transaction starts, so a check-then-write in an
            // admin command cannot interleave with another writer.
            config.setTransactionMode(SQLiteConfig.TransactionMode.IMMEDIATE);
            config.enforceForeignKeys(true);
        }
        return config;
    }

    private static String url(Path file) {
        return "jdbc:sqlite:" + file.toAbsolutePath();
    }

    /** Reads the schema once: SQLite opens files lazily, so this is where a file that is not a database fails. */
    private static void probe(Connection connection, Path file) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.executeQuery("SELECT count(*) FROM sqlite_schema").close();
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    /** Returns one line naming the file and what SQLite reported, in words an operator can act on. */
    static String describe(Path file, SQLException error) {
        String prefix = "allowlist database " + file;
        if (error instanceof SQLiteException sqlite) {
            return switch (sqlite.getResultCode().code & 0xFF) {
                case SQLITE_NOTADB -> prefix + " is not an SQLite database";
                case SQLITE_CORRUPT -> prefix + " is corrupt: " + firstLine(error);
                case SQLITE_CANTOPEN -> prefix + " cannot be opened: " + firstLine(error);
                case SQLITE_READONLY -> prefix + " is read-only here, but the server and the admin commands write to it"
                        + " (schema migrations and row changes)";
                case SQLITE_BUSY, SQLITE_LOCKED -> prefix + " is locked by another process; try again when it has"
                        + " finished writing";
                case SQLITE_PERM, SQLITE_AUTH -> prefix + " cannot be accessed: permission denied";
                default -> prefix + ": " + firstLine(error);
            };
        }
        return prefix + ": " + firstLine(error);
    }

    static String firstLine(Throwable error) {
        String message = error.getMessage() == null ? error.getClass().getSimpleName() : error.getMessage().strip();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline).strip();
    }
}
