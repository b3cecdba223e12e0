package seng.client;

import java.io.IOException;
import java.nio.channels.DatagramChannel;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;

import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

import com.google.protobuf.InvalidProtocolBufferException;

import seng.dtls.NoDatagramPending;
import seng.dtls.SengTlsCrypto;
import seng.ip.IcmpEcho;
import seng.ip.Ipv4Address;
import seng.tunnel.proto.IpAssignACK;
import seng.tunnel.proto.IpAssignment;

/**
 * A SENG client without an enclave: it presents an RA-TLS certificate, runs both tunnel
 * handshakes and the address setup exactly as the real clients do, then sends IPv4 packets on
 * tunnel #1 and receives them on tunnel #2. Used by tests, the demo and the load generator.
 */
public final class SimulatedEnclave implements AutoCloseable {
    private static final JcaTlsCrypto CRYPTO = SengTlsCrypto.create();
    private static final AtomicInteger PING_IDENTIFIERS = new AtomicInteger();

    private final Tunnel1 tunnel1;
    private final DTLSTransport tunnel2;
    private final ClientTransport tunnel2Transport;
    private final EnclaveTlsClient tunnel2Client;
    private final int pingIdentifier = PING_IDENTIFIERS.incrementAndGet() & 0xFFFF;
    private int pingSequence;

    private SimulatedEnclave(Tunnel1 tunnel1, DTLSTransport tunnel2, ClientTransport tunnel2Transport,
            EnclaveTlsClient tunnel2Client) {
        this.tunnel1 = tunnel1;
        this.tunnel2 = tunnel2;
        this.tunnel2Transport = tunnel2Transport;
        this.tunnel2Client = tunnel2Client;
    }

    /** Runs both handshakes and the address setup against a server listening on {@code server} and the next port. */
    public static SimulatedEnclave connect(InetSocketAddress server, PrivateKey key, byte[] certificateDer,
            ClientOptions options) throws IOException {
        Tunnel1 tunnel1 = openTunnel1(server, key, certificateDer, options);
        try {
            return tunnel1.openTunnel2();
        } catch (IOException | RuntimeException e) {
            tunnel1.close();
            throw e;
        }
    }

    /**
     * Runs the handshake on port P and the address setup, and stops there: the server now waits
     * for tunnel #2. Tests use it to exercise the pairing timeout.
     */
    public static Tunnel1 openTunnel1(InetSocketAddress server, PrivateKey key, byte[] certificateDer,
            ClientOptions options) throws IOException {
        key = key == null ? null : SengTlsCrypto.forSigning(key);
        EnclaveTlsClient client = new EnclaveTlsClient(CRYPTO, key, certificateDer, options.pinnedServerCertificate(),
                options.groups(), (int) options.setupTimeout().toMillis());
        DatagramChannel channel = openChannel(options.localAddress(), server);
        DTLSTransport dtls;
        try {
            dtls = new DTLSClientProtocol().connect(client, new ClientTransport(channel, options.linkMtu()));
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }

        Tunnel1 tunnel1 = new Tunnel1(server, key, certificateDer, options, dtls, client);
        try {
            tunnel1.receiveAssignment();
            return tunnel1;
        } catch (IOException | RuntimeException e) {
            tunnel1.close();
            throw e;
        }
    }

    private static DatagramChannel openChannel(InetAddress localAddress, InetSocketAddress server) throws IOException {
        DatagramChannel channel = DatagramChannel.open();
        try {
            channel.bind(new InetSocketAddress(localAddress, 0));
            channel.connect(server);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    public int address() {
        return tunnel1.address;
    }

    public int netmask() {
        return tunnel1.netmask;
    }

    public int gateway() {
        return tunnel1.gateway;
    }

    /** Sends one IPv4 packet on tunnel #1, the enclave-to-gateway direction. */
    public void send(byte[] packet) throws IOException {
        tunnel1.dtls.send(packet, 0, packet.length);
    }

    /**
     * Receives one IPv4 packet from tunnel #2, the gateway-to-enclave direction.
     *
     * @return the packet length, or -1 if none arrived within the timeout
     * @throws IOException once the server closed tunnel #2
     */
    public int receive(byte[] buffer, Duration timeout) throws IOException {
        return tunnel2.receive(buffer, 0, buffer.length, (int) Math.max(1, timeout.toMillis()));
    }

    /**
     * Switches tunnel #2 to event mode for a selector loop: its channel, returned for registration,
     * becomes non-blocking, and {@link #receiveReady} replaces {@link #receive}. There is no way back.
     */
    public DatagramChannel watchTunnel2() throws IOException {
        tunnel2Transport.switchToEventMode();
        return tunnel2Transport.channel();
    }

    /**
     * Receives one packet from tunnel #2 in event mode without waiting.
     *
     * @return the packet length, or -1 if no whole record is waiting
     * @throws IOException once the server closed tunnel #2
     */
    public int receiveReady(byte[] buffer) throws IOException {
        try {
            return tunnel2.receive(buffer, 0, buffer.length, 0);
        } catch (NoDatagramPending e) {
            return -1;
        }
    }

    /**
     * Pings {@code destination} through the tunnels and waits for the matching echo reply.
     *
     * @return the round-trip time
     * @throws IOException if no reply came within the timeout or a tunnel failed
     */
    public Duration ping(int destination, Duration timeout) throws IOException {
        int sequence = ++pingSequence & 0xFFFF;
        byte[] payload = new byte[32];
        byte[] request = IcmpEcho.request(address(), destination, pingIdentifier, sequence, payload);

        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        send(request);

        byte[] buffer = new byte[2048];
        while (true) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                throw new IOException("no echo reply from " + Ipv4Address.format(destination) + " within " + timeout.toMillis() + " ms");
            }
            int length = receive(buffer, Duration.ofMillis(remainingMillis));
            if (length > 0 && IcmpEcho.isEcho(buffer, length, IcmpEcho.TYPE_ECHO_REPLY)
                    && IcmpEcho.identifier(buffer) == pingIdentifier && IcmpEcho.sequence(buffer) == sequence) {
                return Duration.ofNanos(System.nanoTime() - start);
            }
        }
    }

