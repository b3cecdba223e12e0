package seng.attest;

import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

import seng.attest.AttestationException.Reason;

/**
 * A certificate's public key together with the encoding that an RA-TLS quote binds: the quote's
 * report_data starts with SHA-256 of {@link #encodedKey()}. For an EC key that encoding is the
 * uncompressed point {@code 0x04 || X || Y}, also when the certificate carries the compressed
 * form; for an RSA key it is the DER of the PKCS#1 {@code RSAPublicKey}.
 *
 * <p>{@code encodedKey} is copied on the way in and out, so instances are immutable.
 */
public record KeyBinding(PublicKey publicKey, byte[] encodedKey) {
    /** Shorter RSA keys are rejected: such a key would not protect the tunnel it authenticates. */
    public static final int MIN_RSA_KEY_BITS = 2048;
    /** The JDK's RSA provider accepts no larger modulus. */
    private static final int MAX_RSA_KEY_BITS = 16384;

    private static final Map<ASN1ObjectIdentifier, String> CURVE_NAMES = Map.of(
            SECObjectIdentifiers.secp256r1, "secp256r1",
            SECObjectIdentifiers.secp384r1, "secp384r1",
            SECObjectIdentifiers.secp521r1, "secp521r1");

    public KeyBinding {
        Objects.requireNonNull(publicKey, "publicKey");
        encodedKey = encodedKey.clone();
    }

    @Override
    public byte[] encodedKey() {
        return encodedKey.clone();
    }

    /** Returns SHA-256 of the encoded key: what report_data[0..32) must equal. */
    public byte[] sha256() {
        try {
            return MessageDigest.getInstance("SHA-256").digest(encodedKey);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    public static KeyBinding of(PublicKey key) throws AttestationException {
        return fromSubjectPublicKeyInfo(key.getEncoded());
    }

    /**
     * Decodes a DER {@code SubjectPublicKeyInfo}, as found in a certificate.
     *
     * @throws AttestationException with {@link Reason#KEY_TYPE_UNSUPPORTED} for a key that is
     *     neither RSA of at least {@value #MIN_RSA_KEY_BITS} bits nor EC on P-256, P-384 or P-521,
     *     and with {@link Reason#CERTIFICATE_INVALID} for a malformed key
     */
    public static KeyBinding fromSubjectPublicKeyInfo(byte[] spkiDer) throws AttestationException {
        SubjectPublicKeyInfo info;
        try {
            info = SubjectPublicKeyInfo.getInstance(ASN1Primitive.fromByteArray(spkiDer));
        } catch (IOException | RuntimeException e) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID,
                    "the certificate's SubjectPublicKeyInfo is not valid DER: " + e.getMessage(), e);
        }

        if (info == null) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID, "the certificate's SubjectPublicKeyInfo is empty");
        }

        ASN1ObjectIdentifier algorithm = info.getAlgorithm().getAlgorithm();
        if (algorithm.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            return fromEcKey(info);
        }
        if (algorithm.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            return fromRsaKey(info);
        }
        throw new AttestationException(Reason.KEY_TYPE_UNSUPPORTED, "the certificate's public key algorithm "
                + algorithm.getId() + " is not supported: expected RSA or EC on P-256, P-384 or P-521");
    }

    private static KeyBinding fromEcKey(SubjectPublicKeyInfo info) throws AttestationException {
        ASN1ObjectIdentifier curve = namedCurve(info);
        String curveName = CURVE_NAMES.get(curve);
        if (curveName == null) {
            throw new AttestationException(Reason.KEY_TYPE_UNSUPPORTED, "the certificate's EC key is on curve "
                    + curve.getId() + ", which is not supported: expected P-256, P-384 or P-521");
        }

        org.bouncycastle.math.ec.ECPoint point;
        try {
            X9ECParameters parameters = ECNamedCurveTable.getByOID(curve);
            // decodePoint also checks that the point lies on the curve.
            point = parameters.getCurve().decodePoint(info.getPublicKeyData().getOctets()).normalize();
        } catch (RuntimeException e) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID,
                    "the certificate's EC public key is not a valid point on " + curveName + ": " + e.getMessage(), e);
        }
        if (point.isInfinity()) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID,
                    "the certificate's EC public key is the point at infinity");
        }

        try {
            AlgorithmParameters jdkParameters = AlgorithmParameters.getInstance("EC");
            jdkParameters.init(new ECGenParameterSpec(curveName));
            ECPoint jdkPoint = new ECPoint(point.getAffineXCoord().toBigInteger(), point.getAffineYCoord().toBigInteger());
            PublicKey key = KeyFactory.getInstance("EC")
                    .generatePublic(new ECPublicKeySpec(jdkPoint, jdkParameters.getParameterSpec(ECParameterSpec.class)));
            return new KeyBinding(key, point.getEncoded(false));
        } catch (GeneralSecurityException e) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID,
                    "the JDK rejected the certificate's EC public key on " + curveName + ": " + e.getMessage(), e);
        }
    }

    private static ASN1ObjectIdentifier namedCurve(SubjectPublicKeyInfo info) throws AttestationException {
        X962Parameters parameters;
        try {
            parameters = X962Parameters.getInstance(info.getAlgorithm().getParameters());
        } catch (RuntimeException e) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID,
                    "the certificate's EC key parameters are malformed: " + e.getMessage(), e);
        }
        if (parameters == null || !parameters.isNamedCurve()) {
            throw new AttestationException(Reason.KEY_TYPE_UNSUPPORTED,
                    "the certificate's EC key has explicit or inherited curve parameters: expected a named curve");
        }
        return ASN1ObjectIdentifier.getInstance(parameters.getParameters());
    }

    private static KeyBinding fromRsaKey(SubjectPublicKeyInfo info) throws AttestationException {
        RSAPublicKey rsaKey;
        byte[] pkcs1Der;
        try {
            rsaKey = RSAPublicKey.getInstance(ASN1Primitive.fromByteArray(info.getPublicKeyData().getOctets()));
            // Re-encoding yields DER even if the certificate carried another BER form, as OpenSSL hashes DER.
            pkcs1Der = rsaKey.getEncoded(ASN1Encoding.DER);
        } catch (IOException | RuntimeException e) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID,
                    "the certificate's RSA public key is not a valid PKCS#1 RSAPublicKey: " + e.getMessage(), e);
        }

        BigInteger modulus = rsaKey.getModulus();
        BigInteger exponent = rsaKey.getPublicExponent();
        if (modulus.signum() <= 0 || exponent.compareTo(BigInteger.ONE) <= 0) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID,
                    "the certificate's RSA public key has a modulus or exponent that is not positive");
        }
        int bits = modulus.bitLength();
        if (bits < MIN_RSA_KEY_BITS || bits > MAX_RSA_KEY_BITS) {
            throw new AttestationException(Reason.KEY_TYPE_UNSUPPORTED, "the certificate's RSA key has " + bits
                    + " bits: expected " + MIN_RSA_KEY_BITS + " to " + MAX_RSA_KEY_BITS);
        }

        try {
            PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
            return new KeyBinding(key, pkcs1Der);
        } catch (GeneralSecurityException e) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID,
                    "the JDK rejected the certificate's RSA public key: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof KeyBinding binding
                && publicKey.equals(binding.publicKey) && Arrays.equals(encodedKey, binding.encodedKey);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encodedKey);
    }

    @Override
    public String toString() {
        return "KeyBinding[" + publicKey.getAlgorithm() + ", " + encodedKey.length + " encoded bytes]";
    }
}
