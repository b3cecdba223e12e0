package seng.pool;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

import seng.ip.Ipv4Address;

/**
 * The enclave subnetworks the server hands addresses from, one {@link AddressPool} each. Without
 * an allowlist database there is one, {@link #DEFAULT_SUBNET}; with one, a pool per database row,
 * and rows added while the server runs get a pool the first time an admission needs it.
 */
public final class EnclaveNetwork {
    /** The subnetwork of servers without a database, as upstream: 192.168.28.0/24 with gateway .1. */
    public static final Subnet DEFAULT_SUBNET = new Subnet(0, Ipv4Address.parse("192.168.28.0"), 24,
            Ipv4Address.parse("192.168.28.1"));

    private final ConcurrentHashMap<Integer, AddressPool> poolsById = new ConcurrentHashMap<>();

    public static EnclaveNetwork of(Collection<Subnet> subnets) {
        EnclaveNetwork network = new EnclaveNetwork();
        for (Subnet subnet : subnets) {
            network.add(subnet);
        }
        return network;
    }

    public static EnclaveNetwork withDefaultSubnet() {
        return of(List.of(DEFAULT_SUBNET));
    }

    /**
     * Returns the pool of a subnetwork, creating it on first use.
     *
     * @throws IllegalArgumentException if the subnetwork overlaps another one under a different id,
     *     or the id is already used for a different prefix
     */
    public synchronized AddressPool add(Subnet subnet) {
        AddressPool existing = poolsById.get(subnet.id());
        if (existing != null) {
            if (!existing.subnet().equals(subnet)) {
                throw new IllegalArgumentException("enclave subnetwork id " + subnet.id() + " changed from "
                        + existing.subnet() + " to " + subnet + " while the server runs; restart to apply it");
            }
            return existing;
        }
        for (AddressPool pool : poolsById.values()) {
            if (pool.subnet().overlaps(subnet)) {
                throw new IllegalArgumentException("enclave subnetwork " + subnet + " (id " + subnet.id()
                        + ") overlaps " + pool.subnet() + " (id " + pool.subnet().id() + ")");
            }
        }
        AddressPool pool = new AddressPool(subnet);
        poolsById.put(subnet.id(), pool);
        return pool;
    }

    /** Returns the pool of a subnetwork id, or null if there is none. */
    public AddressPool pool(int subnetId) {
        return poolsById.get(subnetId);
    }

    public List<AddressPool> pools() {
        return new ArrayList<>(poolsById.values());
    }

    /** Checks whether an address lies in one of the subnetworks; the loopback gateway routes by it. */
    public boolean isEnclaveAddress(int address) {
        for (AddressPool pool : poolsById.values()) {
            if (pool.subnet().contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** Checks whether an address is the gateway address of one of the subnetworks. */
    public boolean isGatewayAddress(int address) {
        for (AddressPool pool : poolsById.values()) {
            if (pool.subnet().gateway() == address) {
                return true;
            }
        }
        return false;
    }
}
