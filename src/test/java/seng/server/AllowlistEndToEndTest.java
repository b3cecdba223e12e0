package seng.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seng.client.ClientOptions;
import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.RaTlsCredentials;
import seng.client.SimulatedEnclave;
import seng.ip.Ipv4Address;
import seng.ip.Ipv4Prefix;
import seng.pool.AddressPool;
import seng.pool.Subnet;
import seng.store.AllowlistDatabase;
import seng.store.AppRow;
import seng.store.SqliteAllowlist;
import seng.store.StoreException;
import seng.store.TestDatabases;
import seng.Await;


/**
 * The allowlist rules with real servers, real SQLite files and simulated enclaves on loopback:
 * upstream's demo database, refusals, a full subnetwork, and rows changed while the server runs.
 */
class AllowlistEndToEndTest {
    private static final Duration PING_TIMEOUT = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    @Test
    void demoEnclaveGetsFirstSubnetwork() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        try (LoopbackServer loopback = start(file, false);
                SimulatedEnclave enclave = loopback.connect(credentials(TestDatabases.DEMO_ENCLAVE_MRENCLAVE))) {
            assertThat(Ipv4Prefix.parse("192.168.28.0/24").contains(enclave.address())).isTrue();
            assertThat(enclave.address()).isNotIn(Ipv4Address.parse("192.168.28.0"), Ipv4Address.parse("192.168.28.1"),
                    Ipv4Address.parse("192.168.28.255"));
            assertThat(enclave.gateway()).isEqualTo(Ipv4Address.parse("192.168.28.1"));
            assertThat(enclave.netmask()).isEqualTo(Ipv4Address.parse("255.255.255.0"));
            assertThat(enclave.ping(enclave.gateway(), PING_TIMEOUT)).isPositive();
            assertThat(loopback.server.tunnels().getFirst().info().appName()).isEqualTo("DemoEnclave");
        }
    }

    @Test
    void sdkNginxGetsSecondSubnetwork() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        try (LoopbackServer loopback = start(file, false);
                SimulatedEnclave enclave = loopback.connect(credentials(TestDatabases.SDK_NGINX_MRENCLAVE))) {
            assertThat(Ipv4Prefix.parse("172.16.28.0/26").contains(enclave.address())).isTrue();
            assertThat(enclave.address()).isNotIn(Ipv4Address.parse("172.16.28.0"), Ipv4Address.parse("172.16.28.1"),
                    Ipv4Address.parse("172.16.28.63"));
            assertThat(enclave.netmask()).isEqualTo(Ipv4Address.parse("255.255.255.192"));
            assertThat(enclave.gateway()).isEqualTo(Ipv4Address.parse("172.16.28.1"));
            assertThat(enclave.ping(enclave.gateway(), PING_TIMEOUT)).isPositive();
            assertThat(pool(loopback, 2).freeCount()).isEqualTo(61 - 1);
            assertThat(pool(loopback, 1).freeCount()).isEqualTo(253);
        }
    }

    @Test
    void unknownMrEnclaveIsRefused() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        try (LoopbackServer loopback = start(file, false)) {
            RaTlsCredentials stranger = LoopbackServer.enclaveCredentials();

            assertRefused(loopback, stranger, LoopbackServer.clientOptions(), "unknown_mrenclave",
                    AlertDescription.access_denied);
        }
    }

    @Test
    void hostOutsideHostSubnetIsRefused() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        ClientOptions otherHost = LoopbackServer.clientOptions().withLocalAddress(InetAddress.getByName("127.0.0.100"));
        try (LoopbackServer loopback = start(file, false)) {
            assertRefused(loopback, credentials(TestDatabases.DEMO_ENCLAVE_MRENCLAVE), otherHost, "host_not_allowed",
                    AlertDescription.access_denied);
        }
    }

    @Test
    void firstMatchingRowPicksSubnetwork() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            database.addApp(app(TestDatabases.DEMO_ENCLAVE_MRENCLAVE, "0.0.0.0/0", 2));
        }
        ClientOptions otherHost = LoopbackServer.clientOptions().withLocalAddress(InetAddress.getByName("127.0.0.100"));
        try (LoopbackServer loopback = start(file, false);
                SimulatedEnclave inside = loopback.connect(credentials(TestDatabases.DEMO_ENCLAVE_MRENCLAVE));
                SimulatedEnclave outside = connectAndWait(loopback, credentials(TestDatabases.DEMO_ENCLAVE_MRENCLAVE),
                        otherHost)) {
            assertThat(Ipv4Prefix.parse("192.168.28.0/24").contains(inside.address())).isTrue();
            assertThat(Ipv4Prefix.parse("172.16.28.0/26").contains(outside.address())).isTrue();
        }
    }

    @Test
    void slash30HoldsOneEnclave() throws Exception {
        Path file = dir.resolve("tiny.db");
        try (AllowlistDatabase database = AllowlistDatabase.create(file)) {
            database.addSubnet(Subnet.parse(0, "192.168.29.0/30", "192.168.29.1"));
            database.addApp(app(TestDatabases.DEMO_ENCLAVE_MRENCLAVE, "127.0.0.0/8", 1));
        }
        try (LoopbackServer loopback = start(file, false)) {
            SimulatedEnclave first = loopback.connect(credentials(TestDatabases.DEMO_ENCLAVE_MRENCLAVE));
            assertThat(first.address()).isEqualTo(Ipv4Address.parse("192.168.29.2"));
            assertThat(first.netmask()).isEqualTo(Ipv4Address.parse("255.255.255.252"));

            RaTlsCredentials second = credentials(TestDatabases.DEMO_ENCLAVE_MRENCLAVE);
            assertRefused(loopback, second, LoopbackServer.clientOptions(), "subnet_full", AlertDescription.handshake_failure);

            first.close();
            Await.until(() -> pool(loopback, 1).freeCount() == 1);
            try (SimulatedEnclave later = loopback.connect(second)) {
                assertThat(later.address()).isEqualTo(Ipv4Address.parse("192.168.29.2"));
            }
        }
    }

    @Test
    void rowsChangedWhileRunningApplyNextTime() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        EnclaveIdentity identity = EnclaveIdentity.random();
        try (LoopbackServer loopback = start(file, false)) {
            assertRefused(loopback, credentials(identity), LoopbackServer.clientOptions(), "unknown_mrenclave",
                    AlertDescription.access_denied);

            AppRow added;
            try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
                Subnet subnet = database.addSubnet(Subnet.parse(0, "172.16.30.0/24", "172.16.30.1"));
                added = database.addApp(new AppRow(0, "late", identity.mrEnclave(), identity.mrSigner(),
                        Ipv4Prefix.parse("127.0.0.0/26"), subnet.id()));
            }
            try (SimulatedEnclave enclave = loopback.connect(credentials(identity))) {
                assertThat(Ipv4Prefix.parse("172.16.30.0/24").contains(enclave.address())).isTrue();
                assertThat(enclave.ping(Ipv4Address.parse("172.16.30.1"), PING_TIMEOUT)).isPositive();

                try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
                    database.removeApp(added.id());
                }
                assertRefused(loopback, credentials(identity), LoopbackServer.clientOptions(), "unknown_mrenclave",
                        AlertDescription.access_denied);
                assertThat(enclave.ping(enclave.gateway(), PING_TIMEOUT)).isPositive();
            }
        }
    }

    @Test
    void requireMrSignerComparesSigner() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        EnclaveIdentity otherSigner = EnclaveIdentity.fromHex(TestDatabases.DEMO_ENCLAVE_MRENCLAVE,
                TestDatabases.SDK_NGINX_MRENCLAVE, 0, 0, false);
        try (LoopbackServer loopback = start(file, true)) {
            assertRefused(loopback, credentials(otherSigner), LoopbackServer.clientOptions(), "mrsigner_mismatch",
                    AlertDescription.access_denied);

            try (SimulatedEnclave enclave = loopback.connect(credentials(TestDatabases.DEMO_ENCLAVE_MRENCLAVE))) {
                assertThat(Ipv4Prefix.parse("192.168.28.0/24").contains(enclave.address())).isTrue();
            }
        }
        try (LoopbackServer loopback = start(file, false);
                SimulatedEnclave enclave = loopback.connect(credentials(otherSigner))) {
            assertThat(Ipv4Prefix.parse("192.168.28.0/24").contains(enclave.address())).isTrue();
        }
    }

    @Test
    void unreadableAllowlistRefusesClients() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        try (LoopbackServer loopback = start(file, false)) {
            TestDatabases.execute(file, "DROP VIEW apps_readable", "DROP TABLE apps");

            assertRefused(loopback, credentials(TestDatabases.DEMO_ENCLAVE_MRENCLAVE), LoopbackServer.clientOptions(),
                    "allowlist_error", AlertDescription.internal_error);
        }
    }

    @Test
    void closingServerClosesAllowlist() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        SqliteAllowlist allowlist = SqliteAllowlist.open(file);
        AllowlistAdmission admission = AllowlistAdmission.withCurrentSubnets(allowlist, false);
        byte[] mrEnclave = AppRow.parseMeasurement("MRENCLAVE", TestDatabases.DEMO_ENCLAVE_MRENCLAVE);
        assertThat(allowlist.appsWithMrEnclave(mrEnclave)).hasSize(1);

        LoopbackServer.start(ignored -> config(admission)).close();

        assertThatThrownBy(() -> allowlist.appsWithMrEnclave(mrEnclave))
                .isInstanceOf(StoreException.class)
                .hasMessage("allowlist database " + file + " is closed");
    }

    private static LoopbackServer start(Path file, boolean requireMrSigner) throws IOException, StoreException {
        AllowlistAdmission admission = AllowlistAdmission.withCurrentSubnets(SqliteAllowlist.open(file), requireMrSigner);
        return LoopbackServer.start(ignored -> config(admission));
    }

    private static ServerConfig config(AllowlistAdmission admission) {
        ServerConfig defaults = LoopbackServer.defaultConfig();
        return new ServerConfig(defaults.tunnelAddress(), defaults.credentials(), defaults.trustPolicy(),
                admission.network(), admission, defaults.gatewayFactory(), defaults.dtlsSettings(),
                defaults.tunnelSettings(), defaults.pairingTimeout(), defaults.clock());
    }

    private static AddressPool pool(LoopbackServer loopback, int subnetId) {
        return loopback.server.network().pool(subnetId);
    }

    private static RaTlsCredentials credentials(String mrEnclaveHex) {
        return credentials(EnclaveIdentity.fromHex(mrEnclaveHex, TestDatabases.DEMO_MRSIGNER, 0, 0, false));
    }

    private static RaTlsCredentials credentials(EnclaveIdentity identity) {
        return new RaTlsCertificateBuilder(LoopbackServer.AUTHORITY, identity).build();
    }

    private static AppRow app(String mrEnclaveHex, String hostSubnet, int subnetId) {
        return new AppRow(0, "test app", AppRow.parseMeasurement("MRENCLAVE", mrEnclaveHex),
                AppRow.parseMeasurement("MRSIGNER", TestDatabases.DEMO_MRSIGNER), Ipv4Prefix.parse(hostSubnet), subnetId);
    }

    /** Connects from the given host and waits until the server has the tunnel in its data phase. */
    private static SimulatedEnclave connectAndWait(LoopbackServer loopback, RaTlsCredentials credentials,
            ClientOptions options) throws Exception {
        SimulatedEnclave enclave = SimulatedEnclave.connect(loopback.address(), credentials.keyPair().getPrivate(),
                credentials.certificateDer(), options);
        Await.until(() -> loopback.server.tunnels().stream()
                .anyMatch(tunnel -> tunnel.info().enclaveAddress() == enclave.address()));
        return enclave;
    }

    /** Asserts the fatal alert, the counted reason, and that no address was taken from any pool. */
    private static void assertRefused(LoopbackServer loopback, RaTlsCredentials credentials, ClientOptions options,
            String reason, short alert) throws Exception {
        int[] freeBefore = freeCounts(loopback);
        long refusedBefore = loopback.server.handshakes().count(1, reason);

        assertThatThrownBy(() -> SimulatedEnclave.openTunnel1(loopback.address(), credentials.keyPair().getPrivate(),
                credentials.certificateDer(), options))
                .isInstanceOfSatisfying(TlsFatalAlertReceived.class,
                        received -> assertThat(received.getAlertDescription()).isEqualTo(alert));

        Await.until(() -> loopback.server.handshakes().count(1, reason) == refusedBefore + 1);
        assertThat(freeCounts(loopback)).isEqualTo(freeBefore);
    }

    private static int[] freeCounts(LoopbackServer loopback) {
        return loopback.server.network().pools().stream()
                .sorted((left, right) -> Integer.compare(left.subnet().id(), right.subnet().id()))
                .mapToInt(AddressPool::freeCount).toArray();
    }
}
