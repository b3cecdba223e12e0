package seng.server;

import java.net.InetSocketAddress;

import org.tinylog.Logger;

import seng.attest.Attestation;
import seng.attest.AttestationException;
import seng.dtls.ClientCertificateHandler;
import seng.dtls.ClientRejectedException;
import seng.dtls.DtlsConnection;
import seng.dtls.HandshakeFailedException;
import seng.dtls.PendingHandshake;
import seng.ip.HostPort;
import seng.tunnel.PairingRegistry;

/**
 * One client on port P + 1: a handshake whose certificate must carry the same quote as a tunnel #1
 * waiting from the same host. Once paired, the connection belongs to that tunnel #1's session and
 * this thread ends.
 */
final class Tunnel2Session implements ClientCertificateHandler<PairingRegistry.Waiting> {
    private static final int TUNNEL = 2;

    private final SessionContext context;
    private final PendingHandshake pending;
    private boolean refusalLogged;

    Tunnel2Session(SessionContext context, PendingHandshake pending) {
        this.context = context;
        this.pending = pending;
    }

    void run() {
        InetSocketAddress peer = pending.peer();
        try {
            PendingHandshake.Accepted<PairingRegistry.Waiting> accepted = pending.accept(context.dtls(), this);
            context.handshakes().recordDuration(TUNNEL, System.nanoTime() - pending.verifiedAtNanos());
            DtlsConnection tunnel2 = accepted.connection();
            if (accepted.client().pair(tunnel2)) {
                context.handshakes().record(TUNNEL, "paired");
            } else {
                context.handshakes().record(TUNNEL, "pairing_expired");
                Logger.warn("event=pairing_failed peer={} reason=pairing_expired detail=\"tunnel #1 stopped waiting during the handshake\"",
                        HostPort.format(peer));
                tunnel2.close();
            }
        } catch (HandshakeFailedException e) {
            context.handshakes().record(TUNNEL, e.reason());
            if (!refusalLogged && context.failureLog().allow("handshake_failed:" + e.reason())) {
                Logger.info("event=handshake_failed tunnel=2 peer={} reason={} detail=\"{}\"", HostPort.format(peer), e.reason(),
                        e.getMessage());
            }
        }
    }

    @Override
    public PairingRegistry.Waiting inspect(byte[] leafCertificateDer, InetSocketAddress peer) throws ClientRejectedException {
        Attestation attestation = context.verifiedCertificates().get(peer.getAddress(),
                VerifiedCertificates.digest(leafCertificateDer));
        if (attestation == null) {
            try {
                attestation = context.verifier().verify(leafCertificateDer);
            } catch (AttestationException e) {
                refusalLogged = true;
                AuditLog.refused(TUNNEL, peer, e);
                throw new ClientRejectedException(e.reason().code(), e.getMessage(),
                        ClientRejectedException.Alert.BAD_CERTIFICATE);
            }
        }

        PairingRegistry.Waiting waiting = context.pairing().find(peer.getAddress(), attestation.quoteBytes());
        if (waiting == null) {
            throw refuse(peer, attestation, "no_waiting_tunnel1",
                    "no tunnel #1 from " + peer.getAddress().getHostAddress() + " with this quote waits for its tunnel #2",
                    ClientRejectedException.Alert.HANDSHAKE_FAILURE);
        }
        return waiting;
    }

    @Override
    public void admit(PairingRegistry.Waiting waiting, InetSocketAddress peer) throws ClientRejectedException {
        if (!waiting.isWaiting()) {
            String detail = "the waiting tunnel #1 timed out during this handshake";
            refusalLogged = true;
            AuditLog.refused(TUNNEL, peer, "pairing_expired", detail);
            throw new ClientRejectedException("pairing_expired", detail, ClientRejectedException.Alert.HANDSHAKE_FAILURE);
        }
    }

    private ClientRejectedException refuse(InetSocketAddress peer, Attestation attestation, String reason, String detail,
            ClientRejectedException.Alert alert) {
        refusalLogged = true;
        AuditLog.refused(TUNNEL, peer, attestation, reason, detail);
        return new ClientRejectedException(reason, detail, alert);
    }
}
