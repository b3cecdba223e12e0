package seng.attest;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;

import seng.attest.AttestationException.Reason;

/**
 * An EPID {@code sgx_quote_t} without its signature, as IAS returns it in isvEnclaveQuoteBody:
 * a 48-byte header followed by the 384-byte report body. Integers are little-endian; the
 * accessors decode them on each call from the raw bytes, which are the only state.
 *
 * <p>Equality is byte equality, which is how the server pairs the two tunnels of one
 * application. Unsigned 32-bit fields are returned as {@code int} bit patterns (use
 * {@link Integer#toUnsignedLong}), unsigned 64-bit ones as {@code long} bit patterns.
 */
public record SgxQuote(byte[] bytes) {
    public static final int LENGTH = 432;

    private static final int REPORT_BODY = 48;
    /** Bit 1 of the attribute flags marks an enclave launched in debug mode. */
    private static final long DEBUG_FLAG = 0x2;

    /**
     * Copies the bytes of a quote.
     *
     * @throws IllegalArgumentException unless there are exactly {@value #LENGTH} bytes
     */
    public SgxQuote {
        if (bytes.length != LENGTH) {
            throw new IllegalArgumentException("an SGX quote has " + LENGTH + " bytes, not " + bytes.length);
        }
        bytes = bytes.clone();
    }

    /** Parses a quote body taken from an IAS report. */
    public static SgxQuote parse(byte[] quote) throws AttestationException {
        if (quote.length != LENGTH) {
            throw new AttestationException(Reason.QUOTE_INVALID,
                    "isvEnclaveQuoteBody has " + quote.length + " bytes: expected " + LENGTH);
        }
        return new SgxQuote(quote);
    }

    /** Returns a copy of the 432 raw bytes. */
    @Override
    public byte[] bytes() {
        return bytes.clone();
    }

    public int version() {
        return uint16(0);
    }

    public int signType() {
        return uint16(2);
    }

    public int epidGroupId() {
        return int32(4);
    }

    public int qeSvn() {
        return uint16(8);
    }

    public int pceSvn() {
        return uint16(10);
    }

    public int xeid() {
        return int32(12);
    }

    public byte[] basename() {
        return slice(16, 32);
    }

    public byte[] cpuSvn() {
        return slice(REPORT_BODY, 16);
    }

    public int miscSelect() {
        return int32(REPORT_BODY + 16);
    }

    public byte[] isvExtProdId() {
        return slice(REPORT_BODY + 32, 16);
    }

    public long attributeFlags() {
        return int64(REPORT_BODY + 48);
    }

    public long attributeXfrm() {
        return int64(REPORT_BODY + 56);
    }

    public byte[] mrEnclave() {
        return slice(REPORT_BODY + 64, 32);
    }

    public byte[] mrSigner() {
        return slice(REPORT_BODY + 128, 32);
    }

    public byte[] configId() {
        return slice(REPORT_BODY + 192, 64);
    }

    public int isvProdId() {
        return uint16(REPORT_BODY + 256);
    }

    public int isvSvn() {
        return uint16(REPORT_BODY + 258);
    }

    public int configSvn() {
        return uint16(REPORT_BODY + 260);
    }

    public byte[] isvFamilyId() {
        return slice(REPORT_BODY + 304, 16);
    }

    /** Returns the 64 bytes the enclave chose; RA-TLS puts the key hash in the first 32. */
    public byte[] reportData() {
        return slice(REPORT_BODY + 320, 64);
    }

    public boolean isDebug() {
        return (attributeFlags() & DEBUG_FLAG) != 0;
    }

    public String mrEnclaveHex() {
        return HexFormat.of().formatHex(bytes, REPORT_BODY + 64, REPORT_BODY + 96);
    }

    public String mrSignerHex() {
        return HexFormat.of().formatHex(bytes, REPORT_BODY + 128, REPORT_BODY + 160);
    }

    private int uint16(int offset) {
        return Short.toUnsignedInt(littleEndian().getShort(offset));
    }

    private int int32(int offset) {
        return littleEndian().getInt(offset);
    }

    private long int64(int offset) {
        return littleEndian().getLong(offset);
    }

    private ByteBuffer littleEndian() {
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    private byte[] slice(int offset, int length) {
        return Arrays.copyOfRange(bytes, offset, offset + length);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SgxQuote quote && Arrays.equals(bytes, quote.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "SgxQuote[mrEnclave=" + mrEnclaveHex() + ", mrSigner=" + mrSignerHex() + ", isvProdId=" + isvProdId()
                + ", isvSvn=" + isvSvn() + ", debug=" + isDebug() + "]";
    }
}
