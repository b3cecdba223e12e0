package seng.server;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.concurrent.ConcurrentHashMap;

import seng.attest.Attestation;

/**
 * The attestations of tunnel #1 certificates whose tunnel #2 has not come yet. SENG clients
 * present the same certificate on both tunnels, and verifying the same bytes again would give the
 * same result, so a tunnel #2 from the same host with a byte-identical certificate reuses it. The
 * tunnel #2 handshake still proves that the client possesses the certificate's key.
 */
final class VerifiedCertificates {
    private final ConcurrentHashMap<Key, Attestation> attestations = new ConcurrentHashMap<>();

    static byte[] digest(byte[] certificateDer) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(certificateDer);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    void put(InetAddress host, byte[] digest, Attestation attestation) {
        attestations.put(new Key(host, ByteBuffer.wrap(digest)), attestation);
    }

    /** Returns the attestation of a waiting tunnel #1's certificate with this digest from this host, or null. */
    Attestation get(InetAddress host, byte[] digest) {
        return attestations.get(new Key(host, ByteBuffer.wrap(digest)));
    }

    void remove(InetAddress host, byte[] digest, Attestation attestation) {
        attestations.remove(new Key(host, ByteBuffer.wrap(digest)), attestation);
    }

    private record Key(InetAddress host, ByteBuffer digest) {
    }
}
