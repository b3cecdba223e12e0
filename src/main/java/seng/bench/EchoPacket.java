package seng.bench;

import seng.ip.IcmpEcho;
import seng.ip.InternetChecksum;
import seng.ip.Ipv4Packet;

/**
 * One enclave's ICMP echo request, built once and restamped for every ping so the ping loop does
 * not allocate. The first 8 payload bytes carry the {@link System#nanoTime} of sending, so a
 * reply carries its own send time and replies may be matched out of order. Not thread-safe: one
 * sender uses it.
 */
final class EchoPacket {
    /** The payload must hold the 8-byte send time. */
    static final int MIN_PAYLOAD = 8;

    private static final int ICMP_OFFSET = Ipv4Packet.MIN_HEADER_LENGTH;
    private static final int SEQUENCE_OFFSET = ICMP_OFFSET + 6;
    private static final int TIMESTAMP_OFFSET = ICMP_OFFSET + 8;

    private final byte[] request;
    private final int identifier;
    private int sequence;

    EchoPacket(int source, int destination, int identifier, int payload) {
        if (payload < MIN_PAYLOAD) {
            throw new IllegalArgumentException("payload " + payload + " is shorter than the " + MIN_PAYLOAD + "-byte send time");
        }
        this.identifier = identifier & 0xFFFF;
        this.request = IcmpEcho.request(source, destination, this.identifier, 0, new byte[payload]);
    }

    int identifier() {
        return identifier;
    }

    /** Returns the IPv4 packet length, header included. */
    int length() {
        return request.length;
    }

    /**
     * Writes the next sequence number and the send time into the request and fixes the ICMP
     * checksum.
     *
     * @return the request, the same array every time; valid until the next call
     */
    byte[] stamp(long sendNanos) {
        sequence = (sequence + 1) & 0xFFFF;
        request[SEQUENCE_OFFSET] = (byte) (sequence >>> 8);
        request[SEQUENCE_OFFSET + 1] = (byte) sequence;
        for (int index = 0; index < 8; index++) {
            request[TIMESTAMP_OFFSET + index] = (byte) (sendNanos >>> (56 - 8 * index));
        }
        request[ICMP_OFFSET + 2] = 0;
        request[ICMP_OFFSET + 3] = 0;
        int checksum = InternetChecksum.compute(request, ICMP_OFFSET, request.length - ICMP_OFFSET);
        request[ICMP_OFFSET + 2] = (byte) (checksum >>> 8);
        request[ICMP_OFFSET + 3] = (byte) checksum;
        return request;
    }

    /** Returns the sequence number of the last {@link #stamp}. */
    int sequence() {
        return sequence;
    }

    /** Checks whether a received packet is an echo reply to this enclave's requests. */
    boolean isReply(byte[] packet, int length) {
        return IcmpEcho.isEcho(packet, length, IcmpEcho.TYPE_ECHO_REPLY)
                && Ipv4Packet.headerLength(packet) == ICMP_OFFSET
                && length >= TIMESTAMP_OFFSET + 8
                && IcmpEcho.identifier(packet) == identifier;
    }

    /** Returns the send time a reply carries; only valid when {@link #isReply} holds. */
    static long sendNanos(byte[] reply) {
        long nanos = 0;
        for (int index = 0; index < 8; index++) {
            nanos = (nanos << 8) | (reply[TIMESTAMP_OFFSET + index] & 0xFF);
        }
        return nanos;
    }

    /** Returns the sequence number of a reply; only valid when {@link #isReply} holds. */
    static int sequence(byte[] reply) {
        return IcmpEcho.sequence(reply);
    }
}
