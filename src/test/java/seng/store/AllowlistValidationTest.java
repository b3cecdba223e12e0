package seng.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of invalid row stops the server at start with one line naming the table, row and problem. */
class AllowlistValidationTest {
    @TempDir
    Path dir;

    /** Changes to the upstream demo file, each breaking one row, with the problem the server reports. */
    static Stream<Arguments> invalidRows() {
        return Stream.of(
                Arguments.of("UPDATE enclave_subnets SET gateway = 0x0100000a WHERE id = 2",
                        "table enclave_subnets, row 2: invalid gateway 10.0.0.1 for enclave subnetwork 172.16.28.0/26:"
                                + " it must be a host address inside the subnetwork"),
                Arguments.of("UPDATE enclave_subnets SET gateway = 0x3f1c10ac WHERE id = 2",
                        "table enclave_subnets, row 2: invalid gateway 172.16.28.63 for enclave subnetwork"
                                + " 172.16.28.0/26: it must be a host address inside the subnetwork"),
                Arguments.of("UPDATE enclave_subnets SET gateway = NULL WHERE id = 1",
                        "table enclave_subnets, row 1: gateway is NULL; set it to a host address inside 192.168.28.0/24"),
                Arguments.of("INSERT INTO enclave_subnets VALUES (3, 0x801ca8c0, 0x80ffffff, 0x811ca8c0)",
                        "table enclave_subnets, row 3: enclave subnetwork 192.168.28.128/25 overlaps 192.168.28.0/24"
                                + " of row 1"),
                Arguments.of("INSERT INTO enclave_subnets VALUES (3, 0x001ca8c0, 0xfcffffff, 0x011ca8c0)",
                        "table enclave_subnets, row 3: enclave subnetwork 192.168.28.0/30 overlaps 192.168.28.0/24"
                                + " of row 1"),
                Arguments.of("UPDATE enclave_subnets SET submask = 0xfeffffff WHERE id = 2",
                        "table enclave_subnets, row 2: invalid enclave subnetwork 172.16.28.0/31: the prefix length must"
                                + " be from /8 to /30"),
                Arguments.of("UPDATE enclave_subnets SET submask = 0xff00ffff WHERE id = 2",
                        "table enclave_subnets, row 2: submask 255.255.0.255 is not a netmask: its one bits are not"
                                + " contiguous"),
                Arguments.of("UPDATE enclave_subnets SET subnet = '172.16.28.0' WHERE id = 2",
                        "table enclave_subnets, row 2: subnet is the text '172.16.28.0', expected an integer holding the"
                                + " address bytes in little-endian order (192.168.28.0 is 0x001ca8c0)"),
                Arguments.of("UPDATE enclave_subnets SET subnet = 0x1001ca8c0 WHERE id = 1",
                        "table enclave_subnets, row 1: subnet value 4296845504 is not a 32-bit integer, so it is no IPv4"
                                + " address"),
                Arguments.of("UPDATE apps SET enc_subnet_id = 9 WHERE id = 2",
                        "table apps, row 2: enc_subnet_id 9 names no row of enclave_subnets"),
                Arguments.of("UPDATE apps SET mr_enclave = substr(mr_enclave, 1, 31) WHERE id = 1",
                        "table apps, row 1: mr_enclave has 31 bytes, expected 32"),
                Arguments.of("UPDATE apps SET mr_signer = zeroblob(33) WHERE id = 2",
                        "table apps, row 2: mr_signer has 33 bytes, expected 32"),
                Arguments.of("UPDATE apps SET mr_enclave = lower(hex(mr_enclave)) WHERE id = 1",
                        "table apps, row 1: mr_enclave is the text '" + TestDatabases.DEMO_ENCLAVE_MRENCLAVE
                                + "', expected a 32-byte BLOB: write it as x'" + TestDatabases.DEMO_ENCLAVE_MRENCLAVE + "'"),
                Arguments.of("UPDATE apps SET host_submask = 0x00ff00ff WHERE id = 2",
                        "table apps, row 2: host_submask 255.0.255.0 is not a netmask: its one bits are not contiguous"));
    }

    @ParameterizedTest
    @MethodSource("invalidRows")
    void invalidRowStopsOpening(String change, String problem) throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo.db"));
        TestDatabases.execute(file, change);

        assertThatThrownBy(() -> SqliteAllowlist.open(file))
                .isInstanceOf(StoreException.class)
                .hasMessage("allowlist database " + file + ": " + problem);
    }

    @Test
    void messageCountsFurtherProblems() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo.db"));
        TestDatabases.execute(file, "UPDATE apps SET enc_subnet_id = 9", "UPDATE enclave_subnets SET gateway = NULL");

        assertThatThrownBy(() -> SqliteAllowlist.open(file))
                .hasMessage("allowlist database " + file + ": table enclave_subnets, row 1: gateway is NULL; set it to a"
                        + " host address inside 192.168.28.0/24 (and 3 more: run 'seng-gateway db check " + file
                        + "' to list them)");
    }

    @Test
    void validRowsBesideProblemsStillList() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo.db"));
        TestDatabases.execute(file, "UPDATE apps SET mr_enclave = x'00' WHERE id = 2");

        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            AllowlistContents contents = database.read();

            assertThat(contents.apps()).extracting(AppRow::name).containsExactly("DemoEnclave");
            assertThat(contents.problems()).containsExactly(new Problem("apps", 2, "mr_enclave has 1 byte, expected 32"));
        }
    }
}
