package seng.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;

import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.RaTlsCredentials;
import seng.client.SimulatedEnclave;
import seng.gateway.Gateway;
import seng.gateway.LoopbackGateway;
import seng.ip.HostPort;
import seng.ip.IcmpEcho;
import seng.ip.Ipv4Address;
import seng.server.DurationHistogram;
import seng.server.GatewayServer;
import seng.server.LoopbackServer;
import seng.tunnel.DropReason;
import seng.Await;


class StatusServerTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final int PINGS_PER_ENCLAVE = 5;
    private static final int SPOOFED_PACKETS = 3;
    private static final int ECHO_HEADERS = 20 + 8;

    @Test
    void countersMatchKnownTraffic() throws Exception {
        EnclaveIdentity firstIdentity = EnclaveIdentity.random();
        try (LoopbackServer loopback = LoopbackServer.start();
                StatusServer status = startOnLoopback(loopback.server);
                SimulatedEnclave first = loopback.connect(credentials(firstIdentity));
                SimulatedEnclave second = loopback.connect()) {
            GatewayServer server = loopback.server;

            // 5 echo requests per enclave with payloads of 10 to 14 bytes, each replied to by the gateway.
            long echoBytesPerEnclave = 0;
            for (int sequence = 0; sequence < PINGS_PER_ENCLAVE; sequence++) {
                echo(first, sequence, 10 + sequence);
                echo(second, sequence, 10 + sequence);
                echoBytesPerEnclave += ECHO_HEADERS + 10 + sequence;
            }
            // 3 packets whose source is not the first enclave's address.
            for (int index = 0; index < SPOOFED_PACKETS; index++) {
                first.send(IcmpEcho.request(Ipv4Address.parse("10.9.9.9"), first.gateway(), 1, index, new byte[8]));
            }
            // 1 packet to an enclave address no tunnel holds: routed by the gateway, then dropped.
            int unassigned = unassignedAddress(first.address(), second.address());
            byte[] toNobody = IcmpEcho.request(second.address(), unassigned, 2, 1, new byte[20]);
            second.send(toNobody);

            Await.until(() -> server.traffic().drops(DropReason.SPOOFED_SOURCE) == SPOOFED_PACKETS);
            Await.until(() -> server.traffic().drops(DropReason.NO_TUNNEL) == 1);
            Await.until(() -> server.traffic().packetsToEnclaves.sum() == 2 * PINGS_PER_ENCLAVE);

            HttpResponse<String> response = get(status, "/metrics");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
            Exposition metrics = Exposition.parse(response.body());

            assertThat(metrics.value("seng_tunnel_packets_total", "direction", "from_enclave"))
                    .isEqualTo(2 * PINGS_PER_ENCLAVE + 1);
            assertThat(metrics.value("seng_tunnel_packets_total", "direction", "to_enclave"))
                    .isEqualTo(2 * PINGS_PER_ENCLAVE);
            assertThat(metrics.value("seng_tunnel_bytes_total", "direction", "from_enclave"))
                    .isEqualTo(2 * echoBytesPerEnclave + toNobody.length);
            assertThat(metrics.value("seng_tunnel_bytes_total", "direction", "to_enclave"))
                    .isEqualTo(2 * echoBytesPerEnclave);
            for (DropReason reason : DropReason.values()) {
                double expected = switch (reason) {
                    case SPOOFED_SOURCE -> SPOOFED_PACKETS;
                    case NO_TUNNEL -> 1;
                    default -> 0;
                };
                assertThat(metrics.value("seng_tunnel_packets_dropped_total", "direction", ServerMetrics.direction(reason),
                        "reason", reason.code())).as(reason.code()).isEqualTo(expected);
            }
            assertThat(metrics.value("seng_tunnel_packets_dropped_total", "direction", "from_enclave",
                    "reason", "spoofed_source")).isEqualTo(SPOOFED_PACKETS);
            assertThat(metrics.value("seng_tunnel_packets_dropped_total", "direction", "to_enclave",
                    "reason", "no_tunnel")).isEqualTo(1);

            assertThat(metrics.value("seng_tunnels_active")).isEqualTo(2);
            assertThat(metrics.value("seng_pairing_waiting")).isZero();
            assertThat(metrics.value("seng_enclave_addresses_free", "subnet", "192.168.28.0/24")).isEqualTo(251);
            assertThat(metrics.value("seng_enclave_addresses_capacity", "subnet", "192.168.28.0/24")).isEqualTo(253);
            assertThat(metrics.value("seng_handshakes_total", "tunnel", "1", "outcome", "admitted")).isEqualTo(2);
            assertThat(metrics.value("seng_handshakes_total", "tunnel", "2", "outcome", "paired")).isEqualTo(2);

            for (String tunnel : List.of("1", "2")) {
                assertThat(metrics.value("seng_handshake_duration_seconds_count", "tunnel", tunnel)).isEqualTo(2);
                assertThat(metrics.value("seng_handshake_duration_seconds_sum", "tunnel", tunnel)).isPositive();
                assertThat(metrics.value("seng_handshake_duration_seconds_bucket", "tunnel", tunnel, "le", "+Inf"))
                        .isEqualTo(2);
                assertThat(metrics.samples("seng_handshake_duration_seconds_bucket").stream()
                        .filter(sample -> sample.labels().get("tunnel").equals(tunnel))
                        .map(Exposition.Sample::value)
                        .toList()).isSorted().hasSize(DurationHistogram.bounds().length + 1);
            }

            // The gateway replied to 10 echo requests and routed 1 packet, and the server read all 11 back.
            assertThat(metrics.value("seng_gateway_packets_written_total")).isEqualTo(2 * PINGS_PER_ENCLAVE + 1);
            assertThat(metrics.value("seng_gateway_packets_read_total")).isEqualTo(2 * PINGS_PER_ENCLAVE + 1);
            assertThat(metrics.value("seng_gateway_packets_dropped_total", "reason", "no_route")).isZero();
            assertThat(metrics.value("seng_gateway_info", "name", "loopback")).isEqualTo(1);
            assertThat(metrics.value("seng_udp_datagrams_received_total", "tunnel", "1")).isPositive();
            assertThat(metrics.value("seng_udp_datagrams_received_total", "tunnel", "2")).isPositive();
            assertThat(metrics.value("seng_dtls_client_hellos_verified_total", "tunnel", "1")).isEqualTo(2);
            assertThat(metrics.value("seng_dtls_peers", "tunnel", "1")).isEqualTo(2);
            assertThat(metrics.value("process_start_time_seconds"))
                    .isPositive()
                    .isLessThanOrEqualTo(Instant.now().getEpochSecond() + 1);

            StatusReport report = StatusReport.fromJson(get(status, "/status").body());
            assertThat(report.tunnels()).extracting(StatusReport.TunnelStatus::enclaveAddress)
                    .containsExactlyInAnyOrder(Ipv4Address.format(first.address()), Ipv4Address.format(second.address()));
            StatusReport.TunnelStatus firstStatus = tunnelOf(report, first);
            assertThat(firstStatus.packetsFromEnclave()).isEqualTo(PINGS_PER_ENCLAVE);
            assertThat(firstStatus.bytesFromEnclave()).isEqualTo(echoBytesPerEnclave);
            assertThat(firstStatus.packetsToEnclave()).isEqualTo(PINGS_PER_ENCLAVE);
            assertThat(firstStatus.bytesToEnclave()).isEqualTo(echoBytesPerEnclave);
            assertThat(firstStatus.drops()).containsEntry("spoofed_source", (long) SPOOFED_PACKETS);
            assertThat(firstStatus.mrEnclave()).isEqualTo(firstIdentity.mrEnclaveHex());
            assertThat(firstStatus.appName()).isNull();
            assertThat(firstStatus.tunnel1Peer()).startsWith("127.0.0.1:");
            assertThat(firstStatus.since()).isBeforeOrEqualTo(report.server().now());
            StatusReport.TunnelStatus secondStatus = tunnelOf(report, second);
            assertThat(secondStatus.packetsFromEnclave()).isEqualTo(PINGS_PER_ENCLAVE + 1);
            assertThat(secondStatus.bytesFromEnclave()).isEqualTo(echoBytesPerEnclave + toNobody.length);
            assertThat(secondStatus.packetsToEnclave()).isEqualTo(PINGS_PER_ENCLAVE);
            assertThat(secondStatus.drops().values()).containsOnly(0L);
            assertThat(report.subnets()).containsExactly(
                    new StatusReport.SubnetStatus("192.168.28.0/24", "192.168.28.1", 253, 251));
            assertThat(report.server().tunnel1()).isEqualTo(HostPort.format(server.tunnel1Address()));
            assertThat(report.server().gateway()).isEqualTo("loopback");
        }
    }

    @Test
    void statusUsesSnakeCaseJson() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start();
                StatusServer status = startOnLoopback(loopback.server);
                SimulatedEnclave enclave = loopback.connect()) {
            HttpResponse<String> response = get(status, "/status");

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json; charset=utf-8");
            assertThat(response.body()).contains("\"enclave_address\" : \"" + Ipv4Address.format(enclave.address()) + "\"",
                    "\"packets_from_enclave\"", "\"mr_enclave\"", "\"started_at\"", "\"waiting_for_pairing\"");
        }
    }

    @Test
    void metricsEscapeLabelValues() throws Exception {
        String oddName = "tun\"0\\a\nb";
        try (LoopbackServer loopback = LoopbackServer.start(config -> config.withGatewayFactory(network ->
                new RenamedGateway(new LoopbackGateway(network::isGatewayAddress, network::isEnclaveAddress, 1432), oddName)));
                StatusServer status = startOnLoopback(loopback.server)) {
            String body = get(status, "/metrics").body();

            assertThat(body).contains("seng_gateway_info{name=\"tun\\\"0\\\\a\\nb\"} 1\n");
            assertThat(Exposition.parse(body).value("seng_gateway_info", "name", oddName)).isEqualTo(1);
        }
    }

    @Test
    void nonLoopbackAddressIsRejected() {
        InetSocketAddress wildcard = new InetSocketAddress("0.0.0.0", 0);

        assertThatThrownBy(() -> new StatusServer.Settings(wildcard, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.0.0.0:0")
                .hasMessageContaining("not a loopback address")
                .hasMessageContaining("--status-allow-remote");
        assertThatThrownBy(() -> StatusServer.Settings.parse("0.0.0.0:9145", false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("--status-allow-remote");
    }

    @Test
    void nonLoopbackAddressStartsWhenAllowed() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start();
                StatusServer status = StatusServer.start(StatusServer.Settings.parse("0.0.0.0:0", true), loopback.server)) {
            assertThat(status.address().getAddress().isAnyLocalAddress()).isTrue();

            // Scraped over loopback only: the wildcard address includes it.
            HttpResponse<String> response = send(URI.create("http://127.0.0.1:" + status.address().getPort() + "/healthz"), "GET");
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).isEqualTo("ok\n");
        }
    }

    @Test
    void defaultSettingsListenOnLoopback() {
        StatusServer.Settings settings = StatusServer.Settings.parse(null, false);

        assertThat(settings.address().getAddress().isLoopbackAddress()).isTrue();
        assertThat(settings.address().getPort()).isEqualTo(StatusServer.DEFAULT_PORT);
        assertThat(StatusServer.Settings.parse("off", false).enabled()).isFalse();
        assertThat(StatusServer.Settings.parse("localhost:0", false).address().getAddress().isLoopbackAddress()).isTrue();
    }

    @Test
    void turnedOffEndpointListensNowhere() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start()) {
            StatusServer status = StatusServer.start(StatusServer.Settings.OFF, loopback.server);

            assertThat(status.address()).isNull();
            status.close();
        }
    }

    @Test
    void busyPortFailsWithAHint() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start();
                StatusServer first = startOnLoopback(loopback.server)) {
            StatusServer.Settings samePort = new StatusServer.Settings(first.address(), false);

            assertThatThrownBy(() -> StatusServer.start(samePort, loopback.server))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining(HostPort.format(first.address()))
                    .hasMessageContaining("--status-listen off");
        }
    }

    @Test
    void foreignHostHeaderIsRejected() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start();
                StatusServer status = startOnLoopback(loopback.server)) {
            assertThat(rawStatusLine(status, "rebind.example:9145")).isEqualTo("HTTP/1.1 403 Forbidden");
            assertThat(rawStatusLine(status, "localhost:9145")).isEqualTo("HTTP/1.1 200 OK");
            assertThat(rawStatusLine(status, "127.0.0.1")).isEqualTo("HTTP/1.1 200 OK");
            assertThat(rawStatusLine(status, "[::1]:9145")).isEqualTo("HTTP/1.1 200 OK");
        }
    }

    @Test
    void hostHeaderCheckAcceptsOnlyLiteralsAndLocalhost() {
        assertThat(StatusServer.isIpLiteralOrLocalhost("127.0.0.1:9145")).isTrue();
        assertThat(StatusServer.isIpLiteralOrLocalhost("LOCALHOST")).isTrue();
        assertThat(StatusServer.isIpLiteralOrLocalhost("[::1]")).isTrue();
        assertThat(StatusServer.isIpLiteralOrLocalhost(null)).isTrue();
        assertThat(StatusServer.isIpLiteralOrLocalhost("localhost.rebind.example")).isFalse();
        assertThat(StatusServer.isIpLiteralOrLocalhost("[evil.example]:80")).isFalse();
        assertThat(StatusServer.isIpLiteralOrLocalhost("")).isFalse();
    }

    @Test
    void unknownPathAndMethodAreRejected() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start();
                StatusServer status = startOnLoopback(loopback.server)) {
            assertThat(get(status, "/metrics/extra").statusCode()).isEqualTo(404);

            HttpResponse<String> post = send(uri(status, "/metrics"), "POST");
            assertThat(post.statusCode()).isEqualTo(405);
            assertThat(post.headers().firstValue("Allow")).hasValue("GET, HEAD");

            HttpResponse<String> head = send(uri(status, "/metrics"), "HEAD");
            assertThat(head.statusCode()).isEqualTo(200);
            assertThat(head.body()).isEmpty();

            assertThat(get(status, "/").body()).contains("/metrics", "/status", "/healthz");
        }
    }

    @Test
    void closeIsIdempotentAndFreesThePort() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start()) {
            StatusServer status = startOnLoopback(loopback.server);
            InetSocketAddress address = status.address();

            status.close();
            status.close();

            try (StatusServer again = StatusServer.start(new StatusServer.Settings(address, false), loopback.server)) {
                assertThat(again.address()).isEqualTo(address);
            }
        }
    }

    @Test
    void dropDirectionsFollowTheDataPath() {
        Set<DropReason> fromEnclave = Set.of(DropReason.SPOOFED_SOURCE, DropReason.MALFORMED, DropReason.DATA_ON_SEND_TUNNEL);
        for (DropReason reason : DropReason.values()) {
            assertThat(ServerMetrics.direction(reason)).as(reason.code())
                    .isEqualTo(fromEnclave.contains(reason) ? "from_enclave" : "to_enclave");
        }
    }

    static StatusServer startOnLoopback(GatewayServer server) throws IOException {
        return StatusServer.start(new StatusServer.Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), false),
                server);
    }

    private static RaTlsCredentials credentials(EnclaveIdentity identity) {
        return new RaTlsCertificateBuilder(LoopbackServer.AUTHORITY, identity).build();
    }

    /** Sends an echo request to the gateway and waits for its reply. */
    private static void echo(SimulatedEnclave enclave, int sequence, int payloadLength) throws IOException {
        enclave.send(IcmpEcho.request(enclave.address(), enclave.gateway(), 0x5e9, sequence, new byte[payloadLength]));
        byte[] buffer = new byte[2048];
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            int length = enclave.receive(buffer, Duration.ofMillis(200));
            if (length > 0 && IcmpEcho.isEcho(buffer, length, IcmpEcho.TYPE_ECHO_REPLY) && IcmpEcho.sequence(buffer) == sequence) {
                return;
            }
        }
        throw new AssertionError("no echo reply to sequence " + sequence + " within " + TIMEOUT);
    }

    private static int unassignedAddress(int... assigned) {
        int candidate = Ipv4Address.parse("192.168.28.254");
        while (contains(assigned, candidate)) {
            candidate--;
        }
        return candidate;
    }

    private static boolean contains(int[] values, int value) {
        for (int candidate : values) {
            if (candidate == value) {
                return true;
            }
        }
        return false;
    }

    private static StatusReport.TunnelStatus tunnelOf(StatusReport report, SimulatedEnclave enclave) {
        String address = Ipv4Address.format(enclave.address());
        return report.tunnels().stream().filter(tunnel -> tunnel.enclaveAddress().equals(address)).findFirst()
                .orElseThrow(() -> new AssertionError("no tunnel for " + address + " in /status"));
    }

    static HttpResponse<String> get(StatusServer status, String path) throws IOException, InterruptedException {
        return send(uri(status, path), "GET");
    }

    private static URI uri(StatusServer status, String path) {
        return URI.create("http://" + HostPort.format(status.address()) + path);
    }

    private static HttpResponse<String> send(URI uri, String method) throws IOException, InterruptedException {
        try (HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .proxy(HttpClient.Builder.NO_PROXY).connectTimeout(TIMEOUT).build()) {
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                    .method(method, HttpRequest.BodyPublishers.noBody()).build();
            return client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        }
    }

    /** Sends GET /healthz with a chosen Host header, which HttpClient does not allow, and returns the status line. */
    private static String rawStatusLine(StatusServer status, String hostHeader) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(status.address(), (int) TIMEOUT.toMillis());
            socket.setSoTimeout((int) TIMEOUT.toMillis());
            OutputStream out = socket.getOutputStream();
            out.write(("GET /healthz HTTP/1.1\r\nHost: " + hostHeader + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            return response.substring(0, response.indexOf("\r\n"));
        }
    }


    /** A loopback gateway under another name, to put awkward characters into a label value. */
    private record RenamedGateway(Gateway delegate, String name) implements Gateway {
        @Override
        public int read(byte[] buffer) throws IOException {
            return delegate.read(buffer);
        }

        @Override
        public void write(byte[] packet, int length) throws IOException {
            delegate.write(packet, length);
        }

        @Override
        public int mtu() {
            return delegate.mtu();
        }

        @Override
        public void close() throws IOException {
            delegate.close();
        }
    }
}
