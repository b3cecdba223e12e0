package seng.ip;

/**
 * Conversions for IPv4 addresses held as an {@code int} in network order: 192.168.28.2 is
 * {@code 0xC0A81C02}. The SENG wire format and the upstream database store the same four bytes
 * read as a little-endian integer instead; {@link #toLittleEndian} and {@link #fromLittleEndian}
 * translate at those two borders only.
 */
public final class Ipv4Address {
    private Ipv4Address() {
    }

    /**
     * Parses a dotted quad such as {@code 192.168.28.1}.
     *
     * @throws IllegalArgumentException if the text is not four decimal numbers from 0 to 255
     */
    public static int parse(String text) {
        String[] parts = text.split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("invalid IPv4 address '" + text + "': expected four dot-separated numbers");
        }

        int address = 0;
        for (String part : parts) {
            if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("invalid IPv4 address '" + text + "': '" + part + "' is not a number");
            }
            int octet = Integer.parseInt(part);
            if (octet > 255) {
                throw new IllegalArgumentException("invalid IPv4 address '" + text + "': " + octet + " is larger than 255");
            }
            address = (address << 8) | octet;
        }
        return address;
    }

    public static String format(int address) {
        return (address >>> 24) + "." + ((address >>> 16) & 0xFF) + "." + ((address >>> 8) & 0xFF) + "." + (address & 0xFF);
    }

    /** Returns the address bytes in network order read as a little-endian integer, as SENG stores them. */
    public static int toLittleEndian(int address) {
        return Integer.reverseBytes(address);
    }

    public static int fromLittleEndian(int littleEndian) {
        return Integer.reverseBytes(littleEndian);
    }

    public static int fromBytes(byte[] bytes, int offset) {
        return ((bytes[offset] & 0xFF) << 24) | ((bytes[offset + 1] & 0xFF) << 16)
                | ((bytes[offset + 2] & 0xFF) << 8) | (bytes[offset + 3] & 0xFF);
    }

    public static void toBytes(int address, byte[] bytes, int offset) {
        bytes[offset] = (byte) (address >>> 24);
        bytes[offset + 1] = (byte) (address >>> 16);
        bytes[offset + 2] = (byte) (address >>> 8);
        bytes[offset + 3] = (byte) address;
    }

    public static byte[] toBytes(int address) {
        byte[] bytes = new byte[4];
        toBytes(address, bytes, 0);
        return bytes;
    }

    /** Returns the netmask of a prefix length from 0 to 32, e.g. 24 gives 255.255.255.0. */
    public static int netmask(int prefixLength) {
        if (prefixLength < 0 || prefixLength > 32) {
            throw new IllegalArgumentException("invalid prefix length " + prefixLength + ": expected 0 to 32");
        }
        return prefixLength == 0 ? 0 : -1 << (32 - prefixLength);
    }

    /**
     * Returns the prefix length of a contiguous netmask.
     *
     * @throws IllegalArgumentException if the mask has a one bit after a zero bit
     */
    public static int prefixLength(int netmask) {
        int prefixLength = Integer.bitCount(netmask);
        if (netmask(prefixLength) != netmask) {
            throw new IllegalArgumentException("invalid netmask " + format(netmask) + ": its one bits are not contiguous");
        }
        return prefixLength;
    }
}
