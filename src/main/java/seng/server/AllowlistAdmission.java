package seng.server;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.List;

import org.tinylog.Logger;

import seng.attest.Attestation;
import seng.dtls.ClientRejectedException;
import seng.dtls.ClientRejectedException.Alert;
import seng.ip.Ipv4Address;
import seng.pool.AddressPool;
import seng.pool.EnclaveNetwork;
import seng.pool.Subnet;
import seng.store.Allowlist;
import seng.store.AppRow;
import seng.store.StoreException;

/**
 * Admits an enclave by the rules of upstream's allowlist database: some {@code apps} row must have
 * its MRENCLAVE, and the enclave gets its address from the enclave subnetwork of the first such row
 * (lowest id) whose host subnet contains the client's host address.
 *
 * <p>Upstream stored each row's MRSIGNER but never compared it. With {@code requireMrSigner} a row
 * only counts if its MRSIGNER equals the attested one as well.
 *
 * <p>Every admission queries the allowlist anew, so rows added or removed while the server runs
 * apply to the next admission, while tunnels already up keep their addresses. A subnetwork row seen
 * for the first time gets its address pool then. The server closes the allowlist when it stops.
 */
public final class AllowlistAdmission implements AdmissionPolicy {
    private final Allowlist allowlist;
    private final EnclaveNetwork network;
    private final boolean requireMrSigner;

    /**
     * @param network where the address pools live. It should already contain the allowlist's
     *     subnetworks, so that the loopback gateway replies for their gateway addresses from the start.
     */
    public AllowlistAdmission(Allowlist allowlist, EnclaveNetwork network, boolean requireMrSigner) {
        this.allowlist = allowlist;
        this.network = network;
        this.requireMrSigner = requireMrSigner;
    }

    /**
     * Creates the policy with a new network that contains every subnetwork of the allowlist now.
     *
     * @throws StoreException if the allowlist cannot be read
     * @throws IllegalArgumentException if two of its subnetworks overlap, which {@code SqliteAllowlist.open} rules out
     */
    public static AllowlistAdmission withCurrentSubnets(Allowlist allowlist, boolean requireMrSigner) throws StoreException {
        return new AllowlistAdmission(allowlist, EnclaveNetwork.of(allowlist.enclaveSubnets()), requireMrSigner);
    }

    public EnclaveNetwork network() {
        return network;
    }

    @Override
    public Admission admit(Attestation attestation, InetAddress host) throws ClientRejectedException {
        List<AppRow> rows = query(() -> allowlist.appsWithMrEnclave(attestation.mrEnclave()));
        if (rows.isEmpty()) {
            throw new ClientRejectedException("unknown_mrenclave", "MRENCLAVE " + attestation.mrEnclaveHex()
                    + " is in no apps row of the allowlist", Alert.ACCESS_DENIED);
        }
        if (requireMrSigner) {
            rows = rows.stream().filter(row -> Arrays.equals(row.mrSigner(), attestation.mrSigner())).toList();
            if (rows.isEmpty()) {
                throw new ClientRejectedException("mrsigner_mismatch", "no apps row with MRENCLAVE "
                        + attestation.mrEnclaveHex() + " has MRSIGNER " + attestation.mrSignerHex(), Alert.ACCESS_DENIED);
            }
        }

        AppRow row = firstRowForHost(rows, host);
        Subnet subnet = query(() -> allowlist.enclaveSubnet(row.enclaveSubnetId())).orElseThrow(() -> unusable(
                "apps row " + row.id() + " names enclave_subnets row " + row.enclaveSubnetId() + ", which does not exist"));
        return new Admission(pool(subnet), row.name());
    }

    /** Returns the subnetwork's pool; the lock-free lookup first, so admissions do not queue on the network's lock. */
    private AddressPool pool(Subnet subnet) throws ClientRejectedException {
        AddressPool existing = network.pool(subnet.id());
        if (existing != null && existing.subnet().equals(subnet)) {
            return existing;
        }
        try {
            return network.add(subnet);
        } catch (IllegalArgumentException e) {
            throw unusable(e.getMessage());
        }
    }

    private static AppRow firstRowForHost(List<AppRow> rows, InetAddress host) throws ClientRejectedException {
        if (host instanceof Inet4Address ipv4) {
            int address = Ipv4Address.fromBytes(ipv4.getAddress(), 0);
            for (AppRow row : rows) {
                if (row.hostSubnet().contains(address)) {
                    return row;
                }
            }
        }
        List<String> allowed = rows.stream().map(row -> row.hostSubnet() + " (row " + row.id() + ")").toList();
        throw new ClientRejectedException("host_not_allowed", "host " + host.getHostAddress()
                + " is outside the host subnets allowed for this MRENCLAVE: " + String.join(", ", allowed),
                Alert.ACCESS_DENIED);
    }

    @FunctionalInterface
    private interface Query<T> {
        T run() throws StoreException;
    }

    /** Runs a query. A failed query rejects the client, because the server must fail closed. */
    private static <T> T query(Query<T> query) throws ClientRejectedException {
        try {
            return query.run();
        } catch (StoreException e) {
            throw unusable(e.getMessage());
        }
    }

    /** Logs a problem the operator must fix as an ERROR, besides the client's audit line, and returns the rejection. */
    private static ClientRejectedException unusable(String detail) {
        Logger.error("event=allowlist_unusable detail=\"{}\"", detail.replace('"', '\''));
        return new ClientRejectedException("allowlist_error", detail, Alert.INTERNAL_ERROR);
    }

    @Override
    public void close() {
        allowlist.close();
    }
}
