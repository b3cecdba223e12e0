package seng.dtls;

/**
 * Reads the few DTLS record header fields the endpoint needs before Bouncy Castle sees a
 * datagram. Offsets are those of RFC 6347 section 4.1 (record header) and 4.2.2 (handshake header).
 */
final class DatagramInspector {
    static final int RECORD_HEADER_LENGTH = 13;
    private static final int HANDSHAKE_HEADER_LENGTH = 12;
    private static final int CONTENT_TYPE_HANDSHAKE = 22;
    private static final int HANDSHAKE_TYPE_CLIENT_HELLO = 1;

    /**
     * The largest handshake message a client may announce. RA-TLS certificates are 4–6 KB; Bouncy
     * Castle would otherwise allocate whatever length a fragment header claims, up to 16 MiB for
     * each of several messages buffered ahead.
     */
    static final int MAX_HANDSHAKE_MESSAGE_LENGTH = 32 * 1024;

    /**
     * The highest message sequence number of an unencrypted client handshake message: the
     * ClientHello with cookie is 1, then Certificate, ClientKeyExchange and CertificateVerify, and
     * a small margin. Bouncy Castle would otherwise buffer up to 16 messages ahead.
     */
    static final int MAX_CLIENT_MESSAGE_SEQUENCE = 8;

    private DatagramInspector() {
    }

    /** Checks whether the datagram starts with an unencrypted (epoch 0) ClientHello record. */
    static boolean isClientHello(byte[] datagram, int length) {
        return length > RECORD_HEADER_LENGTH
                && (datagram[0] & 0xFF) == CONTENT_TYPE_HANDSHAKE
                && epoch(datagram, 0) == 0
                && (datagram[RECORD_HEADER_LENGTH] & 0xFF) == HANDSHAKE_TYPE_CLIENT_HELLO;
    }

    /**
     * Checks every epoch-0 handshake record of the datagram against
     * {@link #MAX_HANDSHAKE_MESSAGE_LENGTH} and {@link #MAX_CLIENT_MESSAGE_SEQUENCE}. Records of
     * later epochs are encrypted, and Bouncy Castle only reassembles what it could decrypt, so they
     * are left to it.
     */
    static boolean isImplausibleHandshake(byte[] datagram, int length) {
        int record = 0;
        while (record + RECORD_HEADER_LENGTH <= length) {
            int fragmentLength = uint16(datagram, record + 11);
            boolean plainHandshake = (datagram[record] & 0xFF) == CONTENT_TYPE_HANDSHAKE && epoch(datagram, record) == 0;
            if (plainHandshake && fragmentLength >= HANDSHAKE_HEADER_LENGTH && record + RECORD_HEADER_LENGTH + 6 <= length) {
                int messageLength = uint24(datagram, record + RECORD_HEADER_LENGTH + 1);
                int messageSequence = uint16(datagram, record + RECORD_HEADER_LENGTH + 4);
                if (messageLength > MAX_HANDSHAKE_MESSAGE_LENGTH || messageSequence > MAX_CLIENT_MESSAGE_SEQUENCE) {
                    return true;
                }
            }
            record += RECORD_HEADER_LENGTH + fragmentLength;
        }
        return false;
    }

    /**
     * Returns the 32-byte random of a ClientHello that Bouncy Castle's verifier accepted, which
     * is always unfragmented: record header, handshake header, client_version, then the random.
     */
    static byte[] clientRandom(byte[] datagram) {
        int offset = RECORD_HEADER_LENGTH + HANDSHAKE_HEADER_LENGTH + 2;
        return java.util.Arrays.copyOfRange(datagram, offset, offset + 32);
    }

    private static int epoch(byte[] datagram, int record) {
        return uint16(datagram, record + 3);
    }

    private static int uint16(byte[] data, int offset) {
        return ((data[offset] & 0xFF) << 8) | (data[offset + 1] & 0xFF);
    }

    private static int uint24(byte[] data, int offset) {
        return ((data[offset] & 0xFF) << 16) | ((data[offset + 1] & 0xFF) << 8) | (data[offset + 2] & 0xFF);
    }
}
