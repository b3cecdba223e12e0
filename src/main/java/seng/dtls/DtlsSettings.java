package seng.dtls;

import java.time.Duration;

/**
 * Limits of the DTLS layer.
 *
 * @param handshakeTimeout how long a handshake may take from the verified ClientHello on
 * @param maxPeers the most verified peers one endpoint keeps at once; further clients are turned away
 * @param peerQueueCapacity how many datagrams wait for one peer's thread before new ones are dropped
 * @param maxHandshakes the most handshakes one endpoint runs at once. Each may buffer up to a few
 *     hundred KiB of client fragments, so this bounds the memory unauthenticated clients can take;
 *     further ClientHellos are ignored until a handshake ends, and their clients retry.
 */
public record DtlsSettings(Duration handshakeTimeout, int maxPeers, int peerQueueCapacity, int maxHandshakes) {
    /** The longest handshake timeout; Bouncy Castle counts it in milliseconds in an int. */
    public static final Duration MAX_HANDSHAKE_TIMEOUT = Duration.ofMinutes(10);
    public static final DtlsSettings DEFAULTS = new DtlsSettings(Duration.ofSeconds(20), 65_536, 64, 1_024);

    public DtlsSettings {
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero() || handshakeTimeout.compareTo(MAX_HANDSHAKE_TIMEOUT) > 0) {
            throw new IllegalArgumentException("invalid handshake timeout " + handshakeTimeout + ": it must be positive and"
                    + " at most " + MAX_HANDSHAKE_TIMEOUT.toSeconds() + " s");
        }
        if (maxPeers < 1 || peerQueueCapacity < 1 || maxHandshakes < 1) {
            throw new IllegalArgumentException("invalid DTLS limits: maxPeers, peerQueueCapacity and maxHandshakes must be positive");
        }
    }

    public DtlsSettings withHandshakeTimeout(Duration timeout) {
        return new DtlsSettings(timeout, maxPeers, peerQueueCapacity, maxHandshakes);
    }
}
