package seng.tunnel;

import java.time.Duration;

/**
 * Limits of one application tunnel.
 *
 * @param idleTimeout end the tunnel after this long without a packet in either direction, or
 *     {@link Duration#ZERO} for never, because upstream clients send no keep-alives
 */
public record TunnelSettings(Duration idleTimeout) {
    public static final TunnelSettings DEFAULTS = new TunnelSettings(Duration.ZERO);

    public TunnelSettings {
        if (idleTimeout.isNegative()) {
            throw new IllegalArgumentException("invalid idle timeout " + idleTimeout + ": it must not be negative");
        }
    }

    public boolean hasIdleTimeout() {
        return !idleTimeout.isZero();
    }
}
