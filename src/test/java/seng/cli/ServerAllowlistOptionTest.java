package seng.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import seng.store.TestDatabases;

/** A server started with an unusable -db file stops before binding anything, with one error line and exit code 1. */
class ServerAllowlistOptionTest {
    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    static Stream<Arguments> invalidRows() {
        return Stream.of(
                Arguments.of("UPDATE enclave_subnets SET gateway = 0x0100000a WHERE id = 2",
                        "table enclave_subnets, row 2: invalid gateway 10.0.0.1 for enclave subnetwork 172.16.28.0/26:"
                                + " it must be a host address inside the subnetwork"),
                Arguments.of("INSERT INTO enclave_subnets VALUES (3, 0x001c10ac, 0x00ffffff, 0x011c10ac)",
                        "table enclave_subnets, row 3: enclave subnetwork 172.16.28.0/24 overlaps 172.16.28.0/26 of row 2"),
                Arguments.of("UPDATE apps SET enc_subnet_id = 7 WHERE id = 1",
                        "table apps, row 1: enc_subnet_id 7 names no row of enclave_subnets"),
                Arguments.of("UPDATE apps SET mr_enclave = zeroblob(16) WHERE id = 2",
                        "table apps, row 2: mr_enclave has 16 bytes, expected 32"),
                Arguments.of("UPDATE apps SET mr_signer = zeroblob(64) WHERE id = 1",
                        "table apps, row 1: mr_signer has 64 bytes, expected 32"));
    }

    @ParameterizedTest
    @MethodSource("invalidRows")
    void invalidRowExitsWithOne(String change, String problem) throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        TestDatabases.execute(file, change);

        assertThat(runServer("-db", file.toString())).isEqualTo(Main.EXIT_FAILURE);

        assertThat(err()).isEqualTo("error: allowlist database " + file + ": " + problem + "\n");
    }

    @Test
    void fileThatIsNotADatabase() throws Exception {
        Path file = Files.writeString(dir.resolve("allow.db"), "SQLite format 2\n".repeat(64));

        assertThat(runServer("-db", file.toString())).isEqualTo(Main.EXIT_FAILURE);

        assertThat(err()).isEqualTo("error: allowlist database " + file + " is not an SQLite database\n");
    }

    @Test
    void directoryInsteadOfFile() {
        assertThat(runServer("-db", dir.toString())).isEqualTo(Main.EXIT_FAILURE);

        assertThat(err()).isEqualTo("error: allowlist database " + dir + " is a directory, not an SQLite file\n");
    }

    @Test
    void missingFileIsNotCreated() {
        Path file = dir.resolve("missing.db");

        assertThat(runServer("-db", file.toString())).isEqualTo(Main.EXIT_FAILURE);

        assertThat(err()).isEqualTo("error: allowlist database " + file + " does not exist; create it with:"
                + " seng-gateway db init " + file + "\n");
        assertThat(file).doesNotExist();
    }

    @Test
    void requireMrSignerNeedsDatabase() {
        assertThat(runServer("--require-mrsigner")).isEqualTo(Main.EXIT_USAGE);

        assertThat(err()).startsWith("error: --require-mrsigner needs -db: it applies to the allowlist's apps rows\n");
    }

    /** Runs the server command on an address it never binds, because every case fails while loading the configuration. */
    private int runServer(String... options) {
        String[] args = Stream.concat(Stream.of(options), Stream.of("--loopback", "127.0.0.1", "40000"))
                .toArray(String[]::new);
        return new ServerCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
