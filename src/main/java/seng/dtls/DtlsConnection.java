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
