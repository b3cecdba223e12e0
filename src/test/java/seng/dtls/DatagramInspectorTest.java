package seng.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatagramInspectorTest {

    @Test
    void epochZeroClientHelloIsRecognised() {
        byte[] record = handshakeRecord(0, 1, 200, 60);

        assertThat(DatagramInspector.isClientHello(record, record.length)).isTrue();
    }

    @Test
    void encryptedRecordIsNotClientHello() {
        byte[] record = handshakeRecord(1, 1, 200, 60);

        assertThat(DatagramInspector.isClientHello(record, record.length)).isFalse();
    }

    @Test
    void certificateOfNormalSizePasses() {
        byte[] record = handshakeRecord(0, 11, 6_000, 1_200);

        assertThat(DatagramInspector.isImplausibleHandshake(record, record.length)).isFalse();
    }

    @Test
    void fragmentClaimingHugeMessageIsCaught() {
        byte[] record = handshakeRecord(0, 11, 16 * 1024 * 1024 - 1, 100);

        assertThat(DatagramInspector.isImplausibleHandshake(record, record.length)).isTrue();
    }

    @Test
    void oversizedClaimInSecondRecordIsCaught() {
        byte[] first = handshakeRecord(0, 16, 100, 100);
        byte[] second = handshakeRecord(0, 11, 1_000_000, 50);
        byte[] datagram = new byte[first.length + second.length];
        System.arraycopy(first, 0, datagram, 0, first.length);
        System.arraycopy(second, 0, datagram, first.length, second.length);

        assertThat(DatagramInspector.isImplausibleHandshake(datagram, datagram.length)).isTrue();
    }

    @Test
    void fragmentFarAheadIsCaught() {
        byte[] record = handshakeRecord(0, 11, 6_000, 100);
        record[17] = 0;
        record[18] = 9;

        assertThat(DatagramInspector.isImplausibleHandshake(record, record.length)).isTrue();
    }

    @Test
    void truncatedRecordIsNotReadPastItsEnd() {
        byte[] record = handshakeRecord(0, 11, 1_000_000, 50);

        assertThat(DatagramInspector.isImplausibleHandshake(record, 15)).isFalse();
    }

    /** Builds one DTLS record holding a handshake fragment header that announces {@code messageLength}. */
    private static byte[] handshakeRecord(int epoch, int handshakeType, int messageLength, int fragmentLength) {
        byte[] record = new byte[13 + fragmentLength];
        record[0] = 22;
        record[1] = (byte) 0xFE;
        record[2] = (byte) 0xFD;
        record[3] = (byte) (epoch >>> 8);
        record[4] = (byte) epoch;
        record[11] = (byte) (fragmentLength >>> 8);
        record[12] = (byte) fragmentLength;
        record[13] = (byte) handshakeType;
        record[14] = (byte) (messageLength >>> 16);
        record[15] = (byte) (messageLength >>> 8);
        record[16] = (byte) messageLength;
        return record;
    }
}
