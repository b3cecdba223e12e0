package seng.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import seng.attest.TrustPolicy;
import seng.client.TestIasAuthority;
import seng.dtls.DtlsSettings;
import seng.dtls.ServerCredentials;
import seng.gateway.Gateway;
import seng.gateway.LoopbackGateway;
import seng.pool.EnclaveNetwork;
import seng.server.GatewayServer;
import seng.server.ServerConfig;
import seng.tunnel.TunnelSettings;

class LoadGeneratorEndToEndTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void fiveEnclavesConnectAndPingWithoutLoss(@TempDir Path testDir) throws Exception {
        BenchReport report;
        try (GatewayServer server = startServer(testDir, false)) {
            report = run(options(server, testDir, 5, BenchOptions.Mode.PING, Duration.ofSeconds(3), 0,
                    Duration.ofSeconds(2)));
        }

        assertThat(report.connect().connected()).isEqualTo(5);
        assertThat(report.connect().errors()).isEmpty();
        assertThat(report.connect().setup().count()).isEqualTo(5);
        assertThat(report.connect().handshakesPerSecond())
                .isEqualTo(report.connect().tunnelsPerSecond() * BenchReport.HANDSHAKES_PER_TUNNEL);
        assertThat(report.ping().replies()).isPositive();
        assertThat(report.ping().lost()).isZero();
        assertThat(report.ping().sent()).isEqualTo(report.ping().replies());
        assertThat(report.ping().errors()).isEmpty();
        assertThat(report.ping().rtt().count()).isEqualTo(report.ping().replies());
        // The closed loop sends nothing after the duration, so its sending window is the duration.
        assertThat(report.ping().seconds()).isEqualTo(3.0);
        assertThat(report.hints()).isEmpty();
        // The server runs inside this process, which the lookup skips, so nothing is sampled.
        assertThat(report.server().pid()).isNull();
        assertThat(report.server().note()).contains("no process of this user holds UDP port");

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        ReportTable.print(report, new PrintStream(table, true, StandardCharsets.UTF_8));
        assertThat(table.toString(StandardCharsets.UTF_8)).contains("5 of 5 connected", "tunnels per second",
                "handshakes per second", "round trips", "lost");
        assertThat(ReportTable.toJson(report)).contains("\"tunnels_per_second\"", "\"handshakes_per_second\"",
                "\"round_trips_per_second\"", "\"p99_ms\"", "\"cpu_model\"");
    }

    @Test
    void fixedRateLossDoesNotStretchWindow(@TempDir Path testDir) throws Exception {
        Duration duration = Duration.ofSeconds(2);
        Duration pingTimeout = Duration.ofSeconds(5);
        BenchReport report;
        try (GatewayServer server = startServer(testDir, true)) {
            report = run(options(server, testDir, 4, BenchOptions.Mode.PING, duration, 20, pingTimeout));
        }

        BenchReport.PingStats ping = report.ping();
        assertThat(ping.lost()).isPositive();
        assertThat(ping.replies() + ping.lost()).isEqualTo(ping.sent());
        // Waiting out the timeout of a lost ping would make the window at least duration + ping timeout.
        assertThat(ping.seconds()).isGreaterThanOrEqualTo(2.0).isLessThan(7.0);
        assertThat(ping.roundTripsPerSecond()).isEqualTo(ping.replies() / ping.seconds());
        assertThat(ping.packetsPerSecondToGateway()).isEqualTo(ping.sent() / ping.seconds());
    }

    @Test
    void closedLoopCountsOutstandingPings(@TempDir Path testDir) throws Exception {
        BenchReport report;
        try (GatewayServer server = startServer(testDir, true)) {
            report = run(options(server, testDir, 4, BenchOptions.Mode.PING, Duration.ofSeconds(2), 0,
                    Duration.ofMillis(300)));
        }

        BenchReport.PingStats ping = report.ping();
        assertThat(ping.lost()).isPositive();
        // A ping still on its way at the end gets its reply or its timeout, so none goes uncounted.
        assertThat(ping.replies() + ping.lost()).isEqualTo(ping.sent());
        assertThat(ping.seconds()).isEqualTo(2.0);
    }

    @Test
    void churnReportsTwoHandshakesPerTunnel(@TempDir Path testDir) throws Exception {
        BenchReport report;
        try (GatewayServer server = startServer(testDir, false)) {
            report = run(options(server, testDir, 3, BenchOptions.Mode.CHURN, Duration.ofSeconds(1), 0,
                    Duration.ofSeconds(2)));
        }

        BenchReport.ChurnStats churn = report.churn();
        assertThat(churn.reconnects()).isPositive();
        assertThat(churn.failed()).isZero();
        assertThat(churn.tunnelsPerSecond()).isEqualTo(churn.reconnects() / churn.seconds());
        assertThat(churn.handshakesPerSecond()).isEqualTo(churn.tunnelsPerSecond() * BenchReport.HANDSHAKES_PER_TUNNEL);
        assertThat(ReportTable.toJson(report)).contains("\"tunnels_per_second\"", "\"handshakes_per_second\"");
    }

    @Test
    void wrongTestDirectoryGivesCertificateHint(@TempDir Path serverDir, @TempDir Path otherDir) throws Exception {
        BenchReport report;
        try (GatewayServer server = startServer(serverDir, false)) {
            writeTestDirectory(otherDir);
            report = run(options(server, otherDir, 2, BenchOptions.Mode.PING, Duration.ofSeconds(1), 0,
                    Duration.ofSeconds(2)));
        }

        assertThat(report.connect().connected()).isZero();
        assertThat(report.connect().errors()).containsOnlyKeys("alert_sent_bad_certificate");
        assertThat(report.ping()).isNull();
        assertThat(report.hints()).singleElement().asString()
                .contains("not " + otherDir.resolve(LoadGenerator.SERVER_CERTIFICATE_FILE), "--test-dir");

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        ReportTable.print(report, new PrintStream(table, true, StandardCharsets.UTF_8));
        assertThat(table.toString(StandardCharsets.UTF_8)).contains("hint: alert_sent_bad_certificate: ");
    }

    @Test
    void jsonInMissingDirectoryFailsBeforeRun(@TempDir Path testDir) throws Exception {
        writeTestDirectory(testDir);
        Path json = testDir.resolve("missing").resolve("report.json");
        BenchOptions options = new BenchOptions(new InetSocketAddress(LOOPBACK, 9), testDir, 1, Duration.ZERO,
                Duration.ZERO, Duration.ofSeconds(1), 0, 56, Duration.ofSeconds(2), Duration.ofSeconds(30),
                BenchOptions.Mode.PING, 1, BenchOptions.NO_PID, json, List.of(LOOPBACK));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        assertThatThrownBy(() -> LoadGenerator.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("invalid --json " + json)
                .hasMessageContaining("directory " + json.getParent() + " not found");
        // Nothing was generated or sent: the check comes before the certificates.
        assertThat(progress.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void nonLocalSourceAddressFailsBeforeRun(@TempDir Path testDir) throws Exception {
        writeTestDirectory(testDir);
        // TEST-NET-1 (RFC 5737) is no address of this machine, so binding to it fails. Nothing is sent.
        InetAddress foreign = InetAddress.getByName("192.0.2.1");
        BenchOptions options = new BenchOptions(new InetSocketAddress(LOOPBACK, 9), testDir, 2, Duration.ZERO,
                Duration.ZERO, Duration.ofSeconds(1), 0, 56, Duration.ofSeconds(2), Duration.ofSeconds(30),
                BenchOptions.Mode.PING, 1, BenchOptions.NO_PID, null, List.of(LOOPBACK, foreign));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        assertThatThrownBy(() -> LoadGenerator.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("invalid --local-addresses")
                .hasMessageContaining("192.0.2.1");
        assertThat(progress.toString(StandardCharsets.UTF_8)).isEmpty();
    }

    @Test
    void loopbackSourceAddressesPassCheck() throws Exception {
        LoadGenerator.checkLocalAddresses(List.of(InetAddress.getByName("127.0.0.1"), InetAddress.getByName("127.0.0.2")));
    }

    @Test
    @Timeout(120)
    void sigtermClosesEveryTunnel(@TempDir Path testDir) throws Exception {
        try (GatewayServer server = startServer(testDir, false)) {
            InetSocketAddress address = server.tunnel1Address();
            Process bench = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "--enable-preview", "--enable-native-access=ALL-UNNAMED",
                    "-Dtinylog.configuration=tinylog.properties",
                    "-cp", System.getProperty("java.class.path"), "seng.cli.Main", "bench",
                    "--server", address.getAddress().getHostAddress() + ":" + address.getPort(),
                    "--test-dir", testDir.toString(), "--enclaves", "5", "--warmup", "0", "--hold",
                    "--duration", "600", "--server-pid", "none")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try (BufferedReader progress = new BufferedReader(
                    new InputStreamReader(bench.getErrorStream(), StandardCharsets.UTF_8))) {
                StringBuilder lines = new StringBuilder();
                String line;
                while ((line = progress.readLine()) != null && !line.startsWith("holding")) {
                    lines.append(line).append('\n');
                }
                assertThat(line).as("progress before the hold:\n%s", lines).isNotNull();
                assertThat(server.tunnels()).hasSize(5);

                // SIGTERM through the handle, which leaves the pipes open for the last progress lines.
                bench.toHandle().destroy();
                lines.setLength(0);
                while ((line = progress.readLine()) != null) {
                    lines.append(line).append('\n');
                }
                assertThat(bench.waitFor(30, TimeUnit.SECONDS)).isTrue();
                assertThat(bench.exitValue()).isEqualTo(128 + 15);
                assertThat(lines).contains("stopped after closing 5 tunnels with close_notify");
            } finally {
                bench.destroyForcibly();
            }

            awaitNoTunnels(server);
            assertThat(server.tunnels()).isEmpty();
            assertThat(server.waitingForPairing()).isZero();
            assertThat(server.tunnelEnds().snapshot().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(5);
            assertThat(server.tunnelEnds().snapshot().keySet()).allMatch(reason -> reason.contains("close_notify"));
        }
    }

    /** Waits until the server has processed the close_notify alerts, at most ten seconds. */
    private static void awaitNoTunnels(GatewayServer server) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!server.tunnels().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    private static BenchOptions options(GatewayServer server, Path testDir, int enclaves, BenchOptions.Mode mode,
            Duration duration, int pingRate, Duration pingTimeout) {
        return new BenchOptions(server.tunnel1Address(), testDir, enclaves, Duration.ZERO, Duration.ZERO, duration,
                pingRate, 56, pingTimeout, Duration.ofSeconds(30), mode, mode == BenchOptions.Mode.CHURN ? 2 : 1,
                BenchOptions.AUTO_PID, null, List.of(LOOPBACK));
    }

    private static BenchReport run(BenchOptions options) throws Exception {
        return LoadGenerator.run(options, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    /** Writes a test-mode directory: a new test IAS authority and a new self-signed server certificate. */
    private static ServerCredentials writeTestDirectory(Path testDir) throws Exception {
        TestIasAuthority authority = TestIasAuthority.generate();
        authority.writeTo(testDir);
        ServerCredentials credentials = ServerCredentials.generateSelfSigned("SENG bench test", Duration.ofDays(1));
        credentials.writePem(testDir.resolve(LoadGenerator.SERVER_CERTIFICATE_FILE), testDir.resolve("server-key.pem"));
        return credentials;
    }

    /**
     * Starts a test-mode server on loopback with the credentials of a new test-mode directory.
     *
     * @param dropEveryTenthPacket whether the gateway drops every tenth packet it gets, so that pings get lost
     */
    private static GatewayServer startServer(Path testDir, boolean dropEveryTenthPacket) throws Exception {
        ServerCredentials credentials = writeTestDirectory(testDir);
        TestIasAuthority authority = TestIasAuthority.readFrom(testDir);
        ServerConfig config = new ServerConfig(new InetSocketAddress(LOOPBACK, 0), credentials,
                TrustPolicy.builder(authority.rootCertificate()).build(), EnclaveNetwork.withDefaultSubnet(), null,
                network -> {
                    Gateway loopback = new LoopbackGateway(network::isGatewayAddress, network::isEnclaveAddress, 1432);
                    return dropEveryTenthPacket ? new DroppingGateway(loopback, 10) : loopback;
                },
                DtlsSettings.DEFAULTS, TunnelSettings.DEFAULTS, ServerConfig.DEFAULT_PAIRING_TIMEOUT, Clock.systemUTC());
        return GatewayServer.start(config);
    }

    /** A gateway that loses every n-th packet written to it, as an overloaded link would. */
    private record DroppingGateway(Gateway delegate, int n, AtomicLong written) implements Gateway {
        DroppingGateway(Gateway delegate, int n) {
            this(delegate, n, new AtomicLong());
        }

        @Override
        public int read(byte[] buffer) throws IOException {
            return delegate.read(buffer);
        }

        @Override
        public void write(byte[] packet, int length) throws IOException {
            if (written.incrementAndGet() % n != 0) {
                delegate.write(packet, length);
            }
        }

        @Override
        public int mtu() {
            return delegate.mtu();
        }

        @Override
        public String name() {
            return "dropping " + delegate.name();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
