package seng.tunnel;

import java.net.InetSocketAddress;
import java.time.Instant;

/**
 * What the status output shows about an application tunnel besides its counters.
 *
 * @param appName the allowlist entry that admitted the enclave, or null without a database
 * @param mrEnclave the enclave measurement in hex
 */
public record TunnelInfo(int enclaveAddress, InetSocketAddress tunnel1Peer, InetSocketAddress tunnel2Peer,
        String appName, String mrEnclave, String mrSigner, Instant since) {
}
