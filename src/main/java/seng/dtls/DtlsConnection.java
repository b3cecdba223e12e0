package seng.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSTransport;

/**
 * An established DTLS connection with one client, without Bouncy Castle types in its API. One
 * thread receives; any thread may send. Closing sends close_notify unless the connection failed.
 */
public final class DtlsConnection implements AutoCloseable {
    private static final ThreadLocal<byte[]> PLAINTEXT_BUFFER =
            ThreadLocal.withInitial(() -> new byte[PeerTransport.DATA_RECEIVE_LIMIT]);

    private final DTLSTransport dtls;
    private final PeerTransport transport;
    private final SengTlsServer<?> server;
    private final int sendLimit;

    DtlsConnection(DTLSTransport dtls, PeerTransport transport, SengTlsServer<?> server) throws IOException {
        this.dtls = dtls;
        this.transport = transport;
        this.server = server;
        this.sendLimit = dtls.getSendLimit();
    }

    public InetSocketAddress peer() {
        return transport.remote();
    }

    /** Returns the largest plaintext one record can carry. */
    public int sendLimit() {
        return sendLimit;
    }

    /**
     * Receives the plaintext of one application record.
     *
     * @param waitMillis how long to wait; 0 waits until a record arrives or the connection ends
     * @return the plaintext length, or -1 if nothing arrived in time (records with a bad MAC are
     *     discarded silently and also give -1)
     * @throws IOException once the connection has ended: see {@link #endReason()}
     */
    public int receive(byte[] buffer, int offset, int length, int waitMillis) throws IOException {
        return dtls.receive(buffer, offset, length, waitMillis);
    }

    /**
     * Hands every later record to {@code listener} on the thread that receives its datagram, the
     * endpoint's receiver thread, instead of waiting for {@link #receive} calls. Records that came
     * before are handed over now. The listener must be quick and must not block: it runs on the
     * path of every client of the endpoint.
     */
    public void startInlineReceive(RecordListener listener) {
        transport.startInline(() -> drain(listener), () -> listener.ended(endReason()));
    }

    /**
     * Processes the queued datagrams; runs on one thread at a time, which the transport ensures.
     * The plaintext buffer belongs to the thread, not the connection: thousands of idle tunnels
     * would otherwise each hold one.
     */
    private void drain(RecordListener listener) {
        byte[] buffer = PLAINTEXT_BUFFER.get();
        while (true) {
            int length;
            try {
                length = dtls.receive(buffer, 0, buffer.length, 0);
            } catch (NoDatagramPending e) {
                return;
            } catch (IOException e) {
                listener.ended(endReason());
                return;
            }
            if (length >= 0) {
                listener.record(buffer, length);
            }
        }
    }

    /** Receives the records of a connection in inline mode. */
    public interface RecordListener {
        /** Takes one record's plaintext; the buffer is reused for the next record. */
        void record(byte[] plaintext, int length);

        /** Reports that the connection ended, with {@link #endReason()}; a repeat call can follow and must do no harm. */
        void ended(String reason);
    }

    /** Sends one record; the caller keeps {@code length} within {@link #sendLimit()}. */
    public void send(byte[] buffer, int offset, int length) throws IOException {
        dtls.send(buffer, offset, length);
    }

    public boolean isClosed() {
        return transport.isClosed();
    }

    /** Returns why the connection ended, as a snake_case code for logs: close_notify, an alert name, or closed. */
    public String endReason() {
        if (server.closeNotifyReceived()) {
            return "close_notify";
        }
        short alert = server.fatalAlertReceived();
        if (alert >= 0) {
            return "alert_" + AlertDescription.getName(alert);
        }
        return "closed";
    }

    /** Sends close_notify (unless the connection already failed) and releases the transport. Idempotent. */
    @Override
    public void close() {
        try {
            dtls.close();
        } catch (IOException e) {
            // The transport swallows send errors; nothing is left to release either way.
        }
        transport.close();
    }
}
