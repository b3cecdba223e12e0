package seng.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Instant;

import org.tinylog.Logger;

import com.google.protobuf.InvalidProtocolBufferException;

import seng.attest.Attestation;
import seng.attest.AttestationException;
import seng.dtls.ClientCertificateHandler;
import seng.dtls.ClientRejectedException;
import seng.dtls.DtlsConnection;
import seng.dtls.HandshakeFailedException;
import seng.dtls.PendingHandshake;
import seng.ip.HostPort;
import seng.ip.Ipv4Address;
import seng.pool.AddressPool;
import seng.tunnel.ApplicationTunnel;
import seng.tunnel.PairingRegistry;
import seng.tunnel.SetupMessages;
import seng.tunnel.TunnelInfo;

/**
 * One client on port P, from its verified ClientHello to the end of its application tunnel, on
 * its own virtual thread: handshake with attestation and admission, address assignment, waiting
 * for tunnel #2, then the data phase. The {@code finally} of {@link #run} releases everything.
 */
final class Tunnel1Session implements ClientCertificateHandler<Tunnel1Session.Candidate> {
    private static final int TUNNEL = 1;

    private final SessionContext context;
    private final PendingHandshake pending;
    private AddressPool leasedPool;
    private int leasedAddress;
    private boolean refusalLogged;
    private DtlsConnection tunnel1;
    private PairingRegistry.Waiting waiting;
    private Candidate verified;
    private DtlsConnection tunnel2;
    private ApplicationTunnel tunnel;

    Tunnel1Session(SessionContext context, PendingHandshake pending) {
        this.context = context;
        this.pending = pending;
    }

    /** The attested enclave and the subnetwork it may use, between the two handshake steps. */
    record Candidate(Attestation attestation, byte[] certificateDigest, AdmissionPolicy.Admission admission) {
    }

    void run() {
        InetSocketAddress peer = pending.peer();
        try {
            ApplicationTunnel tunnel = establish(peer);
            if (tunnel == null) {
                return;
            }
            String reason = tunnel.awaitEnd();
            context.tunnelEnds().record(reason);
            AuditLog.tunnelEnded(tunnel, reason);
        } catch (HandshakeFailedException e) {
            recordHandshakeFailure(peer, e);
        } catch (InterruptedException e) {
            Logger.debug("event=session_interrupted tunnel=1 peer={}", HostPort.format(peer));
        } finally {
            releaseAll(peer);
        }
    }

    /**
     * Runs the handshake, the address setup and the pairing, and starts the tunnel.
     *
     * @return the running tunnel, or null if the setup failed (the reason is logged)
     */
    private ApplicationTunnel establish(InetSocketAddress peer) throws HandshakeFailedException, InterruptedException {
        PendingHandshake.Accepted<Candidate> accepted = pending.accept(context.dtls(), this);
        context.handshakes().recordDuration(TUNNEL, System.nanoTime() - pending.verifiedAtNanos());
        tunnel1 = accepted.connection();
        Candidate candidate = accepted.client();

        // The client starts tunnel #2 right after sending its acknowledgement, so the registration
        // comes first: a fast tunnel #2 must find this tunnel #1 waiting.
        waiting = context.pairing().register(peer.getAddress(), candidate.attestation().quoteBytes());
        verified = candidate;
        context.verifiedCertificates().put(peer.getAddress(), candidate.certificateDigest(), candidate.attestation());
        if (!assignAddress(tunnel1)) {
            return null;
        }
        tunnel2 = awaitTunnel2(waiting);
        forgetVerifiedCertificate(peer);
        if (tunnel2 == null) {
            return null;
        }

        tunnel = new ApplicationTunnel(
                new TunnelInfo(leasedAddress, peer, tunnel2.peer(), candidate.admission().appName(),
                        candidate.attestation().mrEnclaveHex(), candidate.attestation().mrSignerHex(), Instant.now()),
                tunnel1, tunnel2, context.gateway(), context.tunnelSettings(), context.traffic());
        context.addressTable().put(leasedAddress, tunnel);
        context.activeTunnels().add(tunnel);
        tunnel.start();
        Logger.info("event=tunnel_up enclave={} peer={} tunnel2_peer={}", Ipv4Address.format(leasedAddress),
                HostPort.format(peer), HostPort.format(tunnel2.peer()));
        return tunnel;
    }

    /** Gives back whatever the session still holds: the tunnel's table entries, both connections and the address. */
    private void releaseAll(InetSocketAddress peer) {
        if (tunnel != null) {
            context.activeTunnels().remove(tunnel);
            context.addressTable().remove(leasedAddress, tunnel);
            tunnel.close("stopped");
        }
        if (waiting != null && tunnel2 == null) {
            waiting.abandon();
        }
        forgetVerifiedCertificate(peer);
        closeQuietly(tunnel1);
        closeQuietly(tunnel2);
        releaseAddress();
    }

    private void forgetVerifiedCertificate(InetSocketAddress peer) {
        if (verified != null) {
            context.verifiedCertificates().remove(peer.getAddress(), verified.certificateDigest(), verified.attestation());
            verified = null;
        }
    }

