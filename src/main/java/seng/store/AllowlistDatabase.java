package seng.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

import org.tinylog.Logger;

import seng.pool.Subnet;

/**
 * An allowlist file opened for reading and changing its rows, as the admin commands do. Opening
 * migrates the schema, adopting a file made by upstream's SQL script. Each change first checks the
 * rows it touches, then writes in upstream's encoding, all in one transaction. A server that has
 * the file open sees each change at its next admission.
 *
 * <p>Not thread-safe: one instance serves one command.
 */
public final class AllowlistDatabase implements AutoCloseable {
    private final Path file;
    private final Connection connection;
    private final Migrations.Outcome migration;

    private AllowlistDatabase(Path file, Connection connection, Migrations.Outcome migration) {
        this.file = file;
        this.connection = connection;
        this.migration = migration;
    }

    /**
     * Opens an existing allowlist file and migrates its schema.
     *
     * @throws StoreException if the file is missing, is no SQLite database, lacks upstream's tables
     *     or cannot be migrated
     */
    public static AllowlistDatabase open(Path file) throws StoreException {
        return open(file, DatabaseFile.Access.READ_WRITE);
    }

    /** Opens an allowlist file like {@link #open}, creating it with the current schema if it does not exist. */
    public static AllowlistDatabase create(Path file) throws StoreException {
        return open(file, DatabaseFile.Access.CREATE);
    }

    private static AllowlistDatabase open(Path file, DatabaseFile.Access access) throws StoreException {
        DatabaseFile.checkPath(file, access);
        Connection connection = DatabaseFile.connect(file, access);
        try {
            return new AllowlistDatabase(file, connection, Migrations.run(file, connection));
        } catch (StoreException | RuntimeException e) {
            closeQuietly(connection);
            throw e;
        }
    }

    public Path file() {
        return file;
    }

    /** Returns the schema version after opening, e.g. {@code 2}. */
    public String schemaVersion() {
        return migration.toVersion();
    }

    /** Checks whether opening baselined tables that upstream's SQL script had made. */
    public boolean adopted() {
        return migration.adopted();
    }

    public int migrationsApplied() {
        return migration.applied();
    }

    /** Reads and checks every row. */
    public AllowlistContents read() throws StoreException {
        try {
            return Rows.readAll(connection);
        } catch (SQLException e) {
            throw new StoreException(DatabaseFile.describe(file, e), e);
        }
    }

    /**
     * Adds an enclave subnetwork.
     *
     * @param subnet the subnetwork; id 0 picks the next free id
     * @return the subnetwork with its row id
     * @throws StoreException if the id is taken or the subnetwork overlaps another one
     */
    public Subnet addSubnet(Subnet subnet) throws StoreException {
        return write(() -> {
            if (subnet.id() != 0 && rowExists(Rows.SUBNETS, subnet.id())) {
                throw new StoreException("enclave_subnets already has a row with id " + subnet.id());
            }
            for (Subnet other : Rows.readAll(connection).subnets()) {
                if (other.overlaps(subnet)) {
                    throw new StoreException("enclave subnetwork " + subnet + " overlaps " + other + " of enclave_subnets row "
                            + other.id());
                }
            }
            try (PreparedStatement insert = connection.prepareStatement(
                    "INSERT INTO enclave_subnets (id, subnet, submask, gateway) VALUES (?, ?, ?, ?)")) {
                setId(insert, 1, subnet.id());
                insert.setLong(2, StoredAddress.encode(subnet.network()));
                insert.setLong(3, StoredAddress.encode(subnet.netmask()));
                insert.setLong(4, StoredAddress.encode(subnet.gateway()));
                insert.executeUpdate();
            }
            return new Subnet(lastInsertedId(), subnet.network(), subnet.prefixLength(), subnet.gateway());
        });
    }

    /**
     * Removes an enclave subnetwork that no app uses.
     *
     * @throws StoreException if there is no such row, or apps rows still point at it
     */
    public void removeSubnet(int id) throws StoreException {
        write(() -> {
            if (!rowExists(Rows.SUBNETS, id)) {
                throw new StoreException("enclave_subnets has no row with id " + id);
            }
            List<Long> users = new ArrayList<>();
            try (PreparedStatement query = connection.prepareStatement(
                    "SELECT id FROM apps WHERE enc_subnet_id = ? ORDER BY id")) {
                query.setInt(1, id);
                try (ResultSet rows = query.executeQuery()) {
                    while (rows.next()) {
                        users.add(rows.getLong(1));
                    }
                }
            }
            if (!users.isEmpty()) {
                throw new StoreException("enclave subnetwork " + id + " is still used by apps row"
                        + (users.size() == 1 ? " " : "s ") + join(users) + "; remove "
                        + (users.size() == 1 ? "it" : "them") + " first");
            }
            delete(Rows.SUBNETS, id);
            return null;
        });
    }

