package seng.bench.jmh;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.Arrays;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.tls.DatagramTransport;

/**
 * One end of an in-memory datagram link. Each send copies the datagram into the other end's
 * queue, as the server's UDP receiver copies every datagram into its peer's queue. The limits are
 * the server's after the handshake: 2048 bytes received, 1472 sent.
 */
final class MemoryDatagramTransport implements DatagramTransport {
    private static final int RECEIVE_LIMIT = 2048;
    private static final int SEND_LIMIT = 1472;

    private final LinkedBlockingQueue<byte[]> inbound = new LinkedBlockingQueue<>();
    private MemoryDatagramTransport peer;

    static MemoryDatagramTransport[] pair() {
        MemoryDatagramTransport client = new MemoryDatagramTransport();
        MemoryDatagramTransport server = new MemoryDatagramTransport();
        client.peer = server;
        server.peer = client;
        return new MemoryDatagramTransport[]{client, server};
    }

    @Override
    public int getReceiveLimit() {
        return RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    @Override
    public int receive(byte[] buffer, int offset, int length, int waitMillis) throws IOException {
        byte[] datagram;
        try {
            datagram = inbound.poll(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a datagram");
        }
        if (datagram == null) {
            return -1;
        }
        System.arraycopy(datagram, 0, buffer, offset, Math.min(length, datagram.length));
        return datagram.length;
    }

    @Override
    public void send(byte[] buffer, int offset, int length) {
        peer.inbound.add(Arrays.copyOfRange(buffer, offset, offset + length));
    }

    @Override
    public void close() {
        // Nothing to release: the queues go away with the benchmark state.
    }
}
