package seng.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Provider;
import java.security.SecureRandom;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.EdECPrivateKey;

import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** Signing and conversion steps shared by the test PKI's certificate builders. */
final class CertificateTools {
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A private instance, so the provider is not registered for the whole JVM. */
    private static final Provider BOUNCY_CASTLE = new BouncyCastleProvider();

    private CertificateTools() {
    }

    /** Returns a positive random serial number of 63 bits, well within the 20-octet limit of RFC 5280. */
    static BigInteger randomSerial() {
        return new BigInteger(63, RANDOM).add(BigInteger.ONE);
    }

    /** Returns the signature algorithm the test PKI uses for a key: SHA-256 based for RSA and EC. */
    static String signatureAlgorithm(PrivateKey key) {
        if (key instanceof EdECPrivateKey edwardsKey) {
            return edwardsKey.getParams().getName();
        }
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            default -> key.getAlgorithm();
        };
    }

    /** Signs the certificate with {@code issuerKey} and returns its DER encoding. */
    static byte[] sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) throws GeneralSecurityException {
        ContentSigner signer;
        try {
            signer = new JcaContentSignerBuilder(signatureAlgorithm(issuerKey)).build(issuerKey);
        } catch (OperatorCreationException | IllegalArgumentException e) {
            throw new GeneralSecurityException("no signer for a " + issuerKey.getAlgorithm() + " key: " + e.getMessage(), e);
        }
        try {
            return builder.build(signer).getEncoded();
        } catch (IOException e) {
            throw new GeneralSecurityException("the new certificate could not be encoded: " + e.getMessage(), e);
        }
    }

    /**
     * Parses a certificate with the JDK, or with Bouncy Castle when {@code compressedEcPoint} is
     * set, because the JDK rejects EC keys given as compressed points.
     */
    static X509Certificate parse(byte[] der, boolean compressedEcPoint) throws GeneralSecurityException {
        CertificateFactory factory = compressedEcPoint
                ? CertificateFactory.getInstance("X.509", BOUNCY_CASTLE)
                : CertificateFactory.getInstance("X.509");
        return (X509Certificate) factory.generateCertificate(new ByteArrayInputStream(der));
    }
}
