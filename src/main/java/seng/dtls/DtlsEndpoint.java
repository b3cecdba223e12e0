package seng.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSVerifier;
import org.bouncycastle.tls.DatagramSender;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.tinylog.Logger;

import seng.ip.HostPort;

/**
 * One UDP port of the server. Its receiver thread replies to ClientHellos with a stateless cookie
 * (RFC 6347 section 4.2.1) and creates per-peer state only for a client that returned a valid
 * cookie, so spoofed hellos cost one HMAC and one small reply. Every other datagram goes to the
 * queue of the peer it came from.
 */
public final class DtlsEndpoint implements AutoCloseable {
    private static final int MAX_DATAGRAM = 65_535;
    private static final int SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;
    private static final int MAX_CONSECUTIVE_RECEIVE_ERRORS = 100;

    private final DatagramChannel channel;
    private final Selector selector;
    private final TlsCrypto crypto;
    private final Consumer<PendingHandshake> onVerifiedClient;
    private final Runnable onFailure;
    private final AtomicInteger handshakes = new AtomicInteger();
    private final DtlsSettings settings;
    private final ConcurrentHashMap<SocketAddress, PeerTransport> peers = new ConcurrentHashMap<>();
    private final EndpointCounters counters = new EndpointCounters();
    private final Thread receiver;
    private volatile DTLSVerifier verifier;
    private volatile boolean closing;

    private DtlsEndpoint(DatagramChannel channel, Selector selector, TlsCrypto crypto, DtlsSettings settings,
            Consumer<PendingHandshake> onVerifiedClient, Runnable onFailure) throws IOException {
        this.onFailure = onFailure;
        this.channel = channel;
        this.selector = selector;
        this.crypto = crypto;
        this.settings = settings;
        this.onVerifiedClient = onVerifiedClient;
        this.verifier = new DTLSVerifier(crypto);
        this.receiver = Thread.ofPlatform()
                .name("seng-udp-" + localAddress().getPort())
                .unstarted(this::receiveLoop);
    }

    /**
     * Binds the port and starts its receiver thread.
     *
     * @param onVerifiedClient called on the receiver thread for every client that returned a valid
     *     cookie; it must return quickly, typically by starting a virtual thread
     * @param onFailure called once if the receiver thread stops for good, so the server can stop
     *     rather than run with a port that no longer answers
     */
    public static DtlsEndpoint open(InetSocketAddress address, TlsCrypto crypto, DtlsSettings settings,
            Consumer<PendingHandshake> onVerifiedClient, Runnable onFailure) throws IOException {
        DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
        Selector selector = null;
        try {
            channel.setOption(StandardSocketOptions.SO_RCVBUF, SOCKET_BUFFER_BYTES);
            channel.setOption(StandardSocketOptions.SO_SNDBUF, SOCKET_BUFFER_BYTES);
            channel.bind(address);
            channel.configureBlocking(false);
            selector = Selector.open();
            channel.register(selector, SelectionKey.OP_READ);
            DtlsEndpoint endpoint = new DtlsEndpoint(channel, selector, crypto, settings, onVerifiedClient, onFailure);
            endpoint.receiver.start();
            return endpoint;
        } catch (IOException | RuntimeException e) {
            if (selector != null) {
                selector.close();
            }
            channel.close();
            throw e;
        }
    }

    public InetSocketAddress localAddress() throws IOException {
        return (InetSocketAddress) channel.getLocalAddress();
    }

    public EndpointCounters counters() {
        return counters;
    }

    /** Returns the number of peers with a verified cookie: handshaking or connected. */
    public int peerCount() {
        return peers.size();
    }

    /**
     * Replaces the cookie secret. Cookies handed out before stay valid only until the client
     * returns them, so a rotation costs at most one more round trip for a client mid-exchange.
     */
    public void rotateCookieSecret() {
        verifier = new DTLSVerifier(crypto);
    }

    DatagramChannel channel() {
        return channel;
    }

    void forget(PeerTransport peer) {
        peers.remove(peer.remote(), peer);
    }

    /** Counts a handshake as ended, by completion or by closing before it; called once per peer. */
    void handshakeEnded() {
        handshakes.decrementAndGet();
    }

    /** Returns how many handshakes run now. */
    public int handshakesInProgress() {
        return handshakes.get();
    }

    /**
     * Receives on a non-blocking channel behind a selector. Interrupting a thread inside a send on a
     * blocking channel closes the channel for every peer, and session threads are interrupted at
     * shutdown. A non-blocking send never installs that interrupt hook.
     */
    private void receiveLoop() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(MAX_DATAGRAM);
        byte[] datagram = new byte[MAX_DATAGRAM];
        int consecutiveErrors = 0;
        int port = channel.socket().getLocalPort();
        Logger.debug("event=endpoint_receiver_started port={}", port);

