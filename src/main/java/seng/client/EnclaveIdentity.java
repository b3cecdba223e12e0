package seng.client;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The measurements and versions a simulated enclave reports in its quote. Arrays are copied on
 * the way in and out.
 *
 * @param mrEnclave 32 bytes
 * @param mrSigner 32 bytes
 * @param isvProdId 0 to 65535
 * @param isvSvn 0 to 65535
 * @param debug whether the quote sets the DEBUG attribute
 */
public record EnclaveIdentity(byte[] mrEnclave, byte[] mrSigner, int isvProdId, int isvSvn, boolean debug) {
    private static final SecureRandom RANDOM = new SecureRandom();

    public EnclaveIdentity {
        mrEnclave = requireMeasurement("MRENCLAVE", mrEnclave);
        mrSigner = requireMeasurement("MRSIGNER", mrSigner);
        requireUint16("ISV product id", isvProdId);
        requireUint16("ISV SVN", isvSvn);
    }

    /** Returns an identity with random measurements, ISV product id 0, ISV SVN 0 and no debug. */
    public static EnclaveIdentity random() {
        byte[] mrEnclave = new byte[32];
        byte[] mrSigner = new byte[32];
        RANDOM.nextBytes(mrEnclave);
        RANDOM.nextBytes(mrSigner);
        return new EnclaveIdentity(mrEnclave, mrSigner, 0, 0, false);
    }

    /**
     * Creates an identity from measurements written as 64 hex digits each.
     *
     * @throws IllegalArgumentException if a measurement is not 64 hex digits
     */
    public static EnclaveIdentity fromHex(String mrEnclaveHex, String mrSignerHex, int isvProdId, int isvSvn,
            boolean debug) {
        return new EnclaveIdentity(parseHex("MRENCLAVE", mrEnclaveHex), parseHex("MRSIGNER", mrSignerHex),
                isvProdId, isvSvn, debug);
    }

    public EnclaveIdentity withDebug(boolean debug) {
        return new EnclaveIdentity(mrEnclave, mrSigner, isvProdId, isvSvn, debug);
    }

    public EnclaveIdentity withIsvSvn(int isvSvn) {
        return new EnclaveIdentity(mrEnclave, mrSigner, isvProdId, isvSvn, debug);
    }

    @Override
    public byte[] mrEnclave() {
        return mrEnclave.clone();
    }

    @Override
    public byte[] mrSigner() {
        return mrSigner.clone();
    }

    public String mrEnclaveHex() {
        return HexFormat.of().formatHex(mrEnclave);
    }

    public String mrSignerHex() {
        return HexFormat.of().formatHex(mrSigner);
    }

    private static byte[] requireMeasurement(String name, byte[] measurement) {
        if (measurement.length != 32) {
            throw new IllegalArgumentException(name + " has " + measurement.length + " bytes: expected 32");
        }
        return measurement.clone();
    }

    private static void requireUint16(String name, int value) {
        if (value < 0 || value > 0xFFFF) {
            throw new IllegalArgumentException(name + " " + value + " is out of range: expected 0 to 65535");
        }
    }

    private static byte[] parseHex(String name, String hex) {
        if (hex.length() != 64) {
            throw new IllegalArgumentException(name + " '" + hex + "' has " + hex.length() + " characters: expected 64 hex digits");
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " '" + hex + "' is not hex: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EnclaveIdentity identity
                && Arrays.equals(mrEnclave, identity.mrEnclave)
                && Arrays.equals(mrSigner, identity.mrSigner)
                && isvProdId == identity.isvProdId
                && isvSvn == identity.isvSvn
                && debug == identity.debug;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(mrEnclave) * 31 + Arrays.hashCode(mrSigner);
    }

    @Override
    public String toString() {
        return "EnclaveIdentity[mrEnclave=" + mrEnclaveHex() + ", mrSigner=" + mrSignerHex() + ", isvProdId="
                + isvProdId + ", isvSvn=" + isvSvn + ", debug=" + debug + "]";
    }
}
