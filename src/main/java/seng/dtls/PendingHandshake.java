package seng.dtls;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.DTLSRequest;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;

/**
 * A client that returned a valid cookie and whose handshake has not run yet. The receiver must
 * call {@link #accept} once or {@link #abandon}, on the thread that will own the connection.
 */
public final class PendingHandshake {
    private final PeerTransport transport;
    private final DTLSRequest request;
    private final long verifiedAtNanos = System.nanoTime();

    PendingHandshake(PeerTransport transport, DTLSRequest request) {
        this.transport = transport;
        this.request = request;
    }

    /** Returns the {@link System#nanoTime()} at which the client's cookie was verified. */
    public long verifiedAtNanos() {
        return verifiedAtNanos;
    }

    public InetSocketAddress peer() {
        return transport.remote();
    }

    /**
     * Runs the handshake to its end, blocking up to the handshake timeout.
     *
     * @throws HandshakeFailedException with the reason; the transport is closed and the client got
     *     a fatal alert where the protocol allows one
     */
    public <T> Accepted<T> accept(DtlsServerConfig config, ClientCertificateHandler<T> handler)
            throws HandshakeFailedException {
        SengTlsServer<T> server = new SengTlsServer<>(config.crypto(), config.credentials(), handler, peer(),
                (int) config.settings().handshakeTimeout().toMillis());
        try {
            DTLSTransport dtls = new DTLSServerProtocol().accept(server, transport, request);
            transport.markHandshakeComplete();
            return new Accepted<>(new DtlsConnection(dtls, transport, server), server.client());
        } catch (IOException | RuntimeException e) {
            transport.close();
            throw failure(server, e);
        } catch (Error e) {
            transport.close();
            throw e;
        }
    }

    /** Drops the client without a handshake, for example while the server shuts down. */
    public void abandon() {
        transport.close();
    }

    private HandshakeFailedException failure(SengTlsServer<?> server, Exception e) {
        ClientRejectedException rejection = server.rejection();
        if (rejection != null) {
            return new HandshakeFailedException(rejection.reason(), rejection.getMessage(), e);
        }
        return switch (e) {
            case TlsTimeoutException timeout -> new HandshakeFailedException("handshake_timeout",
                    "the handshake did not complete within " + server.getHandshakeTimeoutMillis() + " ms", e);
            case TlsFatalAlertReceived alert -> new HandshakeFailedException("alert_received",
                    "the client sent the fatal alert " + AlertDescription.getText(alert.getAlertDescription()), e);
            case TlsFatalAlert alert -> new HandshakeFailedException(AlertDescription.getName(alert.getAlertDescription()),
                    "the handshake failed with " + AlertDescription.getText(alert.getAlertDescription())
                            + (alert.getMessage() == null ? "" : ": " + alert.getMessage()), e);
            case TransportClosedException closed -> new HandshakeFailedException("transport_closed",
                    "the transport was closed during the handshake (server stopping or client restarted)", e);
            case InterruptedIOException interrupted -> new HandshakeFailedException("interrupted",
                    "the handshake was interrupted", e);
            default -> new HandshakeFailedException("internal_error", "the handshake failed: " + e, e);
        };
    }

    /** A completed handshake: the connection and what the handler learned about the client. */
    public record Accepted<T>(DtlsConnection connection, T client) {
    }
}