    /**
     * Acts as the enclave's network stack for a while: answers echo requests addressed to this
     * enclave, as lwIP in a real SENG client does, and discards everything else.
     *
     * @return how many requests were answered before {@code count} was reached or the time ran out
     */
    public int answerEchoRequests(int count, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[2048];
        int answered = 0;
        while (answered < count) {
            long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
            if (remainingMillis <= 0) {
                break;
            }
            int length = receive(buffer, Duration.ofMillis(remainingMillis));
            if (length > 0 && IcmpEcho.isEcho(buffer, length, IcmpEcho.TYPE_ECHO_REQUEST)
                    && seng.ip.Ipv4Packet.destination(buffer) == address()) {
                byte[] reply = Arrays.copyOf(buffer, length);
                IcmpEcho.turnIntoReply(reply, length);
                send(reply);
                answered++;
            }
        }
        return answered;
    }

    /**
     * Waits until the server ends tunnel #2, reading and discarding packets meanwhile.
     *
     * @return true if the server sent close_notify within the timeout
     */
    public boolean awaitCloseNotify(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        byte[] buffer = new byte[2048];
        try {
            while (System.nanoTime() < deadline && !tunnel2Client.closeNotifyReceived()) {
                tunnel2.receive(buffer, 0, buffer.length, 50);
            }
        } catch (IOException e) {
            // The close_notify arrived and the transport is closed now.
        }
        return tunnel2Client.closeNotifyReceived();
    }

    /** Returns true once the server sent close_notify on tunnel #1; reading it needs {@link Tunnel1#awaitCloseNotify}. */
    public Tunnel1 tunnel1() {
        return tunnel1;
    }

    /** Sends close_notify on both tunnels, as a client that shuts down cleanly does. */
    @Override
    public void close() {
        closeQuietly(tunnel2);
        tunnel1.close();
    }

    private static void closeQuietly(DTLSTransport transport) {
        try {
            transport.close();
        } catch (IOException e) {
            // Closing is best effort: the socket goes away either way.
        }
    }

    /** Tunnel #1 after its handshake and the address setup, before tunnel #2 exists. */
    public static final class Tunnel1 implements AutoCloseable {
        private final InetSocketAddress server;
        private final PrivateKey key;
        private final byte[] certificateDer;
        private final ClientOptions options;
        private final DTLSTransport dtls;
        private final EnclaveTlsClient client;
        private int address;
        private int netmask;
        private int gateway;

        private Tunnel1(InetSocketAddress server, PrivateKey key, byte[] certificateDer, ClientOptions options,
                DTLSTransport dtls, EnclaveTlsClient client) {
            this.server = server;
            this.key = key;
            this.certificateDer = certificateDer;
            this.options = options;
            this.dtls = dtls;
            this.client = client;
        }

        public int address() {
            return address;
        }

        private void receiveAssignment() throws IOException {
            byte[] buffer = new byte[2048];
            int length = dtls.receive(buffer, 0, buffer.length, (int) options.setupTimeout().toMillis());
            if (length < 0) {
                throw new IOException("no IpAssignment from " + server + " within " + options.setupTimeout().toMillis() + " ms");
            }
            IpAssignment assignment;
            try {
                assignment = IpAssignment.parseFrom(Arrays.copyOf(buffer, length));
            } catch (InvalidProtocolBufferException e) {
                throw new IOException("invalid IpAssignment from " + server + ": " + e.getMessage(), e);
            }
            address = Ipv4Address.fromLittleEndian(assignment.getIp());
            netmask = Ipv4Address.fromLittleEndian(assignment.getNetmask());
            gateway = Ipv4Address.fromLittleEndian(assignment.getGwIp());

            byte[] ack = IpAssignACK.newBuilder().setIp(assignment.getIp()).build().toByteArray();
            dtls.send(ack, 0, ack.length);
        }

        /** Runs the handshake on port P + 1 from the same host, which completes the application tunnel. */
        public SimulatedEnclave openTunnel2() throws IOException {
            InetSocketAddress tunnel2Server = new InetSocketAddress(server.getAddress(), server.getPort() + 1);
            EnclaveTlsClient tunnel2Client = new EnclaveTlsClient(CRYPTO, key, certificateDer,
                    options.pinnedServerCertificate(), options.groups(), (int) options.setupTimeout().toMillis());
            DatagramChannel channel = openChannel(options.localAddress(), tunnel2Server);
            ClientTransport transport = new ClientTransport(channel, options.linkMtu());
            try {
                DTLSTransport tunnel2 = new DTLSClientProtocol().connect(tunnel2Client, transport);
                return new SimulatedEnclave(this, tunnel2, transport, tunnel2Client);
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        /**
         * Waits until the server ends tunnel #1.
         *
         * @return true if the server sent close_notify within the timeout
         */
        public boolean awaitCloseNotify(Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            byte[] buffer = new byte[2048];
            try {
                while (System.nanoTime() < deadline && !client.closeNotifyReceived()) {
                    dtls.receive(buffer, 0, buffer.length, 50);
                }
            } catch (IOException e) {
                // The close_notify arrived and the transport is closed now.
            }
            return client.closeNotifyReceived();
        }

        @Override
        public void close() {
            closeQuietly(dtls);
        }
    }
}