    /**
     * Adds an app.
     *
     * @param app the row; id 0 picks the next free id. Its host subnet is stored as its network address.
     * @return the row with its id
     * @throws StoreException if the id is taken, the enclave subnetwork does not exist, or another row
     *     already allows the same MRENCLAVE from the same host subnet
     */
    public AppRow addApp(AppRow app) throws StoreException {
        if (app.name().isBlank()) {
            throw new StoreException("the app name must not be empty");
        }
        return write(() -> {
            if (app.id() != 0 && rowExists(Rows.APPS, app.id())) {
                throw new StoreException("apps already has a row with id " + app.id());
            }
            if (!rowExists(Rows.SUBNETS, app.enclaveSubnetId())) {
                throw new StoreException("enclave_subnets has no row with id " + app.enclaveSubnetId()
                        + "; add the subnetwork first or pick an id from 'subnet list'");
            }
            for (AppRow other : Rows.appsWithMrEnclave(connection, app.mrEnclave())) {
                if (other.hostSubnet().equals(app.hostSubnet())) {
                    throw new StoreException("apps row " + other.id() + " (" + other.name() + ") already allows MRENCLAVE "
                            + app.mrEnclaveHex() + " from host subnet " + app.hostSubnet());
                }
            }
            try (PreparedStatement insert = connection.prepareStatement("INSERT INTO apps (id, name, mr_enclave, mr_signer,"
                    + " host_subnet, host_submask, enc_subnet_id) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                setId(insert, 1, app.id());
                insert.setString(2, app.name());
                insert.setBytes(3, app.mrEnclave());
                insert.setBytes(4, app.mrSigner());
                insert.setLong(5, StoredAddress.encode(app.hostSubnet().network()));
                insert.setLong(6, StoredAddress.encode(app.hostSubnet().netmask()));
                insert.setInt(7, app.enclaveSubnetId());
                insert.executeUpdate();
            }
            return new AppRow(lastInsertedId(), app.name(), app.mrEnclave(), app.mrSigner(), app.hostSubnet(),
                    app.enclaveSubnetId());
        });
    }

    /** Removes an app; enclaves already connected keep their tunnels. */
    public void removeApp(int id) throws StoreException {
        write(() -> {
            if (!rowExists(Rows.APPS, id)) {
                throw new StoreException("apps has no row with id " + id);
            }
            delete(Rows.APPS, id);
            return null;
        });
    }

    @Override
    public void close() {
        closeQuietly(connection);
    }

    @FunctionalInterface
    private interface Work<T> {
        T run() throws SQLException, StoreException, Rows.InvalidRowException;
    }

    /** Runs a change in one immediate transaction: the write lock is taken before the checks read. */
    private <T> T write(Work<T> work) throws StoreException {
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run();
                connection.commit();
                return result;
            } catch (SQLException | StoreException | Rows.InvalidRowException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (Rows.InvalidRowException e) {
            throw new StoreException(e.problem() + "; fix or remove that row first", e);
        } catch (SQLException e) {
            throw new StoreException(DatabaseFile.describe(file, e), e);
        }
    }

    private boolean rowExists(String table, int id) throws SQLException {
        try (PreparedStatement query = connection.prepareStatement("SELECT 1 FROM " + table + " WHERE id = ?")) {
            query.setInt(1, id);
            try (ResultSet rows = query.executeQuery()) {
                return rows.next();
            }
        }
    }

    private void delete(String table, int id) throws SQLException {
        try (PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE id = ?")) {
            delete.setInt(1, id);
            delete.executeUpdate();
        }
    }

    private int lastInsertedId() throws SQLException, StoreException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT last_insert_rowid()")) {
            rows.next();
            long id = rows.getLong(1);
            if (id > Integer.MAX_VALUE) {
                throw new StoreException("the new row got id " + id + ", beyond the 32-bit ids this server supports;"
                        + " give a smaller id with --id");
            }
            return (int) id;
        }
    }

    private static void setId(PreparedStatement statement, int index, int id) throws SQLException {
        if (id == 0) {
            statement.setNull(index, Types.INTEGER);
        } else {
            statement.setInt(index, id);
        }
    }

    private static String join(List<Long> ids) {
        return String.join(", ", ids.stream().map(String::valueOf).toList());
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            Logger.debug(e, "event=allowlist_close_failed");
        }
    }
}
