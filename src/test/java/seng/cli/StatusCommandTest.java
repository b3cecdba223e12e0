package seng.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import seng.client.SimulatedEnclave;
import seng.ip.HostPort;
import seng.ip.IcmpEcho;
import seng.ip.Ipv4Address;
import seng.ops.StatusReport;
import seng.ops.StatusServer;
import seng.server.LoopbackServer;
import seng.tunnel.DropReason;
import seng.Await;


class StatusCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void statusPrintsOneRowPerTunnel() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start();
                StatusServer status = startStatusServer(loopback);
                SimulatedEnclave first = loopback.connect();
                SimulatedEnclave second = loopback.connect()) {
            first.ping(first.gateway(), Duration.ofSeconds(5));
            for (int index = 0; index < 2; index++) {
                first.send(IcmpEcho.request(Ipv4Address.parse("10.9.9.9"), first.gateway(), 1, index, new byte[8]));
            }
            Await.until(() -> loopback.server.traffic().drops(DropReason.SPOOFED_SOURCE) == 2
                    && loopback.server.traffic().packetsToEnclaves.sum() == 1);

            int exit = run("--status-listen", HostPort.format(status.address()));

            assertThat(exit).as(err()).isZero();
            String[] lines = out().split("\n");
            assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("ENCLAVE ").contains("MRENCLAVE", "DROPS"));
            assertThat(lines).anySatisfy(line -> assertThat(line)
                    .startsWith(Ipv4Address.format(first.address()) + " ")
                    .contains("127.0.0.1:", "1 pkt / 60 B", "spoofed_source=2"));
            assertThat(lines).anySatisfy(line -> assertThat(line)
                    .startsWith(Ipv4Address.format(second.address()) + " ")
                    .contains("0 pkt / 0 B")
                    .endsWith(" -"));
            assertThat(out()).contains("2 application tunnels", "192.168.28.0/24: 251 of 253 addresses free");
        }
    }

    @Test
    void jsonOptionPrintsTheReport() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start();
                StatusServer status = startStatusServer(loopback);
                SimulatedEnclave enclave = loopback.connect()) {
            int exit = run("--json", "--status-listen", HostPort.format(status.address()));

            assertThat(exit).as(err()).isZero();
            StatusReport report = StatusReport.fromJson(out());
            assertThat(report.tunnels()).singleElement()
                    .extracting(StatusReport.TunnelStatus::enclaveAddress)
                    .isEqualTo(Ipv4Address.format(enclave.address()));
        }
    }

    @Test
    void unreachableServerFailsWithAHint() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }

        int exit = run("--status-listen", "127.0.0.1:" + port);

        assertThat(exit).isEqualTo(Main.EXIT_FAILURE);
        assertThat(err()).isEqualTo("error: no server answers on 127.0.0.1:" + port
                + "; is it running, and with which --status-listen?\n");
        assertThat(out()).isEmpty();
    }

    @Test
    void invalidStatusAddressIsAUsageError() {
        int exit = run("--status-listen", "9145");

        assertThat(exit).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("'9145'", "expected HOST:PORT", "usage: seng-gateway status");
    }

    @Test
    void serverRejectsNonLoopbackStatusAddress() {
        int exit = new ServerCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
                .run(new String[]{"--test-mode", "--status-listen", "0.0.0.0:9145"});

        assertThat(exit).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains("--status-listen", "0.0.0.0:9145", "not a loopback address", "--status-allow-remote");
    }

    @Test
    void serverHelpListsTheStatusOptions() {
        int exit = new ServerCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(new String[]{"--help"});

        assertThat(exit).isZero();
        assertThat(out()).contains("--status-listen <HOST:PORT>", "--status-allow-remote", "seng-gateway status");
    }

    private static StatusServer startStatusServer(LoopbackServer loopback) throws IOException {
        return StatusServer.start(new StatusServer.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                false), loopback.server);
    }


    /** Runs the status command, as {@code seng-gateway status ARGS} would. */
    private int run(String... args) {
        return new StatusCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
