package seng.gateway;

import java.io.IOException;

/**
 * The gateway side of the server: where enclave packets leave the tunnels and where packets for
 * enclaves come from. One reader thread calls {@link #read}; any thread may call {@link #write}.
 */
public interface Gateway extends AutoCloseable {

    /**
     * Blocks until one IPv4 packet is available and copies it into {@code buffer}. A packet longer
     * than {@code buffer} is skipped and counted, so pass a buffer of at least {@link #mtu} bytes.
     *
     * @return the packet length, which is at most {@code buffer.length}
     * @throws java.nio.channels.ClosedChannelException once {@link #close} was called, also to a
     *     reader that was blocked when it was
     */
    int read(byte[] buffer) throws IOException;

    /**
     * Writes one IPv4 packet of {@code length} bytes. Safe to call from many threads at once. A
     * packet the gateway cannot take is dropped, as a network interface would, and not reported as
     * an error: only a gateway that is closed or broken throws.
     */
    void write(byte[] packet, int length) throws IOException;

    /** Returns the largest packet, in bytes, that {@link #write} accepts and {@link #read} returns. */
    int mtu();

    /** Returns a name for logs, such as the TUN interface name. */
    String name();

    /** Releases the gateway and wakes a blocked reader. Calling it again has no effect. */
    @Override
    void close() throws IOException;
}
