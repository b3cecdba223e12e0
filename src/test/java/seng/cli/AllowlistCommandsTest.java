package seng.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import seng.attest.TrustPolicy;
import seng.client.ClientOptions;
import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.RaTlsCredentials;
import seng.client.SimulatedEnclave;
import seng.client.TestIasAuthority;
import seng.dtls.DtlsSettings;
import seng.dtls.ServerCredentials;
import seng.gateway.LoopbackGateway;
import seng.ip.Ipv4Address;
import seng.server.AllowlistAdmission;
import seng.server.GatewayServer;
import seng.server.ServerConfig;
import seng.store.SqliteAllowlist;
import seng.store.TestDatabases;
import seng.tunnel.TunnelSettings;

/** The db, subnet and app commands on real files: output, exit codes, and what the server makes of their rows. */
class AllowlistCommandsTest {
    private static final String MRENCLAVE = "7c6ca940d705e8ffc9614c86526bf24dab2890e7711324694375e9b644e396ea";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void addedAppIsListedAndAdmitted() throws Exception {
        String file = dir.resolve("allow.db").toString();
        assertThat(run("db", "init", file)).isEqualTo(Main.EXIT_OK);
        assertThat(run("subnet", "add", file, "172.16.28.0/26", "--gateway", "172.16.28.1")).isEqualTo(Main.EXIT_OK);
        assertThat(run("app", "add", file, "--name", "nginx", "--mrenclave", MRENCLAVE.toUpperCase(),
                "--mrsigner", TestDatabases.DEMO_MRSIGNER, "--host-subnet", "127.0.0.0/26", "--subnet", "1"))
                .isEqualTo(Main.EXIT_OK);
        assertThat(out()).endsWith("added app 1: nginx from 127.0.0.0/26 into enclave subnetwork 1\n");

        out.reset();
        assertThat(run("app", "list", file)).isEqualTo(Main.EXIT_OK);
        assertThat(out()).isEqualTo(
                "id  name   host subnet   enclave subnet      mrenclave" + " ".repeat(57) + "mrsigner\n"
                        + "1   nginx  127.0.0.0/26  1 (172.16.28.0/26)  " + MRENCLAVE + "  " + TestDatabases.DEMO_MRSIGNER
                        + "\n");
        assertThat(err()).isEmpty();

        TestIasAuthority authority = TestIasAuthority.generate();
        ServerCredentials serverCredentials = ServerCredentials.generateSelfSigned("test", Duration.ofDays(1));
        try (GatewayServer server = GatewayServer.start(serverConfig(Path.of(file), authority, serverCredentials))) {
            RaTlsCredentials enclave = new RaTlsCertificateBuilder(authority,
                    EnclaveIdentity.fromHex(MRENCLAVE, TestDatabases.DEMO_MRSIGNER, 0, 0, false)).build();
            try (SimulatedEnclave connected = SimulatedEnclave.connect(server.tunnel1Address(),
                    enclave.keyPair().getPrivate(), enclave.certificateDer(), clientOptions(serverCredentials))) {
                assertThat(connected.address() & Ipv4Address.netmask(26)).isEqualTo(Ipv4Address.parse("172.16.28.0"));
                assertThat(connected.gateway()).isEqualTo(Ipv4Address.parse("172.16.28.1"));
                assertThat(connected.netmask()).isEqualTo(Ipv4Address.parse("255.255.255.192"));
            }
        }
    }

