package seng.dtls;

import java.time.Duration;

/**
 * Limits of the DTLS layer.
 *
 * @param handshakeTimeout how long a handshake may take from the verified ClientHello on
 * @param maxPeers the most verified peers one endpoint keeps at once; further clients are turned away
 * @param peerQueueCapacity how many datagrams wait for one peer's thread before new ones are dropped
 */
public record DtlsSettings(Duration handshakeTimeout, int maxPeers, int peerQueueCapacity) {
    public static final DtlsSettings DEFAULTS = new DtlsSettings(Duration.ofSeconds(20), 65_536, 64);

    public DtlsSettings {
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("invalid handshake timeout " + handshakeTimeout + ": it must be positive");
        }
        if (maxPeers < 1 || peerQueueCapacity < 1) {
            throw new IllegalArgumentException("invalid DTLS limits: maxPeers and peerQueueCapacity must be positive");
        }
    }

    public DtlsSettings withHandshakeTimeout(Duration timeout) {
        return new DtlsSettings(timeout, maxPeers, peerQueueCapacity);
    }
}
