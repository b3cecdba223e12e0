package seng.dtls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DatagramTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import seng.Await;


class DtlsEndpointTest {
    private final AtomicInteger verifiedClients = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();
    private DtlsEndpoint endpoint;

    @BeforeEach
    void openEndpoint() throws IOException {
        endpoint = DtlsEndpoint.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
                new JcaTlsCryptoProvider().create(new SecureRandom()), DtlsSettings.DEFAULTS,
                pending -> {
                    verifiedClients.incrementAndGet();
                    pending.abandon();
                },
                () -> failures.incrementAndGet());
    }

    @AfterEach
    void closeEndpoint() throws IOException {
        endpoint.close();
    }

    @Test
    void spoofedClientHelloFloodCreatesNoPeerState() throws Exception {
        byte[] clientHello = firstClientHello();
        int threadsBefore = Thread.activeCount();

        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            for (int index = 0; index < 500; index++) {
                socket.send(new DatagramPacket(clientHello, clientHello.length, endpoint.localAddress()));
            }
        }
        Await.until(() -> endpoint.counters().cookiesSent.sum() == 500);

        assertThat(endpoint.peerCount()).isZero();
        assertThat(verifiedClients).hasValue(0);
        assertThat(endpoint.counters().helloVerified.sum()).isZero();
        assertThat(Thread.activeCount()).isLessThanOrEqualTo(threadsBefore);
    }

    @Test
    void datagramsFromUnknownPeersAreCountedAndDropped() throws Exception {
        byte[] record = {23, (byte) 0xFE, (byte) 0xFD, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0};
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.send(new DatagramPacket(record, record.length, endpoint.localAddress()));
        }

        Await.until(() -> endpoint.counters().unknownPeerDrops.sum() == 1);
        assertThat(endpoint.peerCount()).isZero();
    }

    @Test
    void interruptedSenderLeavesSharedChannelOpen() throws IOException {
        PeerTransport transport = new PeerTransport(endpoint, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), 4, new byte[32]);

        Thread.currentThread().interrupt();
        try {
            transport.send(new byte[]{1, 2, 3}, 0, 3);
        } finally {
            Thread.interrupted();
        }

        assertThat(endpoint.channel().isOpen()).isTrue();
    }

    @Test
    void closedTransportThrowsInsteadOfReturningNothing() {
        PeerTransport transport = new PeerTransport(endpoint, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), 4, new byte[32]);
        transport.close();

        assertThatThrownBy(() -> transport.receive(new byte[100], 0, 100, 1000)).isInstanceOf(TransportClosedException.class);
        assertThatThrownBy(() -> transport.send(new byte[1], 0, 1)).isInstanceOf(TransportClosedException.class);
    }

    @Test
    void longDatagramReportsItsTrueLength() throws IOException {
        PeerTransport transport = new PeerTransport(endpoint, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), 4, new byte[32]);
        transport.deliver(new byte[3000]);

        byte[] buffer = new byte[100];
        assertThat(transport.receive(buffer, 0, buffer.length, 1000)).isEqualTo(3000);
    }

    @Test
    void clientHelloWithReservedVersionDoesNotStopReceiver() throws Exception {
        byte[] hostile = java.util.HexFormat.of().parseHex("16fefd000000000000000000360100002a000000000000002afefe5911aed24a"
                + "75df807365131531dd7e20c77b1ef7ed69d2f4ad6d73e9d25e989900000002c02b0100");
        byte[] clientHello = firstClientHello();
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            socket.send(new DatagramPacket(hostile, hostile.length, endpoint.localAddress()));
            socket.send(new DatagramPacket(clientHello, clientHello.length, endpoint.localAddress()));
        }

        Await.until(() -> endpoint.counters().cookiesSent.sum() == 1);
        assertThat(endpoint.counters().malformedDrops.sum()).isEqualTo(1);
        assertThat(failures).hasValue(0);
    }

    @Test
    void closingInlineTransportReportsItOnce() {
        PeerTransport transport = new PeerTransport(endpoint, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), 4,
                new byte[32]);
        AtomicInteger reported = new AtomicInteger();
        transport.startInline(() -> { }, reported::incrementAndGet);

        transport.close();
        transport.close();

        assertThat(reported).hasValue(1);
    }

    @Test
    void inlineStartOnClosedTransportReportsAtOnce() {
        PeerTransport transport = new PeerTransport(endpoint, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), 4,
                new byte[32]);
        transport.close();
        AtomicInteger reported = new AtomicInteger();

        transport.startInline(() -> { }, reported::incrementAndGet);

        assertThat(reported).hasValue(1);
    }

    @Test
    void sessionIsRecognisedByItsClientRandom() {
        byte[] random = new byte[32];
        random[5] = 7;
        PeerTransport transport = new PeerTransport(endpoint, new InetSocketAddress(InetAddress.getLoopbackAddress(), 9), 4,
                random);

        assertThat(transport.startedBy(random.clone())).isTrue();
        assertThat(transport.startedBy(new byte[32])).isFalse();
    }

    @Test
    void clientRandomIsReadFromClientHello() {
        byte[] clientHello = firstClientHello();

        byte[] random = DatagramInspector.clientRandom(clientHello);

        assertThat(random).hasSize(32).isEqualTo(java.util.Arrays.copyOfRange(clientHello, 27, 59));
        assertThat(random).isNotEqualTo(new byte[32]);
    }

    /** Returns the first datagram Bouncy Castle's DTLS client sends: a ClientHello without a cookie. */
    private static byte[] firstClientHello() {
        CapturingTransport capture = new CapturingTransport();
        DefaultTlsClient client = new DefaultTlsClient(new JcaTlsCryptoProvider().create(new SecureRandom())) {
            @Override
            public ProtocolVersion[] getProtocolVersions() {
                return ProtocolVersion.DTLSv12.only();
            }

            @Override
            public TlsAuthentication getAuthentication() {
                throw new UnsupportedOperationException("the handshake never gets this far");
            }
        };
        try {
            new DTLSClientProtocol().connect(client, capture);
        } catch (IOException expected) {
            // The capturing transport stops the handshake after the first datagram.
        }
        assertThat(capture.first).isNotNull();
        return capture.first;
    }


    /** Records the first datagram and then fails, which ends the client's handshake. */
    private static final class CapturingTransport implements DatagramTransport {
        byte[] first;

        @Override
        public int getReceiveLimit() {
            return 1500;
        }

        @Override
        public int getSendLimit() {
            return 1472;
        }

        @Override
        public int receive(byte[] buffer, int offset, int length, int waitMillis) throws IOException {
            throw new IOException("capture finished");
        }

        @Override
        public void send(byte[] buffer, int offset, int length) throws IOException {
            if (first == null) {
                first = java.util.Arrays.copyOfRange(buffer, offset, offset + length);
            }
            throw new IOException("capture finished");
        }

        @Override
        public void close() {
        }
    }
}
