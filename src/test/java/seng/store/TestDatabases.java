package seng.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Allowlist files for tests, made with raw SQL the way upstream's tools make them, without this
 * project's store code.
 */
public final class TestDatabases {
    /** An SQL script written like upstream's seng_db_creator.sql, with the demo rows. */
    public static final Path UPSTREAM_DEMO_SCRIPT = Path.of("test-resources/allowlist/upstream-demo.sql");

    public static final String DEMO_ENCLAVE_MRENCLAVE = "d0d8837438142d663ee2be21fe2f142ca3fe3d509e749f419cd20d8f673129e0";
    public static final String SDK_NGINX_MRENCLAVE = "42a5bd14b187bd85c369fa47a9fecbbfba7b73b3af6c111141a81dc4f46931bc";
    public static final String DEMO_MRSIGNER = "be7403a5952075531158572a50b7eb613821df2e18bf6c8b6e1d646dbf42d1a0";

    private TestDatabases() {
    }

    /** Runs the upstream demo script on a new file, as {@code sqlite3 FILE < script} would. */
    public static Path createUpstreamDemo(Path file) throws IOException, SQLException {
        execute(file, statements(Files.readString(UPSTREAM_DEMO_SCRIPT)).toArray(String[]::new));
        return file;
    }

    /** Runs SQL statements on a file, creating it if needed. */
    public static void execute(Path file, String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.executeUpdate(sql);
            }
        }
    }

    /**
     * Returns every row of a table, lowest id first, each value with its SQLite storage class
     * ({@code quote()} shows integers, text and blobs exactly), so a comparison catches any rewrite.
     */
    public static List<String> dump(Path file, String table) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
                Statement statement = connection.createStatement();
                ResultSet columns = statement.executeQuery("SELECT * FROM " + table + " LIMIT 0")) {
            ResultSetMetaData metadata = columns.getMetaData();
            List<String> quoted = new ArrayList<>();
            for (int index = 1; index <= metadata.getColumnCount(); index++) {
                String name = metadata.getColumnName(index);
                quoted.add("typeof(" + name + ") || ':' || quote(" + name + ")");
            }
            try (Statement query = connection.createStatement();
                    ResultSet result = query.executeQuery("SELECT " + String.join(" || ' ' || ", quoted) + " FROM " + table
                            + " ORDER BY rowid")) {
                while (result.next()) {
                    rows.add(result.getString(1));
                }
            }
        }
        return rows;
    }

    /** Splits a script into statements; enough for scripts without semicolons inside literals. */
    private static List<String> statements(String script) {
        StringBuilder withoutComments = new StringBuilder();
        for (String line : script.split("\n")) {
            if (!line.strip().startsWith("--")) {
                withoutComments.append(line).append('\n');
            }
        }
        List<String> statements = new ArrayList<>();
        for (String statement : withoutComments.toString().split(";")) {
            if (!statement.isBlank()) {
                statements.add(statement.strip());
            }
        }
        return statements;
    }
}
