package seng.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

import org.bouncycastle.tls.DatagramTransport;
import org.tinylog.Logger;

import seng.ip.HostPort;

/**
 * The datagrams of one remote address on one endpoint, as Bouncy Castle's DTLS code pulls them.
 * The endpoint's receiver thread pushes. During the handshake and the address setup the peer's
 * own virtual thread pulls, blocking while the queue is empty. In inline mode (the data phase)
 * the thread that delivers a datagram also runs the record processing, so a packet crosses no
 * thread on its way in. There an empty queue ends the pull at once. Sends go straight to the
 * shared channel.
 */
final class PeerTransport implements DatagramTransport {
    /** The client's Certificate message is 4–6 KB and may come in one datagram when the path allows it. */
    static final int HANDSHAKE_RECEIVE_LIMIT = 32 * 1024;
    /** One 1500-byte datagram, the link MTU of the clients, with room to spare; Bouncy Castle allocates this much per record. */
    static final int DATA_RECEIVE_LIMIT = 1600;
    /** Clients set a 1500-byte link MTU: IPv4 and UDP headers leave 1472 bytes for a datagram. */
    static final int SEND_LIMIT = 1472;

    private static final byte[] WAKE_UP = new byte[0];

    private final DtlsEndpoint endpoint;
    private final InetSocketAddress remote;
    private final ArrayBlockingQueue<byte[]> inbound;
    private final byte[] clientRandom;
    private final ReentrantLock inlineLock = new ReentrantLock();
    private final AtomicBoolean handshakeEnded = new AtomicBoolean();
    private final AtomicBoolean closeReported = new AtomicBoolean();
    private volatile Runnable inlineDrain;
    private volatile Runnable onClosed;
    private volatile boolean handshakeComplete;
    private volatile boolean closed;

    /** @param clientRandom the random of the ClientHello that started this peer's session */
    PeerTransport(DtlsEndpoint endpoint, InetSocketAddress remote, int queueCapacity, byte[] clientRandom) {
        this.endpoint = endpoint;
        this.remote = remote;
        this.inbound = new ArrayBlockingQueue<>(queueCapacity);
        this.clientRandom = clientRandom.clone();
    }

    /** Checks whether {@code random} is the random of the ClientHello that started this session. */
    boolean startedBy(byte[] random) {
        return java.security.MessageDigest.isEqual(clientRandom, random);
    }

    InetSocketAddress remote() {
        return remote;
    }

    boolean isHandshakeComplete() {
        return handshakeComplete;
    }

    void markHandshakeComplete() {
        handshakeComplete = true;
        endHandshake();
    }

    private void endHandshake() {
        if (handshakeEnded.compareAndSet(false, true)) {
            endpoint.handshakeEnded();
        }
    }

    boolean isClosed() {
        return closed;
    }

    /**
     * Queues a datagram; a full queue drops it, as a full socket buffer would. In inline mode the
     * datagram is processed before this returns, unless another thread is draining the queue.
     */
    boolean deliver(byte[] datagram) {
        if (closed || !inbound.offer(datagram)) {
            return false;
        }
        Runnable drain = inlineDrain;
        if (drain != null) {
            pump(drain);
        }
        return true;
    }

    /**
     * Switches to inline mode: from now on {@code drain} processes queued datagrams on the thread
     * that delivers them. Datagrams queued before are processed now, on the calling thread.
     */
    void startInline(Runnable drain, Runnable whenClosed) {
        onClosed = whenClosed;
        inlineDrain = drain;
        pump(drain);
        if (closed) {
            reportClose();
        }
    }

    /** Runs the close callback of inline mode once, however the transport was closed. */
    private void reportClose() {
        Runnable callback = onClosed;
        if (callback != null && closeReported.compareAndSet(false, true)) {
            callback.run();
        }
    }

    /**
     * Runs {@code drain} until the queue is empty or the transport closed, on one thread at a
     * time. A thread that finds the lock taken leaves its datagram to the holder, and the holder
     * checks the queue once more after unlocking, so no datagram is left behind.
     */
    private void pump(Runnable drain) {
        while (!closed && !inbound.isEmpty() && inlineLock.tryLock()) {
            try {
                drain.run();
            } finally {
                inlineLock.unlock();
            }
        }
    }

    @Override
    public int getReceiveLimit() {
        return handshakeComplete ? DATA_RECEIVE_LIMIT : HANDSHAKE_RECEIVE_LIMIT;
    }

    @Override
    public int getSendLimit() {
        return SEND_LIMIT;
    }

    /**
     * Waits for the next datagram. Bouncy Castle keeps calling this after a close_notify until its
     * wait ends, so a closed transport throws instead of returning -1, which would make it spin.
     */
    @Override
    public int receive(byte[] buffer, int offset, int length, int waitMillis) throws IOException {
        if (closed) {
            throw new TransportClosedException(remote);
        }
        byte[] datagram = inlineDrain != null ? inbound.poll() : waitForDatagram(waitMillis);
        if (closed) {
            throw new TransportClosedException(remote);
        }
        if (datagram == null) {
            if (inlineDrain != null) {
                throw NoDatagramPending.INSTANCE;
            }
            return -1;
        }

        // A datagram longer than the caller's limit is reported with its true length so Bouncy
        // Castle discards it instead of reading a truncated record.
        System.arraycopy(datagram, 0, buffer, offset, Math.min(length, datagram.length));
        return datagram.length;
    }

    private byte[] waitForDatagram(int waitMillis) throws InterruptedIOException {
        try {
            return waitMillis == 0 ? inbound.take() : inbound.poll(waitMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a datagram from " + HostPort.format(remote));
        }
    }

    /**
     * Sends one datagram without blocking. A full socket buffer drops it, and errors are counted
     * and swallowed, because Bouncy Castle fails the whole DTLS connection on any exception from
     * here; DTLS treats the datagram as lost, which it is.
     */
    @Override
    public void send(byte[] buffer, int offset, int length) throws IOException {
        if (closed) {
            throw new TransportClosedException(remote);
        }
        try {
            if (endpoint.channel().send(ByteBuffer.wrap(buffer, offset, length), remote) == 0) {
                endpoint.counters().sendBufferFullDrops.increment();
            }
        } catch (IOException e) {
            if (!endpoint.channel().isOpen()) {
                throw new TransportClosedException(remote);
            }
            endpoint.counters().sendErrors.increment();
            Logger.trace("event=udp_send_failed peer={} error=\"{}\"", HostPort.format(remote), e.getMessage());
        }
    }

    /** Closes this transport and wakes a thread blocked in {@link #receive}. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inbound.clear();
        inbound.offer(WAKE_UP);
        endpoint.forget(this);
        endHandshake();
        reportClose();
    }
}
