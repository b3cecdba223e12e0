package seng.store;

import java.util.Arrays;
import java.util.HexFormat;

import seng.ip.Ipv4Prefix;

/**
 * One row of the {@code apps} table: an enclave measurement allowed from a host subnet, and the
 * enclave subnetwork it gets its address from. The arrays are copied on the way in and out.
 *
 * @param mrEnclave 32 bytes
 * @param mrSigner 32 bytes; upstream stored it but never compared it
 * @param hostSubnet the client hosts this row admits
 * @param enclaveSubnetId the {@code enclave_subnets} row of the addresses
 */
public record AppRow(int id, String name, byte[] mrEnclave, byte[] mrSigner, Ipv4Prefix hostSubnet, int enclaveSubnetId) {
    public static final int MEASUREMENT_LENGTH = 32;

    public AppRow {
        mrEnclave = requireMeasurement("MRENCLAVE", mrEnclave);
        mrSigner = requireMeasurement("MRSIGNER", mrSigner);
    }

    /**
     * Parses a measurement written as 64 hex digits.
     *
     * @param name {@code MRENCLAVE} or {@code MRSIGNER}, for the message
     * @throws IllegalArgumentException if the text is not 64 hex digits
     */
    public static byte[] parseMeasurement(String name, String hex) {
        if (hex.length() != 2 * MEASUREMENT_LENGTH) {
            throw new IllegalArgumentException("invalid " + name + " '" + hex + "': it has " + hex.length()
                    + " characters, expected " + 2 * MEASUREMENT_LENGTH + " hex digits (32 bytes)");
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid " + name + " '" + hex + "': it is not hexadecimal", e);
        }
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
        if (measurement.length != MEASUREMENT_LENGTH) {
            throw new IllegalArgumentException(name + " has " + measurement.length + " bytes, expected " + MEASUREMENT_LENGTH);
        }
        return measurement.clone();
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof AppRow row && id == row.id && name.equals(row.name)
                && Arrays.equals(mrEnclave, row.mrEnclave) && Arrays.equals(mrSigner, row.mrSigner)
                && hostSubnet.equals(row.hostSubnet) && enclaveSubnetId == row.enclaveSubnetId;
    }

    @Override
    public int hashCode() {
        return id * 31 + Arrays.hashCode(mrEnclave);
    }

    @Override
    public String toString() {
        return "AppRow[id=" + id + ", name=" + name + ", mrEnclave=" + mrEnclaveHex() + ", mrSigner=" + mrSignerHex()
                + ", hostSubnet=" + hostSubnet + ", enclaveSubnetId=" + enclaveSubnetId + "]";
    }
}
