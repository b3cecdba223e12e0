package seng.store;

import seng.ip.Ipv4Address;

/**
 * Upstream's integer form of an IPv4 address or netmask: the four bytes in network order read as
 * a little-endian 32-bit integer, so 192.168.28.0 is {@code 0x001ca8c0}.
 *
 * <p>Upstream's SQL script writes hex literals, which SQLite stores as positive 64-bit integers
 * (255.255.255.192 becomes 3238002687), while a program that binds a signed 32-bit value stores the
 * negative form (-1056964609). Upstream's servers cast either to uint32, so both read the same here;
 * this project writes the positive form, as the script does.
 */
final class StoredAddress {
    private static final long UINT32_MAX = 0xFFFF_FFFFL;

    private StoredAddress() {
    }

    /** Returns the value to store for an address in network order. */
    static long encode(int address) {
        return Integer.toUnsignedLong(Ipv4Address.toLittleEndian(address));
    }

    /**
     * Returns the address in network order for a stored value.
     *
     * @throws IllegalArgumentException if the value fits neither the signed nor the unsigned 32-bit range
     */
    static int decode(long stored) {
        if (stored < Integer.MIN_VALUE || stored > UINT32_MAX) {
            throw new IllegalArgumentException("value " + stored + " is not a 32-bit integer");
        }
        return Ipv4Address.fromLittleEndian((int) stored);
    }
}
