package seng.server;

import java.time.Duration;
import java.util.Set;

import seng.attest.EvidenceVerifier;
import seng.dtls.DtlsServerConfig;
import seng.gateway.Gateway;
import seng.pool.AddressTable;
import seng.tunnel.ApplicationTunnel;
import seng.tunnel.PairingRegistry;
import seng.tunnel.TrafficCounters;
import seng.tunnel.TunnelSettings;

/** The state and services that every client session of one server shares. */
record SessionContext(
        DtlsServerConfig dtls,
        EvidenceVerifier verifier,
        AdmissionPolicy admissionPolicy,
        PairingRegistry pairing,
        VerifiedCertificates verifiedCertificates,
        AddressTable<ApplicationTunnel> addressTable,
        Set<ApplicationTunnel> activeTunnels,
        Gateway gateway,
        TunnelSettings tunnelSettings,
        Duration pairingTimeout,
        TrafficCounters traffic,
        HandshakeCounters handshakes,
        ReasonCounters tunnelEnds,
        LogRateLimit failureLog) {
}
