package seng.server;

import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;

import seng.attest.TrustPolicy;
import seng.dtls.DtlsSettings;
import seng.dtls.ServerCredentials;
import seng.pool.EnclaveNetwork;
import seng.tunnel.TunnelSettings;

/**
 * Everything a server needs, already loaded and checked: the command line builds it, and tests
 * build it directly.
 *
 * @param tunnelAddress the address and port P of tunnel #1; tunnel #2 listens on P + 1. Port 0
 *     picks a free pair of ports.
 * @param admissionPolicy who may connect and from which subnetwork; null admits every attested
 *     enclave into the first subnetwork of {@code network}. The server started with this config
 *     closes the policy when it stops or fails to start.
 * @param pairingTimeout how long tunnel #1 waits for the address acknowledgement and tunnel #2
 */
public record ServerConfig(
        InetSocketAddress tunnelAddress,
        ServerCredentials credentials,
        TrustPolicy trustPolicy,
        EnclaveNetwork network,
        AdmissionPolicy admissionPolicy,
        GatewayFactory gatewayFactory,
        DtlsSettings dtlsSettings,
        TunnelSettings tunnelSettings,
        Duration pairingTimeout,
        Clock clock) {

    public static final Duration DEFAULT_PAIRING_TIMEOUT = Duration.ofSeconds(30);

    public ServerConfig withPairingTimeout(Duration timeout) {
        return new ServerConfig(tunnelAddress, credentials, trustPolicy, network, admissionPolicy, gatewayFactory,
                dtlsSettings, tunnelSettings, timeout, clock);
    }

    public ServerConfig withTunnelAddress(InetSocketAddress address) {
        return new ServerConfig(address, credentials, trustPolicy, network, admissionPolicy, gatewayFactory,
                dtlsSettings, tunnelSettings, pairingTimeout, clock);
    }

    public ServerConfig withAdmissionPolicy(AdmissionPolicy policy) {
        return new ServerConfig(tunnelAddress, credentials, trustPolicy, network, policy, gatewayFactory,
                dtlsSettings, tunnelSettings, pairingTimeout, clock);
    }

    public ServerConfig withGatewayFactory(GatewayFactory factory) {
        return new ServerConfig(tunnelAddress, credentials, trustPolicy, network, admissionPolicy, factory,
                dtlsSettings, tunnelSettings, pairingTimeout, clock);
    }

    public ServerConfig withTunnelSettings(TunnelSettings settings) {
        return new ServerConfig(tunnelAddress, credentials, trustPolicy, network, admissionPolicy, gatewayFactory,
                dtlsSettings, settings, pairingTimeout, clock);
    }

    public ServerConfig withDtlsSettings(DtlsSettings settings) {
        return new ServerConfig(tunnelAddress, credentials, trustPolicy, network, admissionPolicy, gatewayFactory,
                settings, tunnelSettings, pairingTimeout, clock);
    }

    /** Opens the gateway side once the enclave subnetworks are known. */
    @FunctionalInterface
    public interface GatewayFactory {
        seng.gateway.Gateway open(EnclaveNetwork network) throws java.io.IOException;
    }
}
