package seng.tunnel;

import java.time.Duration;

/**
 * Limits of one application tunnel.
 *
 * @param outboundQueueCapacity packets waiting for tunnel #2 before new ones are dropped; the
 *     gateway reader never waits for one slow enclave
 * @param idleTimeout end the tunnel after this long without a packet in either direction, or
 *     {@link Duration#ZERO} for never, because upstream clients send no keep-alives
 */
public record TunnelSettings(int outboundQueueCapacity, Duration idleTimeout) {
    public static final TunnelSettings DEFAULTS = new TunnelSettings(512, Duration.ZERO);

    public TunnelSettings {
        if (outboundQueueCapacity < 1) {
            throw new IllegalArgumentException("invalid outbound queue capacity " + outboundQueueCapacity + ": it must be positive");
        }
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("invalid idle timeout " + idleTimeout + ": it must not be negative");
        }
    }

    public boolean hasIdleTimeout() {
        return !idleTimeout.isZero();
    }
}
