package seng.ip;

/**
 * An IPv4 prefix such as {@code 127.0.0.0/26}: a network address in network order (see
 * {@link Ipv4Address}) and a prefix length from 0 to 32. The network address has no host bits set.
 */
public record Ipv4Prefix(int network, int prefixLength) {

    public Ipv4Prefix {
        int netmask = Ipv4Address.netmask(prefixLength);
        if ((network & ~netmask) != 0) {
            throw new IllegalArgumentException("invalid prefix " + Ipv4Address.format(network) + "/" + prefixLength
                    + ": host bits are set; the network address is " + Ipv4Address.format(network & netmask));
        }
    }

    /** Returns the prefix of length {@code prefixLength} that contains {@code address}, clearing its host bits. */
    public static Ipv4Prefix containing(int address, int prefixLength) {
        return new Ipv4Prefix(address & Ipv4Address.netmask(prefixLength), prefixLength);
    }

    /**
     * Parses CIDR notation such as {@code 127.0.0.0/26}.
     *
     * @throws IllegalArgumentException if the text is not CIDR notation, or host bits are set
     */
    public static Ipv4Prefix parse(String cidr) {
        int slash = cidr.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("invalid prefix '" + cidr + "': expected CIDR notation such as 127.0.0.0/26");
        }
        String length = cidr.substring(slash + 1);
        if (length.isEmpty() || length.length() > 2 || !length.chars().allMatch(Character::isDigit)) {
            throw new IllegalArgumentException("invalid prefix '" + cidr + "': the prefix length is not a number from 0 to 32");
        }
        int prefixLength = Integer.parseInt(length);
        if (prefixLength > 32) {
            throw new IllegalArgumentException("invalid prefix '" + cidr + "': the prefix length must be from 0 to 32");
        }
        return new Ipv4Prefix(Ipv4Address.parse(cidr.substring(0, slash)), prefixLength);
    }

    public int netmask() {
        return Ipv4Address.netmask(prefixLength);
    }

    public boolean contains(int address) {
        return (address & netmask()) == network;
    }

    @Override
    public String toString() {
        return Ipv4Address.format(network) + "/" + prefixLength;
    }
}