        try (selector) {
            while (!closing) {
                try {
                    selector.select();
                    selector.selectedKeys().clear();
                    InetSocketAddress from;
                    while ((from = receiveInto(buffer)) != null) {
                        int length = buffer.flip().remaining();
                        buffer.get(datagram, 0, length);
                        counters.datagramsReceived.increment();
                        dispatchSafely(from, datagram, length);
                    }
                    consecutiveErrors = 0;
                } catch (ClosedChannelException | ClosedSelectorException e) {
                    break;
                } catch (IOException e) {
                    counters.receiveErrors.increment();
                    if (++consecutiveErrors >= MAX_CONSECUTIVE_RECEIVE_ERRORS) {
                        Logger.error("event=endpoint_failed port={} error=\"{}\" action=\"receiver stopped after {} consecutive errors\"",
                                port, e.getMessage(), consecutiveErrors);
                        onFailure.run();
                        break;
                    }
                    Logger.warn("event=udp_receive_failed port={} error=\"{}\"", port, e.getMessage());
                    pause(10L * consecutiveErrors);
                }
            }
        } catch (IOException e) {
            Logger.warn("event=selector_close_failed port={} error=\"{}\"", port, e.getMessage());
        }
        Logger.debug("event=endpoint_receiver_stopped port={}", port);
    }

    private InetSocketAddress receiveInto(ByteBuffer buffer) throws IOException {
        buffer.clear();
        return (InetSocketAddress) channel.receive(buffer);
    }

    /**
     * Dispatches one datagram; a runtime exception from inspecting hostile bytes drops only that
     * datagram. An Error such as OutOfMemoryError stops the receiver and, through the failure
     * callback, the server: a port that silently stopped answering would be worse.
     */
    private void dispatchSafely(InetSocketAddress from, byte[] datagram, int length) {
        try {
            dispatch(from, datagram, length);
        } catch (RuntimeException e) {
            counters.malformedDrops.increment();
            Logger.debug("event=datagram_dropped reason=malformed peer={} error=\"{}\"", HostPort.format(from), e.toString());
        } catch (Error e) {
            Logger.error("event=endpoint_failed port={} error=\"{}\" action=\"stopping the server\"",
                    channel.socket().getLocalPort(), e.toString());
            onFailure.run();
            throw e;
        }
    }

    private void dispatch(InetSocketAddress from, byte[] datagram, int length) {
        PeerTransport peer = peers.get(from);

        if (DatagramInspector.isClientHello(datagram, length) && (peer == null || peer.isHandshakeComplete())) {
            verifyClientHello(from, datagram, length);
            return;
        }
        if (peer == null) {
            counters.unknownPeerDrops.increment();
            return;
        }
        if (!peer.isHandshakeComplete() && DatagramInspector.isImplausibleHandshake(datagram, length)) {
            counters.implausibleHandshakeDrops.increment();
            Logger.trace("event=datagram_dropped reason=implausible_handshake peer={}", HostPort.format(from));
            return;
        }
        if (!peer.deliver(Arrays.copyOf(datagram, length))) {
            counters.queueFullDrops.increment();
        }
    }

    /**
     * Runs the cookie exchange for a ClientHello from an address without a handshake in progress.
     * A client that restarts from the same address and port replaces its old session.
     */
    private void verifyClientHello(InetSocketAddress from, byte[] datagram, int length) {
        DatagramSender cookieSender = new CookieSender(from);
        DTLSRequest request = verifier.verifyRequest(clientId(from), datagram, 0, length, cookieSender);
        if (request == null) {
            return;
        }
        counters.helloVerified.increment();

        PeerTransport existing = peers.get(from);
        byte[] clientRandom = DatagramInspector.clientRandom(datagram);
        if (existing != null && existing.startedBy(clientRandom)) {
            // A client that restarts sends a new random; only a replay repeats the one of a live session.
            counters.replayedHelloDrops.increment();
            return;
        }
        if (existing == null && peers.size() >= settings.maxPeers()) {
            counters.peerLimitDrops.increment();
            Logger.debug("event=client_ignored peer={} reason=peer_limit limit={}", HostPort.format(from), settings.maxPeers());
            return;
        }
        if (handshakes.get() >= settings.maxHandshakes()) {
            counters.handshakeLimitDrops.increment();
            Logger.debug("event=client_ignored peer={} reason=handshake_limit limit={}", HostPort.format(from),
                    settings.maxHandshakes());
            return;
        }

        PeerTransport fresh = new PeerTransport(this, from, settings.peerQueueCapacity(), clientRandom);
        handshakes.incrementAndGet();
        PeerTransport replaced = peers.put(from, fresh);
        if (replaced != null) {
            Logger.info("event=session_replaced peer={} reason=\"new ClientHello from the same address and port\"",
                    HostPort.format(from));
            replaced.close();
        }
        onVerifiedClient.accept(new PendingHandshake(fresh, request));
    }

    private static byte[] clientId(InetSocketAddress from) {
        byte[] address = from.getAddress().getAddress();
        byte[] id = Arrays.copyOf(address, address.length + 2);
        id[address.length] = (byte) (from.getPort() >>> 8);
        id[address.length + 1] = (byte) from.getPort();
        return id;
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops receiving, closes every peer transport and the socket, and waits for the receiver
     * thread. Idempotent.
     */
    @Override
    public void close() throws IOException {
        closing = true;
        selector.wakeup();
        channel.close();
        for (PeerTransport peer : peers.values()) {
            peer.close();
        }
        try {
            receiver.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Sends HelloVerifyRequests for the verifier, counting them. */
    private final class CookieSender implements DatagramSender {
        private final InetSocketAddress to;

        CookieSender(InetSocketAddress to) {
            this.to = to;
        }

        @Override
        public int getSendLimit() {
            return PeerTransport.SEND_LIMIT;
        }

        @Override
        public void send(byte[] buffer, int offset, int length) throws IOException {
            counters.cookiesSent.increment();
            channel.send(ByteBuffer.wrap(buffer, offset, length), to);
        }
    }
}
