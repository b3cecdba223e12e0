package seng.dtls;

import java.util.concurrent.atomic.LongAdder;

/** What happened to the datagrams of one UDP endpoint, for metrics. */
public final class EndpointCounters {
    public final LongAdder datagramsReceived = new LongAdder();
    public final LongAdder cookiesSent = new LongAdder();
    public final LongAdder helloVerified = new LongAdder();
    /** Datagrams from an address with no verified handshake, such as stray or spoofed records. */
    public final LongAdder unknownPeerDrops = new LongAdder();
    /** Datagrams dropped because the peer's thread fell behind and its queue was full. */
    public final LongAdder queueFullDrops = new LongAdder();
    /** Unencrypted handshake fragments no client sends: a message too large, or too many messages ahead. */
    public final LongAdder implausibleHandshakeDrops = new LongAdder();
    /** Verified ClientHellos ignored because the endpoint runs its maximum number of handshakes. */
    public final LongAdder handshakeLimitDrops = new LongAdder();
    /** ClientHellos byte for byte like the one that started a peer's session: a replay, never a new client. */
    public final LongAdder replayedHelloDrops = new LongAdder();
    /** Datagrams whose inspection failed inside Bouncy Castle, such as a ClientHello with a reserved version. */
    public final LongAdder malformedDrops = new LongAdder();
    /** Verified ClientHellos turned away because the endpoint holds its maximum number of peers. */
    public final LongAdder peerLimitDrops = new LongAdder();
    /** Datagrams not sent because the socket's send buffer was full. */
    public final LongAdder sendBufferFullDrops = new LongAdder();
    public final LongAdder sendErrors = new LongAdder();
    public final LongAdder receiveErrors = new LongAdder();
}
