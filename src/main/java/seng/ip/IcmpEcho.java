package seng.ip;

/**
 * ICMP echo request and reply (RFC 792) inside IPv4, as the simulated enclave sends them and the
 * loopback gateway answers them.
 */
public final class IcmpEcho {
    public static final int TYPE_ECHO_REPLY = 0;
    public static final int TYPE_ECHO_REQUEST = 8;

    private static final int ICMP_HEADER_LENGTH = 8;
    private static final int DEFAULT_TTL = 64;

    private IcmpEcho() {
    }

    /** Builds an IPv4 packet with an ICMP echo request carrying {@code payload}. */
    public static byte[] request(int source, int destination, int identifier, int sequence, byte[] payload) {
        int length = Ipv4Packet.MIN_HEADER_LENGTH + ICMP_HEADER_LENGTH + payload.length;
        byte[] packet = new byte[length];

        packet[0] = 0x45;
        packet[2] = (byte) (length >>> 8);
        packet[3] = (byte) length;
        packet[6] = 0x40; // don't fragment
        packet[8] = DEFAULT_TTL;
        packet[9] = Ipv4Packet.PROTOCOL_ICMP;
        Ipv4Packet.setSource(packet, source);
        Ipv4Packet.setDestination(packet, destination);
        Ipv4Packet.updateHeaderChecksum(packet);

        int icmp = Ipv4Packet.MIN_HEADER_LENGTH;
        packet[icmp] = TYPE_ECHO_REQUEST;
        packet[icmp + 4] = (byte) (identifier >>> 8);
        packet[icmp + 5] = (byte) identifier;
        packet[icmp + 6] = (byte) (sequence >>> 8);
        packet[icmp + 7] = (byte) sequence;
        System.arraycopy(payload, 0, packet, icmp + ICMP_HEADER_LENGTH, payload.length);
        updateIcmpChecksum(packet, length);
        return packet;
    }

    /** Checks for a well-formed IPv4 packet carrying an ICMP message of the given type. */
    public static boolean isEcho(byte[] packet, int length, int type) {
        if (!Ipv4Packet.isWellFormed(packet, length) || Ipv4Packet.protocol(packet) != Ipv4Packet.PROTOCOL_ICMP) {
            return false;
        }
        int icmp = Ipv4Packet.headerLength(packet);
        return length - icmp >= ICMP_HEADER_LENGTH && (packet[icmp] & 0xFF) == type && packet[icmp + 1] == 0;
    }

    public static int identifier(byte[] packet) {
        int icmp = Ipv4Packet.headerLength(packet);
        return ((packet[icmp + 4] & 0xFF) << 8) | (packet[icmp + 5] & 0xFF);
    }

    public static int sequence(byte[] packet) {
        int icmp = Ipv4Packet.headerLength(packet);
        return ((packet[icmp + 6] & 0xFF) << 8) | (packet[icmp + 7] & 0xFF);
    }

    /**
     * Turns an echo request into its reply in place: swaps the addresses, sets the type to reply
     * and fixes both checksums. The identifier, sequence number and payload stay as they were.
     */
    public static void turnIntoReply(byte[] packet, int length) {
        int source = Ipv4Packet.source(packet);
        Ipv4Packet.setSource(packet, Ipv4Packet.destination(packet));
        Ipv4Packet.setDestination(packet, source);
        packet[8] = DEFAULT_TTL;
        Ipv4Packet.updateHeaderChecksum(packet);

        packet[Ipv4Packet.headerLength(packet)] = TYPE_ECHO_REPLY;
        updateIcmpChecksum(packet, length);
    }

    private static void updateIcmpChecksum(byte[] packet, int length) {
        int icmp = Ipv4Packet.headerLength(packet);
        packet[icmp + 2] = 0;
        packet[icmp + 3] = 0;
        int checksum = InternetChecksum.compute(packet, icmp, length - icmp);
        packet[icmp + 2] = (byte) (checksum >>> 8);
        packet[icmp + 3] = (byte) checksum;
    }
}
