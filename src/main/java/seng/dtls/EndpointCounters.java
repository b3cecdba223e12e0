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
    /** Handshake fragments announcing a message larger than any client sends. */
    public final LongAdder oversizedHandshakeDrops = new LongAdder();
    /** Verified ClientHellos turned away because the endpoint holds its maximum number of peers. */
    public final LongAdder peerLimitDrops = new LongAdder();
    /** Datagrams not sent because the socket's send buffer was full. */
    public final LongAdder sendBufferFullDrops = new LongAdder();
    public final LongAdder sendErrors = new LongAdder();
    public final LongAdder receiveErrors = new LongAdder();
}
