package seng.client;

import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Objects;

/**
 * A simulated enclave's RA-TLS key pair and certificate, as {@link RaTlsCertificateBuilder} made
 * them. Arrays are copied on the way in and out.
 *
 * @param certificateDer the encoding of {@code certificate}
 * @param quote the 432 quote bytes the certificate's IAS report carries
 */
public record RaTlsCredentials(KeyPair keyPair, X509Certificate certificate, byte[] certificateDer, byte[] quote) {

    public RaTlsCredentials {
        Objects.requireNonNull(keyPair, "keyPair");
        Objects.requireNonNull(certificate, "certificate");
        certificateDer = certificateDer.clone();
        quote = quote.clone();
    }

    @Override
    public byte[] certificateDer() {
        return certificateDer.clone();
    }

    @Override
    public byte[] quote() {
        return quote.clone();
    }

    /** Compares the certificates only, which contain the public key and the evidence. */
    @Override
    public boolean equals(Object other) {
        return other instanceof RaTlsCredentials credentials
                && Arrays.equals(certificateDer, credentials.certificateDer);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(certificateDer);
    }

    /** Names the key algorithm and the subject only, never key material. */
    @Override
    public String toString() {
        return "RaTlsCredentials[" + keyPair.getPublic().getAlgorithm() + " key, "
                + certificate.getSubjectX500Principal() + ", " + certificateDer.length + " bytes]";
    }
}
