package seng.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seng.attest.TrustPolicy;
import seng.client.TestIasAuthority;
import seng.dtls.DtlsSettings;
import seng.dtls.ServerCredentials;
import seng.gateway.LoopbackGateway;
import seng.pool.EnclaveNetwork;
import seng.server.GatewayServer;
import seng.server.ServerConfig;
import seng.tunnel.TunnelSettings;

class LoadGeneratorEndToEndTest {

    @Test
    void fiveEnclavesConnectAndPingWithoutLoss(@TempDir Path testDir) throws Exception {
        TestIasAuthority authority = TestIasAuthority.generate();
        authority.writeTo(testDir);
        ServerCredentials credentials = ServerCredentials.generateSelfSigned("SENG bench test", Duration.ofDays(1));
        credentials.writePem(testDir.resolve(LoadGenerator.SERVER_CERTIFICATE_FILE), testDir.resolve("server-key.pem"));
        ServerConfig config = new ServerConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), credentials,
                TrustPolicy.builder(authority.rootCertificate()).build(), EnclaveNetwork.withDefaultSubnet(), null,
                network -> new LoopbackGateway(network::isGatewayAddress, network::isEnclaveAddress, 1432),
                DtlsSettings.DEFAULTS, TunnelSettings.DEFAULTS, ServerConfig.DEFAULT_PAIRING_TIMEOUT, Clock.systemUTC());

        BenchReport report;
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        try (GatewayServer server = GatewayServer.start(config)) {
            BenchOptions options = new BenchOptions(server.tunnel1Address(), testDir, 5, Duration.ZERO, Duration.ZERO,
                    Duration.ofSeconds(3), 0, 56, Duration.ofSeconds(2), Duration.ofSeconds(30), BenchOptions.Mode.PING,
                    1, BenchOptions.AUTO_PID, null, List.of(InetAddress.getLoopbackAddress()));
            report = LoadGenerator.run(options, new PrintStream(progress, true, StandardCharsets.UTF_8));
        }

        assertThat(report.connect().connected()).isEqualTo(5);
        assertThat(report.connect().errors()).isEmpty();
        assertThat(report.connect().setup().count()).isEqualTo(5);
        assertThat(report.ping().replies()).isPositive();
        assertThat(report.ping().lost()).isZero();
        assertThat(report.ping().errors()).isEmpty();
        assertThat(report.ping().rtt().count()).isEqualTo(report.ping().replies());
        // The server runs inside this process, which the lookup skips, so nothing is sampled.
        assertThat(report.server().pid()).isNull();
        assertThat(report.server().note()).contains("no process of this user holds UDP port");

        ByteArrayOutputStream table = new ByteArrayOutputStream();
        ReportTable.print(report, new PrintStream(table, true, StandardCharsets.UTF_8));
        assertThat(table.toString(StandardCharsets.UTF_8)).contains("5 of 5 connected", "round trips", "lost");
        assertThat(ReportTable.toJson(report)).contains("\"handshakes_per_second\"", "\"round_trips_per_second\"",
                "\"p99_ms\"", "\"cpu_model\"");
    }
}
