package seng.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.assertj.core.groups.Tuple;

import seng.ip.Ipv4Prefix;
import seng.pool.Subnet;

class AllowlistDatabaseTest {
    @TempDir
    Path dir;

    @Test
    void newFileGetsSchema() throws Exception {
        Path file = dir.resolve("new.db");

        try (AllowlistDatabase database = AllowlistDatabase.create(file)) {
            assertThat(database.schemaVersion()).isEqualTo("2");
            assertThat(database.adopted()).isFalse();
            assertThat(database.migrationsApplied()).isEqualTo(2);
            assertThat(database.read()).isEqualTo(new AllowlistContents(List.of(), List.of(), List.of()));
        }
        assertThat(query(file, "SELECT name FROM sqlite_schema WHERE type IN ('table', 'view') ORDER BY name"))
                .containsExactly("apps", "apps_readable", "enclave_subnets", "enclave_subnets_readable",
                        "flyway_schema_history");
    }

    @Test
    void secondOpenAppliesNothing() throws Exception {
        Path file = dir.resolve("twice.db");
        AllowlistDatabase.create(file).close();

        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            assertThat(database.migrationsApplied()).isZero();
            assertThat(database.schemaVersion()).isEqualTo("2");
        }
    }

    @Test
    void upstreamFileIsAdoptedUnchanged() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        List<String> subnetsBefore = TestDatabases.dump(file, "enclave_subnets");
        List<String> appsBefore = TestDatabases.dump(file, "apps");

        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            assertThat(database.adopted()).isTrue();
            assertThat(database.migrationsApplied()).isEqualTo(1);
            assertThat(database.schemaVersion()).isEqualTo("2");
        }
        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            assertThat(database.adopted()).isFalse();
            assertThat(database.migrationsApplied()).isZero();
        }

        assertThat(TestDatabases.dump(file, "enclave_subnets")).isEqualTo(subnetsBefore);
        assertThat(TestDatabases.dump(file, "apps")).isEqualTo(appsBefore);
        assertThat(subnetsBefore).contains("integer:2 integer:1839276 integer:3238002687 integer:18616492");
        assertThat(query(file, "SELECT version || ' ' || type FROM flyway_schema_history ORDER BY installed_rank"))
                .containsExactly("1 BASELINE", "2 SQL");
    }

    @Test
    void upstreamRowsReadAsAddresses() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));

        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            AllowlistContents contents = database.read();

            assertThat(contents.problems()).isEmpty();
            assertThat(contents.subnets()).containsExactly(
                    Subnet.parse(1, "192.168.28.0/24", "192.168.28.1"),
                    Subnet.parse(2, "172.16.28.0/26", "172.16.28.1"));
            assertThat(contents.apps()).extracting(AppRow::id, AppRow::name, AppRow::mrEnclaveHex, AppRow::mrSignerHex,
                    AppRow::hostSubnet, AppRow::enclaveSubnetId).containsExactly(
                    Tuple.tuple(1, "DemoEnclave", TestDatabases.DEMO_ENCLAVE_MRENCLAVE,
                            TestDatabases.DEMO_MRSIGNER, Ipv4Prefix.parse("127.0.0.0/26"), 1),
                    Tuple.tuple(2, "SDK-NGINX", TestDatabases.SDK_NGINX_MRENCLAVE,
                            TestDatabases.DEMO_MRSIGNER, Ipv4Prefix.parse("127.0.0.0/26"), 2));
        }
        assertThat(query(file, "SELECT subnet || ' ' || netmask || ' ' || gateway FROM enclave_subnets_readable"))
                .containsExactly("192.168.28.0 255.255.255.0 192.168.28.1", "172.16.28.0 255.255.255.192 172.16.28.1");
        assertThat(query(file, "SELECT host_subnet || ' ' || host_netmask FROM apps_readable WHERE id = 1"))
                .containsExactly("127.0.0.1 255.255.255.192");
    }

    @Test
    void negativeStoredNetmaskReadsAsPositive() throws Exception {
        Path file = dir.resolve("signed.db");
        AllowlistDatabase.create(file).close();
        TestDatabases.execute(file, "INSERT INTO enclave_subnets VALUES (7, 1839276, -1056964609, 18616492)");

        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            assertThat(database.read().subnets()).containsExactly(Subnet.parse(7, "172.16.28.0/26", "172.16.28.1"));
        }
    }

    @Test
    void missingFileIsRefusedWithHint() {
        Path file = dir.resolve("missing.db");

        assertThatThrownBy(() -> AllowlistDatabase.open(file))
                .isInstanceOf(StoreException.class)
                .hasMessage("allowlist database " + file + " does not exist; create it with: seng-gateway db init " + file);
        assertThat(file).doesNotExist();
    }

    @Test
    void directoryIsRefused() {
        assertThatThrownBy(() -> AllowlistDatabase.open(dir))
                .hasMessage("allowlist database " + dir + " is a directory, not an SQLite file");
    }

    @Test
    void textFileIsNotADatabase() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "this is not SQLite\n".repeat(100));

        assertThatThrownBy(() -> AllowlistDatabase.open(file))
                .isInstanceOf(StoreException.class)
                .hasMessage("allowlist database " + file + " is not an SQLite database");
    }

    @Test
    void unreadableFileIsRefused() throws Exception {
        Path file = dir.resolve("secret.db");
        AllowlistDatabase.create(file).close();
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("---------"));
        assumeFalse(Files.isReadable(file), "running as root, who can read any file");

        assertThatThrownBy(() -> AllowlistDatabase.open(file))
                .hasMessage("allowlist database " + file + " is not readable: permission denied");
    }

    @Test
    void otherDatabaseIsNotAdopted() throws Exception {
        Path file = dir.resolve("other.db");
        TestDatabases.execute(file, "CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");

        assertThatThrownBy(() -> AllowlistDatabase.open(file))
                .hasMessage("allowlist database " + file + " has no table enclave_subnets (tables found: customers); it was"
                        + " not made by 'seng-gateway db init' or by upstream's seng_db_creator.sql");
        assertThat(query(file, "SELECT name FROM sqlite_schema WHERE type = 'table'")).containsExactly("customers");
    }

    @Test
    void tableWithoutUpstreamColumnIsRefused() throws Exception {
        Path file = dir.resolve("old.db");
        TestDatabases.execute(file,
                "CREATE TABLE enclave_subnets (id INTEGER PRIMARY KEY, subnet INTEGER, submask INTEGER)",
                "CREATE TABLE apps (id INTEGER PRIMARY KEY, name TEXT, mr_enclave BLOB, mr_signer BLOB,"
                        + " host_subnet INTEGER, host_submask INTEGER, enc_subnet_id INTEGER)");

        assertThatThrownBy(() -> AllowlistDatabase.open(file))
                .hasMessage("allowlist database " + file + ": table enclave_subnets has no column gateway; it does not have"
                        + " upstream's allowlist schema");
    }

    @Test
    void addSubnetStoresUpstreamEncoding() throws Exception {
        Path file = dir.resolve("admin.db");
        try (AllowlistDatabase database = AllowlistDatabase.create(file)) {
            Subnet first = database.addSubnet(Subnet.parse(0, "192.168.28.0/24", "192.168.28.1"));
            Subnet second = database.addSubnet(Subnet.parse(5, "172.16.28.0/26", "172.16.28.1"));

            assertThat(first.id()).isEqualTo(1);
            assertThat(second.id()).isEqualTo(5);
            assertThat(database.read().subnets()).containsExactly(first, second);
        }
        assertThat(TestDatabases.dump(file, "enclave_subnets")).containsExactly(
                "integer:1 integer:1878208 integer:16777215 integer:18655424",
                "integer:5 integer:1839276 integer:3238002687 integer:18616492");
    }

    @Test
    void overlappingSubnetIsRefused() throws Exception {
        try (AllowlistDatabase database = AllowlistDatabase.create(dir.resolve("admin.db"))) {
            database.addSubnet(Subnet.parse(0, "192.168.28.0/24", "192.168.28.1"));

            assertThatThrownBy(() -> database.addSubnet(Subnet.parse(0, "192.168.28.128/25", "192.168.28.129")))
                    .hasMessage("enclave subnetwork 192.168.28.128/25 overlaps 192.168.28.0/24 of enclave_subnets row 1");
            assertThatThrownBy(() -> database.addSubnet(Subnet.parse(1, "10.9.0.0/16", "10.9.0.1")))
                    .hasMessage("enclave_subnets already has a row with id 1");
            assertThat(database.read().subnets()).hasSize(1);
        }
    }

    @Test
    void subnetUsedByAppIsNotRemoved() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo.db"));
        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            assertThatThrownBy(() -> database.removeSubnet(2))
                    .hasMessage("enclave subnetwork 2 is still used by apps row 2; remove it first");
            assertThatThrownBy(() -> database.removeSubnet(9)).hasMessage("enclave_subnets has no row with id 9");

            database.removeApp(2);
            database.removeSubnet(2);

            assertThat(database.read().subnets()).extracting(Subnet::id).containsExactly(1);
            assertThat(database.read().apps()).extracting(AppRow::id).containsExactly(1);
        }
    }

    @Test
    void addAppStoresBlobsAndNetworkAddress() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo.db"));
        AppRow app = new AppRow(0, "second host", AppRow.parseMeasurement("MRENCLAVE", TestDatabases.SDK_NGINX_MRENCLAVE),
                AppRow.parseMeasurement("MRSIGNER", TestDatabases.DEMO_MRSIGNER), Ipv4Prefix.parse("127.0.0.64/26"), 1);

        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            AppRow added = database.addApp(app);

            assertThat(added.id()).isEqualTo(3);
            assertThat(database.read().apps()).last().isEqualTo(added);
        }
        assertThat(TestDatabases.dump(file, "apps").getLast()).isEqualTo("integer:3 text:'second host' blob:X'"
                + TestDatabases.SDK_NGINX_MRENCLAVE.toUpperCase() + "' blob:X'" + TestDatabases.DEMO_MRSIGNER.toUpperCase()
                + "' integer:" + 0x4000007fL + " integer:3238002687 integer:1");
    }

    @Test
    void conflictingAppsAreRefused() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo.db"));
        byte[] mrEnclave = AppRow.parseMeasurement("MRENCLAVE", TestDatabases.DEMO_ENCLAVE_MRENCLAVE);
        byte[] mrSigner = AppRow.parseMeasurement("MRSIGNER", TestDatabases.DEMO_MRSIGNER);

        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            assertThatThrownBy(() -> database.addApp(new AppRow(0, "copy", mrEnclave, mrSigner,
                    Ipv4Prefix.parse("127.0.0.0/26"), 2)))
                    .hasMessage("apps row 1 (DemoEnclave) already allows MRENCLAVE " + TestDatabases.DEMO_ENCLAVE_MRENCLAVE
                            + " from host subnet 127.0.0.0/26");
            assertThatThrownBy(() -> database.addApp(new AppRow(0, "lost", mrEnclave, mrSigner,
                    Ipv4Prefix.parse("10.0.0.0/8"), 4)))
                    .hasMessage("enclave_subnets has no row with id 4; add the subnetwork first or pick an id from"
                            + " 'subnet list'");
            assertThatThrownBy(() -> database.addApp(new AppRow(2, "taken", mrEnclave, mrSigner,
                    Ipv4Prefix.parse("10.0.0.0/8"), 1)))
                    .hasMessage("apps already has a row with id 2");
            assertThatThrownBy(() -> database.removeApp(42)).hasMessage("apps has no row with id 42");
            assertThat(database.read().apps()).hasSize(2);
        }
    }

    @Test
    void measurementMustBe64HexDigits() {
        assertThatThrownBy(() -> AppRow.parseMeasurement("MRENCLAVE", "abcd"))
                .hasMessage("invalid MRENCLAVE 'abcd': it has 4 characters, expected 64 hex digits (32 bytes)");
        assertThatThrownBy(() -> AppRow.parseMeasurement("MRSIGNER", "z".repeat(64)))
                .hasMessageStartingWith("invalid MRSIGNER 'zzzz").hasMessageEndingWith("': it is not hexadecimal");
    }

    private static List<String> query(Path file, String sql) throws Exception {
        List<String> values = new ArrayList<>();
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + file);
                Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery(sql)) {
            while (rows.next()) {
                values.add(rows.getString(1));
            }
        }
        return values;
    }
}
