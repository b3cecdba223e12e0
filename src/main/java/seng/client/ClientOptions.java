package seng.client;

import java.net.InetAddress;
import java.time.Duration;

/**
 * How a simulated enclave connects.
 *
 * @param pinnedServerCertificate the DER the server must present, or null to accept any server
 * @param localAddress the local address to send from; a second loopback address such as
 *     127.0.0.2 acts as another client host
 * @param linkMtu the link MTU the client assumes; 1500 as in the real clients, so the RA-TLS
 *     certificate goes out in several fragments
 * @param groups the ECDHE groups offered, as Bouncy Castle {@code NamedGroup} codes
 * @param setupTimeout how long each handshake may take, and how long to wait for the server's IpAssignment
 */
public record ClientOptions(byte[] pinnedServerCertificate, InetAddress localAddress, int linkMtu, int[] groups,
        Duration setupTimeout) {

    public static ClientOptions defaults() {
        return new ClientOptions(null, InetAddress.getLoopbackAddress(), 1500, EnclaveTlsClient.defaultGroups(),
                Duration.ofSeconds(10));
    }

    public ClientOptions withPinnedServerCertificate(byte[] certificateDer) {
        return new ClientOptions(certificateDer, localAddress, linkMtu, groups, setupTimeout);
    }

    public ClientOptions withLocalAddress(InetAddress address) {
        return new ClientOptions(pinnedServerCertificate, address, linkMtu, groups, setupTimeout);
    }

    public ClientOptions withGroups(int... namedGroups) {
        return new ClientOptions(pinnedServerCertificate, localAddress, linkMtu, namedGroups, setupTimeout);
    }

    public ClientOptions withSetupTimeout(Duration timeout) {
        return new ClientOptions(pinnedServerCertificate, localAddress, linkMtu, groups, timeout);
    }
}
