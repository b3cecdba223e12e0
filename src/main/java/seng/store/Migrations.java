package seng.store;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.output.MigrateResult;
import org.tinylog.Logger;

/**
 * Brings an allowlist file to the current schema with the Flyway migrations of the top-level
 * {@code sql/} folder, which the build packs into the jar at {@link #LOCATION}.
 *
 * <p>A file made by upstream's SQL script has the two upstream tables and no Flyway history. Such a
 * file is adopted: Flyway records a baseline at version 1, the upstream schema, and runs only the
 * later migrations, which add objects of ours and never touch upstream's rows.
 */
final class Migrations {
    static final String LOCATION = "classpath:seng/store/migration";
    static final String HISTORY_TABLE = "flyway_schema_history";
    private static final String UPSTREAM_SCHEMA_VERSION = "1";

    /** The columns upstream's servers read, which every allowlist file must have. */
    private static final Map<String, List<String>> UPSTREAM_COLUMNS = upstreamColumns();

    /**
     * @param fromVersion the schema version before, or null for a new file or an adopted one
     * @param adopted whether upstream-made tables were baselined
     */
    record Outcome(String fromVersion, String toVersion, int applied, boolean adopted) {
    }

    private Migrations() {
    }

    static Outcome run(Path file, Connection connection) throws StoreException {
        Set<String> tables = tables(file, connection);
        boolean adopt = !tables.isEmpty() && !tables.contains(HISTORY_TABLE);
        if (adopt) {
            requireUpstreamTables(file, connection, tables);
        }

        Flyway flyway = Flyway.configure(Migrations.class.getClassLoader())
                .dataSource(DatabaseFile.dataSource(file))
                .locations(LOCATION)
                .baselineOnMigrate(adopt)
                .baselineVersion(UPSTREAM_SCHEMA_VERSION)
                .baselineDescription("adopt upstream tables")
                .cleanDisabled(true)
                .loggers(FlywayLogs.class.getName())
                .load();
        MigrateResult result;
        try {
            result = flyway.migrate();
        } catch (FlywayException e) {
            Logger.debug(e, "event=allowlist_migration_failed file={}", file);
            throw new StoreException(describe(file, e), e);
        }
        requireUpstreamTables(file, connection, tables(file, connection));

        // MigrateResult leaves the target version empty when nothing was pending, so ask for the current one.
        MigrationInfo current = flyway.info().current();
        Outcome outcome = new Outcome(adopt ? null : result.initialSchemaVersion,
                current == null ? null : current.getVersion().getVersion(), result.migrationsExecuted, adopt);
        Logger.info("event=allowlist_migrated file={} adopted={} from_version={} to_version={} migrations_applied={}",
                file, adopt, outcome.fromVersion() == null ? "-" : outcome.fromVersion(),
                outcome.toVersion() == null ? "-" : outcome.toVersion(), outcome.applied());
        return outcome;
    }

    private static Set<String> tables(Path file, Connection connection) throws StoreException {
        Set<String> tables = new TreeSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(
                        "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'")) {
            while (rows.next()) {
                tables.add(rows.getString(1));
            }
        } catch (SQLException e) {
            throw new StoreException(DatabaseFile.describe(file, e), e);
        }
        return tables;
    }

    /** Fails unless both upstream tables exist with every column upstream's servers read. */
    private static void requireUpstreamTables(Path file, Connection connection, Set<String> tables) throws StoreException {
        for (Map.Entry<String, List<String>> table : UPSTREAM_COLUMNS.entrySet()) {
            if (!tables.contains(table.getKey())) {
                throw new StoreException("allowlist database " + file + " has no table " + table.getKey()
                        + " (tables found: " + (tables.isEmpty() ? "none" : String.join(", ", tables))
                        + "); it was not made by 'seng-gateway db init' or by upstream's seng_db_creator.sql");
            }
            List<String> missing = new ArrayList<>(table.getValue());
            missing.removeAll(columns(file, connection, table.getKey()));
            if (!missing.isEmpty()) {
                throw new StoreException("allowlist database " + file + ": table " + table.getKey() + " has no column "
                        + String.join(", ", missing) + "; it does not have upstream's allowlist schema");
            }
        }
    }

    private static Set<String> columns(Path file, Connection connection, String table) throws StoreException {
        Set<String> columns = new TreeSet<>();
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rows.next()) {
                columns.add(rows.getString("name"));
            }
        } catch (SQLException e) {
            throw new StoreException(DatabaseFile.describe(file, e), e);
        }
        return columns;
    }

    private static String describe(Path file, FlywayException error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql) {
                return DatabaseFile.describe(file, sql);
            }
        }
        return "schema migration of allowlist database " + file + " failed: " + DatabaseFile.firstLine(error);
    }

    private static Map<String, List<String>> upstreamColumns() {
        Map<String, List<String>> columns = new LinkedHashMap<>();
        columns.put("enclave_subnets", List.of("id", "subnet", "submask", "gateway"));
        columns.put("apps", List.of("id", "name", "mr_enclave", "mr_signer", "host_subnet", "host_submask", "enc_subnet_id"));
        return Collections.unmodifiableMap(columns);
    }
}