    @Test
    void subnetListShowsUpstreamRows() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));

        assertThat(run("subnet", "list", file.toString())).isEqualTo(Main.EXIT_OK);

        assertThat(out()).isEqualTo("""
                id  subnet           netmask          gateway       enclave addresses  apps
                1   192.168.28.0/24  255.255.255.0    192.168.28.1  253                1
                2   172.16.28.0/26   255.255.255.192  172.16.28.1   61                 1
                """);
    }

    @Test
    void dbInitReportsAdoption() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));

        assertThat(run("db", "init", file.toString())).isEqualTo(Main.EXIT_OK);
        assertThat(run("db", "init", file.toString())).isEqualTo(Main.EXIT_OK);

        assertThat(out()).isEqualTo(file + ": schema version 2, adopted the upstream tables; 2 enclave subnetwork(s),"
                + " 2 app(s)\n" + file + ": schema version 2, already up to date; 2 enclave subnetwork(s), 2 app(s)\n");
    }

    @Test
    void dbCheckListsEveryProblem() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        TestDatabases.execute(file, "UPDATE apps SET enc_subnet_id = 9 WHERE id = 2",
                "UPDATE apps SET mr_signer = x'00' WHERE id = 1");

        assertThat(run("db", "check", file.toString())).isEqualTo(Main.EXIT_FAILURE);

        assertThat(out()).isEqualTo("""
                table apps, row 1: mr_signer has 1 byte, expected 32
                table apps, row 2: enc_subnet_id 9 names no row of enclave_subnets
                """);
        assertThat(err()).isEqualTo("error: " + file + " has 2 problem(s); the server refuses to start with it\n");
    }

    @Test
    void appRemoveThenSubnetRemove() throws Exception {
        String file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db")).toString();

        assertThat(run("subnet", "remove", file, "2")).isEqualTo(Main.EXIT_FAILURE);
        assertThat(err()).isEqualTo("error: enclave subnetwork 2 is still used by apps row 2; remove it first\n");

        assertThat(run("app", "remove", file, "2")).isEqualTo(Main.EXIT_OK);
        assertThat(run("subnet", "remove", file, "2")).isEqualTo(Main.EXIT_OK);
        assertThat(out()).isEqualTo("removed app 2\nremoved enclave subnetwork 2\n");
    }

    static Stream<Arguments> refusedData() {
        String mrSigner = TestDatabases.DEMO_MRSIGNER;
        return Stream.of(
                Arguments.of(new String[]{"subnet", "add", "FILE", "172.16.28.5/26"},
                        "invalid prefix 172.16.28.5/26: host bits are set; the network address is 172.16.28.0"),
                Arguments.of(new String[]{"subnet", "add", "FILE", "10.1.0.0/24", "--gateway", "10.2.0.1"},
                        "invalid gateway 10.2.0.1 for enclave subnetwork 10.1.0.0/24: it must be a host address inside"
                                + " the subnetwork"),
                Arguments.of(new String[]{"subnet", "add", "FILE", "10.1.0.0/31"},
                        "invalid enclave subnetwork 10.1.0.0/31: the prefix length must be from /8 to /30"),
                Arguments.of(new String[]{"subnet", "add", "FILE", "192.168.0.0/16"},
                        "enclave subnetwork 192.168.0.0/16 overlaps 192.168.28.0/24 of enclave_subnets row 1"),
                Arguments.of(new String[]{"subnet", "add", "FILE", "10.1.0.0/24", "--id", "2"},
                        "enclave_subnets already has a row with id 2"),
                Arguments.of(new String[]{"subnet", "add", "FILE", "10.1.0.0"},
                        "invalid prefix '10.1.0.0': expected CIDR notation such as 127.0.0.0/26"),
                Arguments.of(new String[]{"subnet", "remove", "FILE", "9"}, "enclave_subnets has no row with id 9"),
                Arguments.of(new String[]{"subnet", "remove", "FILE", "two"},
                        "invalid subnet id 'two': expected a whole number from 1 to 2147483647"),
                Arguments.of(new String[]{"app", "add", "FILE", "--name", "x", "--mrenclave", "abc", "--mrsigner", mrSigner,
                        "--host-subnet", "127.0.0.0/26", "--subnet", "1"},
                        "invalid MRENCLAVE 'abc': it has 3 characters, expected 64 hex digits (32 bytes)"),
                Arguments.of(new String[]{"app", "add", "FILE", "--name", "x", "--mrenclave", MRENCLAVE, "--mrsigner",
                        mrSigner + "00", "--host-subnet", "127.0.0.0/26", "--subnet", "1"},
                        "invalid MRSIGNER '" + mrSigner + "00': it has 66 characters, expected 64 hex digits (32 bytes)"),
                Arguments.of(new String[]{"app", "add", "FILE", "--name", "x", "--mrenclave", MRENCLAVE, "--mrsigner",
                        mrSigner, "--host-subnet", "127.0.0.1/26", "--subnet", "1"},
                        "invalid prefix 127.0.0.1/26: host bits are set; the network address is 127.0.0.0"),
                Arguments.of(new String[]{"app", "add", "FILE", "--name", "x", "--mrenclave", MRENCLAVE, "--mrsigner",
                        mrSigner, "--host-subnet", "127.0.0.0/26", "--subnet", "3"},
                        "enclave_subnets has no row with id 3; add the subnetwork first or pick an id from 'subnet list'"),
                Arguments.of(new String[]{"app", "add", "FILE", "--name", "x", "--mrenclave",
                        TestDatabases.SDK_NGINX_MRENCLAVE, "--mrsigner", mrSigner, "--host-subnet", "127.0.0.0/26",
                        "--subnet", "1"},
                        "apps row 2 (SDK-NGINX) already allows MRENCLAVE " + TestDatabases.SDK_NGINX_MRENCLAVE
                                + " from host subnet 127.0.0.0/26"),
                Arguments.of(new String[]{"app", "add", "FILE", "--name", " ", "--mrenclave", MRENCLAVE, "--mrsigner",
                        mrSigner, "--host-subnet", "127.0.0.0/26", "--subnet", "1"},
                        "invalid --name ' ': use 1 to 64 printable characters without spaces, quotes or '=', such as SDK-NGINX"),
                Arguments.of(new String[]{"app", "add", "FILE", "--name", "x\nevent=admission", "--mrenclave", MRENCLAVE,
                        "--mrsigner", mrSigner, "--host-subnet", "127.0.0.0/26", "--subnet", "1"},
                        "invalid --name 'x?event=admission': use 1 to 64 printable characters without spaces, quotes or '=',"
                                + " such as SDK-NGINX"),
                Arguments.of(new String[]{"app", "remove", "FILE", "5"}, "apps has no row with id 5"));
    }

    @ParameterizedTest
    @MethodSource("refusedData")
    void refusedDataExitsWithOne(String[] args, String message) throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        List<String> subnetsBefore = TestDatabases.dump(file, "enclave_subnets");
        List<String> appsBefore = TestDatabases.dump(file, "apps");

        assertThat(run(withFile(args, file))).isEqualTo(Main.EXIT_FAILURE);

        assertThat(err()).isEqualTo("error: " + message + "\n");
        assertThat(out()).isEmpty();
        assertThat(TestDatabases.dump(file, "enclave_subnets")).isEqualTo(subnetsBefore);
        assertThat(TestDatabases.dump(file, "apps")).isEqualTo(appsBefore);
    }

    static Stream<Arguments> wrongUsage() {
        return Stream.of(
                Arguments.of(new String[]{"app"}, "error: missing action: expected one of add, list, remove"),
                Arguments.of(new String[]{"subnet", "delete", "FILE", "1"},
                        "error: unknown action 'delete': expected one of add, list, remove"),
                Arguments.of(new String[]{"subnet", "list"}, "error: expected FILE, got 0 argument(s)"),
                Arguments.of(new String[]{"app", "remove", "FILE"}, "error: expected FILE ID, got 1 argument(s)"),
                Arguments.of(new String[]{"app", "add", "FILE", "--name", "x"}, "error: Missing required options:"),
                Arguments.of(new String[]{"db", "init", "FILE", "--force"}, "error: Unrecognized option: --force"));
    }

    @ParameterizedTest
    @MethodSource("wrongUsage")
    void wrongUsageExitsWithTwo(String[] args, String message) {
        assertThat(run(withFile(args, dir.resolve("unused.db")))).isEqualTo(Main.EXIT_USAGE);

        assertThat(err()).startsWith(message).contains("usage: seng-gateway " + args[0]);
        assertThat(dir.resolve("unused.db")).doesNotExist();
    }

    @Test
    void missingFileIsNotCreated() {
        Path file = dir.resolve("typo.db");

        assertThat(run("subnet", "list", file.toString())).isEqualTo(Main.EXIT_FAILURE);

        assertThat(err()).isEqualTo("error: allowlist database " + file + " does not exist; create it with:"
                + " seng-gateway db init " + file + "\n");
        assertThat(file).doesNotExist();
    }

    @Test
    void textFileIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("notes.txt"), "not a database\n".repeat(50));

        assertThat(run("app", "list", file.toString())).isEqualTo(Main.EXIT_FAILURE);

        assertThat(err()).isEqualTo("error: allowlist database " + file + " is not an SQLite database\n");
    }

    @Test
    void helpPerAction() {
        assertThat(run("app", "add", "--help")).isEqualTo(Main.EXIT_OK);
        assertThat(out()).startsWith("usage: seng-gateway app add FILE").contains("--mrenclave <HEX>")
                .contains("--host-subnet <CIDR>").contains("Exit codes:");

        out.reset();
        assertThat(run("subnet", "--help")).isEqualTo(Main.EXIT_OK);
        assertThat(out()).startsWith("usage: seng-gateway subnet <action>").contains("add     FILE CIDR")
                .contains("remove  FILE ID");
    }

    private int run(String... args) {
        PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        return switch (args[0]) {
            case "db" -> new DbCommand(outStream, errStream).run(rest);
            case "subnet" -> new SubnetCommand(outStream, errStream).run(rest);
            case "app" -> new AppCommand(outStream, errStream).run(rest);
            default -> throw new IllegalArgumentException(args[0]);
        };
    }

    private static String[] withFile(String[] args, Path file) {
        return Stream.of(args).map(arg -> arg.equals("FILE") ? file.toString() : arg).toArray(String[]::new);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static ServerConfig serverConfig(Path file, TestIasAuthority authority, ServerCredentials credentials)
            throws Exception {
        AllowlistAdmission admission = AllowlistAdmission.withCurrentSubnets(SqliteAllowlist.open(file), false);
        return new ServerConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), credentials,
                TrustPolicy.builder(authority.rootCertificate()).build(), admission.network(), admission,
                network -> new LoopbackGateway(network::isGatewayAddress, network::isEnclaveAddress, 1432),
                DtlsSettings.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(10)), TunnelSettings.DEFAULTS,
                Duration.ofSeconds(10), Clock.systemUTC());
    }

    private static ClientOptions clientOptions(ServerCredentials credentials) throws CertificateEncodingException {
        return ClientOptions.defaults().withPinnedServerCertificate(credentials.certificate().getEncoded());
    }
}
