package seng.ip;

/**
 * Reads and writes the fields of an IPv4 packet in place, in a byte array that holds one packet
 * starting at offset 0. The methods never allocate: they sit on the per-packet path.
 */
public final class Ipv4Packet {
    public static final int MIN_HEADER_LENGTH = 20;
    public static final int PROTOCOL_ICMP = 1;

    private Ipv4Packet() {
    }

    /**
     * Checks that {@code length} bytes form a well-formed IPv4 header: version 4, a header length
     * of at least 20 bytes that fits, and a total length equal to {@code length}.
     */
    public static boolean isWellFormed(byte[] packet, int length) {
        if (length < MIN_HEADER_LENGTH) {
            return false;
        }
        if (version(packet) != 4) {
            return false;
        }
        int headerLength = headerLength(packet);
        return headerLength >= MIN_HEADER_LENGTH && headerLength <= length && totalLength(packet) == length;
    }

    public static int version(byte[] packet) {
        return (packet[0] & 0xF0) >>> 4;
    }

    public static int headerLength(byte[] packet) {
        return (packet[0] & 0x0F) * 4;
    }

    public static int totalLength(byte[] packet) {
        return ((packet[2] & 0xFF) << 8) | (packet[3] & 0xFF);
    }

    public static int ttl(byte[] packet) {
        return packet[8] & 0xFF;
    }

    public static int protocol(byte[] packet) {
        return packet[9] & 0xFF;
    }

    public static int source(byte[] packet) {
        return Ipv4Address.fromBytes(packet, 12);
    }

    public static int destination(byte[] packet) {
        return Ipv4Address.fromBytes(packet, 16);
    }

    public static void setSource(byte[] packet, int address) {
        Ipv4Address.toBytes(address, packet, 12);
    }

    public static void setDestination(byte[] packet, int address) {
        Ipv4Address.toBytes(address, packet, 16);
    }

    /** Recomputes the header checksum after the header was changed. */
    public static void updateHeaderChecksum(byte[] packet) {
        packet[10] = 0;
        packet[11] = 0;
        int checksum = InternetChecksum.compute(packet, 0, headerLength(packet));
        packet[10] = (byte) (checksum >>> 8);
        packet[11] = (byte) checksum;
    }

    public static boolean hasValidHeaderChecksum(byte[] packet) {
        return InternetChecksum.compute(packet, 0, headerLength(packet)) == 0;
    }
}
