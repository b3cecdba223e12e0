package seng.ip;

/** The ones' complement checksum of RFC 1071, used by the IPv4 header and by ICMP. */
public final class InternetChecksum {
    private InternetChecksum() {
    }

    /** Returns the checksum of the range; over a range that already holds a correct checksum it is 0. */
    public static int compute(byte[] data, int offset, int length) {
        long sum = 0;
        int end = offset + length;
        int index = offset;
        for (; index + 1 < end; index += 2) {
            sum += ((data[index] & 0xFF) << 8) | (data[index + 1] & 0xFF);
        }
        if (index < end) {
            sum += (data[index] & 0xFF) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        return (int) (~sum & 0xFFFF);
    }
}
