package seng.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.Test;

import seng.client.SimulatedEnclave;
import seng.dtls.DtlsSettings;
import seng.tunnel.TunnelSettings;
import seng.Await;


/** Each timeout fires with short settings, is counted, and leaves no address behind. */
class TimeoutTest {

    @Test
    void idleTunnelIsClosedAndItsAddressFreed() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start(config -> config.withTunnelSettings(
                new TunnelSettings(Duration.ofSeconds(1))))) {
            SimulatedEnclave enclave = loopback.connect();
            assertThat(loopback.freeAddresses()).isEqualTo(252);

            assertThat(enclave.awaitCloseNotify(Duration.ofSeconds(10))).isTrue();

            Await.until(() -> loopback.freeAddresses() == 253);
            assertThat(loopback.server.tunnelEnds().count("idle_timeout")).isEqualTo(1);
            enclave.close();
        }
    }

    @Test
    void activeTunnelOutlivesIdleTimeout() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start(config -> config.withTunnelSettings(
                new TunnelSettings(Duration.ofSeconds(1))));
                SimulatedEnclave enclave = loopback.connect()) {
            for (int ping = 0; ping < 8; ping++) {
                enclave.ping(enclave.gateway(), Duration.ofSeconds(2));
                Thread.sleep(300);
            }

            assertThat(loopback.server.tunnels()).hasSize(1);
            assertThat(loopback.server.tunnelEnds().count("idle_timeout")).isZero();
        }
    }

    @Test
    void stalledHandshakeTimesOut() throws Exception {
        try (LoopbackServer loopback = LoopbackServer.start(config -> config.withDtlsSettings(
                DtlsSettings.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(1))));
                DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.connect(loopback.address());
            Thread client = Thread.ofVirtual().start(() -> stallAfterCookie(socket));

            Await.until(() -> loopback.server.handshakes().count(1, "handshake_timeout") == 1);

            assertThat(loopback.freeAddresses()).isEqualTo(253);
            Await.until(() -> loopback.server.tunnel1Endpoint().peerCount() == 0);
            socket.close();
            client.join(Duration.ofSeconds(10));
        }
    }

    /** Runs a client handshake that sends its ClientHello and the cookie reply, then goes silent. */
    private static void stallAfterCookie(DatagramSocket socket) {
        DefaultTlsClient client = new DefaultTlsClient(new JcaTlsCryptoProvider().create(new SecureRandom())) {
            @Override
            public ProtocolVersion[] getProtocolVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            public int getHandshakeTimeoutMillis() {
                return 5_000;
            }

            @Override
            public TlsAuthentication getAuthentication() {
                throw new IllegalStateException("the stalled handshake never gets this far");
            }
        };
        try {
            new DTLSClientProtocol().connect(client, new StallingTransport(socket, 2));
        } catch (IOException | RuntimeException expected) {
            // The client gives up on its own, or the test closed the socket.
        }
    }

    /** Sends the first {@code sends} datagrams and silently drops every later one. */
    private static final class StallingTransport implements DatagramTransport {
        private final DatagramSocket socket;
        private final AtomicInteger sendsLeft;

        StallingTransport(DatagramSocket socket, int sends) {
            this.socket = socket;
            this.sendsLeft = new AtomicInteger(sends);
        }

        @Override
        public int getReceiveLimit() {
            return 2048;
        }

        @Override
        public int getSendLimit() {
            return 1472;
        }

        @Override
        public int receive(byte[] buffer, int offset, int length, int waitMillis) throws IOException {
            socket.setSoTimeout(waitMillis);
            DatagramPacket packet = new DatagramPacket(buffer, offset, length);
            try {
                socket.receive(packet);
            } catch (SocketTimeoutException e) {
                return -1;
            }
            return packet.getLength();
        }

        @Override
        public void send(byte[] buffer, int offset, int length) throws IOException {
            if (sendsLeft.getAndDecrement() > 0) {
                socket.send(new DatagramPacket(buffer, offset, length));
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }
}
