package seng.server;

import java.net.InetAddress;

import seng.attest.Attestation;
import seng.dtls.ClientRejectedException;
import seng.pool.AddressPool;

/**
 * Decides whether an attested enclave may connect from a host, and from which subnetwork it gets its
 * address. The server closes its policy last when it stops, so a policy may hold a database.
 */
public interface AdmissionPolicy extends AutoCloseable {

    /**
     * @throws ClientRejectedException with a reason code such as {@code unknown_mrenclave} or
     *     {@code host_not_allowed}
     */
    Admission admit(Attestation attestation, InetAddress host) throws ClientRejectedException;

    /**
     * A positive decision.
     *
     * @param appName the allowlist entry that matched, or null when there is no allowlist
     */
    record Admission(AddressPool pool, String appName) {
    }

    /** Releases what the policy holds; the default holds nothing. Idempotent. */
    @Override
    default void close() {
    }
}