    @Override
    public Candidate inspect(byte[] leafCertificateDer, InetSocketAddress peer) throws ClientRejectedException {
        Attestation attestation;
        try {
            attestation = context.verifier().verify(leafCertificateDer);
        } catch (AttestationException e) {
            refusalLogged = true;
            AuditLog.refused(TUNNEL, peer, e);
            throw new ClientRejectedException(e.reason().code(), e.getMessage(), ClientRejectedException.Alert.BAD_CERTIFICATE);
        }
        try {
            return new Candidate(attestation, VerifiedCertificates.digest(leafCertificateDer),
                    context.admissionPolicy().admit(attestation, peer.getAddress()));
        } catch (ClientRejectedException e) {
            refused(peer, attestation, e.reason(), e.getMessage());
            throw e;
        }
    }

    /** Takes the enclave's address once the client has proved possession of the certified key. */
    @Override
    public void admit(Candidate candidate, InetSocketAddress peer) throws ClientRejectedException {
        AddressPool pool = candidate.admission().pool();
        int address = pool.allocate(peer.hashCode());
        if (address == 0) {
            String message = "enclave subnetwork " + pool.subnet() + " is full (" + pool.subnet().capacity() + " addresses)";
            refused(peer, candidate.attestation(), "subnet_full", message);
            throw new ClientRejectedException("subnet_full", message, ClientRejectedException.Alert.HANDSHAKE_FAILURE);
        }
        leasedPool = pool;
        leasedAddress = address;
        context.handshakes().record(TUNNEL, "admitted");
        AuditLog.admitted(TUNNEL, peer, candidate.attestation(), candidate.admission().appName(), address);
    }

    /**
     * Sends the IpAssignment and waits for the matching IpAssignACK, within the pairing timeout.
     *
     * @return false if the client did not acknowledge the address; the reason is logged
     */
    private boolean assignAddress(DtlsConnection tunnel1) {
        InetSocketAddress peer = tunnel1.peer();
        byte[] assignment = SetupMessages.assignment(leasedAddress, leasedPool.subnet());
        byte[] buffer = new byte[2048];
        long deadline = System.nanoTime() + context.pairingTimeout().toNanos();
        try {
            tunnel1.send(assignment, 0, assignment.length);
            int length;
            do {
                long remainingMillis = (deadline - System.nanoTime()) / 1_000_000;
                if (remainingMillis <= 0) {
                    setupFailed(peer, "ack_timeout", "no IpAssignACK within " + context.pairingTimeout().toSeconds() + " s");
                    return false;
                }
                length = tunnel1.receive(buffer, 0, buffer.length, (int) Math.min(remainingMillis, Integer.MAX_VALUE));
            } while (length < 0);

            int acknowledged = SetupMessages.acknowledgedAddress(buffer, length);
            if (acknowledged != leasedAddress) {
                setupFailed(peer, "ack_mismatch", "IpAssignACK names " + Ipv4Address.format(acknowledged)
                        + " instead of the assigned " + Ipv4Address.format(leasedAddress));
                return false;
            }
            return true;
        } catch (InvalidProtocolBufferException e) {
            setupFailed(peer, "ack_invalid", "invalid IpAssignACK: " + e.getMessage());
            return false;
        } catch (IOException e) {
            setupFailed(peer, "tunnel1_" + tunnel1.endReason(), "tunnel #1 ended during the address setup");
            return false;
        }
    }

    /** Returns tunnel #2, or null after the pairing timeout. */
    private DtlsConnection awaitTunnel2(PairingRegistry.Waiting waiting) throws InterruptedException {
        DtlsConnection tunnel2 = waiting.await(context.pairingTimeout());
        if (tunnel2 == null) {
            setupFailed(pending.peer(), "pairing_timeout", "no matching tunnel #2 within "
                    + context.pairingTimeout().toSeconds() + " s (or a newer tunnel #1 of the same enclave replaced this one)");
        }
        return tunnel2;
    }

    private void setupFailed(InetSocketAddress peer, String reason, String detail) {
        context.handshakes().record(TUNNEL, reason);
        Logger.warn("event=setup_failed reason={} peer={} enclave={} detail=\"{}\"", reason, HostPort.format(peer),
                Ipv4Address.format(leasedAddress), detail);
    }

    private void refused(InetSocketAddress peer, Attestation attestation, String reason, String detail) {
        refusalLogged = true;
        AuditLog.refused(TUNNEL, peer, attestation, reason, detail);
    }

    /** Counts a failed handshake and logs it, unless the audit line of a refusal already did. */
    private void recordHandshakeFailure(InetSocketAddress peer, HandshakeFailedException e) {
        context.handshakes().record(TUNNEL, e.reason());
        if (!refusalLogged && context.failureLog().allow("handshake_failed:" + e.reason())) {
            Logger.info("event=handshake_failed tunnel=1 peer={} reason={} detail=\"{}\"", HostPort.format(peer), e.reason(),
                    e.getMessage());
        }
    }

    private void releaseAddress() {
        if (leasedPool != null) {
            leasedPool.release(leasedAddress);
            leasedPool = null;
        }
    }

    private static void closeQuietly(DtlsConnection connection) {
        if (connection != null) {
            connection.close();
        }
    }
}
