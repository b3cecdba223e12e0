package seng.pool;

import seng.ip.Ipv4Address;
import seng.ip.Ipv4Prefix;

/**
 * An enclave subnetwork: the addresses of one prefix, minus the network address, the broadcast
 * address and the gateway address, which are never handed to an enclave.
 *
 * @param id the database row id, or 0 for the built-in default subnetwork
 */
public record Subnet(int id, int network, int prefixLength, int gateway) {
    public static final int MIN_PREFIX_LENGTH = 8;
    public static final int MAX_PREFIX_LENGTH = 30;
    /** "This network", loopback, multicast and the reserved block up to the broadcast address (RFC 6890). */
    private static final java.util.List<Ipv4Prefix> SPECIAL_RANGES = java.util.List.of(
            Ipv4Prefix.parse("0.0.0.0/8"), Ipv4Prefix.parse("127.0.0.0/8"), Ipv4Prefix.parse("224.0.0.0/3"));

    public Subnet {
        if (prefixLength < MIN_PREFIX_LENGTH || prefixLength > MAX_PREFIX_LENGTH) {
            throw new IllegalArgumentException("invalid enclave subnetwork " + Ipv4Address.format(network) + "/"
                    + prefixLength + ": the prefix length must be from /" + MIN_PREFIX_LENGTH + " to /" + MAX_PREFIX_LENGTH);
        }
        int netmask = Ipv4Address.netmask(prefixLength);
        if ((network & ~netmask) != 0) {
            throw new IllegalArgumentException("invalid enclave subnetwork " + Ipv4Address.format(network) + "/"
                    + prefixLength + ": host bits are set; the network address is " + Ipv4Address.format(network & netmask));
        }
        for (Ipv4Prefix special : SPECIAL_RANGES) {
            int widerMask = Ipv4Address.netmask(Math.min(prefixLength, special.prefixLength()));
            if ((network & widerMask) == (special.network() & widerMask)) {
                throw new IllegalArgumentException("invalid enclave subnetwork " + Ipv4Address.format(network) + "/"
                        + prefixLength + ": it overlaps " + special + ", which is not unicast address space");
            }
        }
        if ((gateway & netmask) != network || gateway == network || gateway == (network | ~netmask)) {
            throw new IllegalArgumentException("invalid gateway " + Ipv4Address.format(gateway) + " for enclave subnetwork "
                    + Ipv4Address.format(network) + "/" + prefixLength + ": it must be a host address inside the subnetwork");
        }
    }

    /** Parses {@code a.b.c.d/n} with the gateway given separately. */
    public static Subnet parse(int id, String cidr, String gateway) {
        Ipv4Prefix prefix = Ipv4Prefix.parse(cidr);
        return new Subnet(id, prefix.network(), prefix.prefixLength(), Ipv4Address.parse(gateway));
    }

    public int netmask() {
        return Ipv4Address.netmask(prefixLength);
    }

    public int broadcast() {
        return network | ~netmask();
    }

    /** Returns the number of addresses in the prefix, network and broadcast included. */
    public int size() {
        return 1 << (32 - prefixLength);
    }

    /** Returns how many enclaves the subnetwork can hold at once. */
    public int capacity() {
        return size() - 3;
    }

    public boolean contains(int address) {
        return (address & netmask()) == network;
    }

    /** Returns the position of an address inside the prefix: 0 for the network address. */
    public int offsetOf(int address) {
        return address - network;
    }

    public boolean overlaps(Subnet other) {
        int widerMask = Ipv4Address.netmask(Math.min(prefixLength, other.prefixLength));
        return (network & widerMask) == (other.network & widerMask);
    }

    @Override
    public String toString() {
        return Ipv4Address.format(network) + "/" + prefixLength;
    }
}
