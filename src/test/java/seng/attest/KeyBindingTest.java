package seng.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;

import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import seng.attest.AttestationException.Reason;

class KeyBindingTest {

    private static KeyPair ecKeyPair(String curve) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec(curve));
        return generator.generateKeyPair();
    }

    private static byte[] unsigned(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        byte[] fixed = new byte[length];
        int copy = Math.min(bytes.length, length);
        System.arraycopy(bytes, bytes.length - copy, fixed, length - copy, copy);
        return fixed;
    }

    private static AttestationException rejection(byte[] spki) {
        return catchThrowableOfType(AttestationException.class, () -> KeyBinding.fromSubjectPublicKeyInfo(spki));
    }

    @ParameterizedTest
    @CsvSource({"secp256r1, 32", "secp384r1, 48", "secp521r1, 66"})
    void ecKeyIsEncodedAsUncompressedPoint(String curve, int coordinateLength) throws Exception {
        ECPublicKey key = (ECPublicKey) ecKeyPair(curve).getPublic();

        KeyBinding binding = KeyBinding.of(key);

        byte[] expected = new byte[1 + 2 * coordinateLength];
        expected[0] = 0x04;
        System.arraycopy(unsigned(key.getW().getAffineX(), coordinateLength), 0, expected, 1, coordinateLength);
        System.arraycopy(unsigned(key.getW().getAffineY(), coordinateLength), 0, expected, 1 + coordinateLength,
                coordinateLength);
        assertThat(binding.encodedKey()).isEqualTo(expected);
        assertThat(binding.publicKey()).isEqualTo(key);
        assertThat(binding.sha256()).isEqualTo(MessageDigest.getInstance("SHA-256").digest(expected));
    }

    @Test
    void compressedPointIsNormalized() throws Exception {
        ECPublicKey key = (ECPublicKey) ecKeyPair("secp384r1").getPublic();
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        X9ECParameters curve = ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp384r1);
        byte[] compressed = curve.getCurve().decodePoint(info.getPublicKeyData().getOctets()).getEncoded(true);
        byte[] compressedSpki = new SubjectPublicKeyInfo(info.getAlgorithm(), compressed).getEncoded();

        KeyBinding binding = KeyBinding.fromSubjectPublicKeyInfo(compressedSpki);

        assertThat(compressed).hasSize(49);
        assertThat(binding.encodedKey()).isEqualTo(KeyBinding.of(key).encodedKey()).hasSize(97);
        assertThat(binding.publicKey()).isEqualTo(key);
    }

    @Test
    void rsaKeyIsEncodedAsPkcs1() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        RSAPublicKey key = (RSAPublicKey) generator.generateKeyPair().getPublic();

        KeyBinding binding = KeyBinding.of(key);

        byte[] pkcs1 = new org.bouncycastle.asn1.pkcs.RSAPublicKey(key.getModulus(), key.getPublicExponent()).getEncoded();
        assertThat(binding.encodedKey()).isEqualTo(pkcs1);
        assertThat(binding.encodedKey()).isEqualTo(SubjectPublicKeyInfo.getInstance(key.getEncoded()).getPublicKeyData().getOctets());
        assertThat(binding.publicKey()).isEqualTo(key);
    }

    @Test
    void shortRsaKeyIsUnsupported() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);

        AttestationException e = rejection(generator.generateKeyPair().getPublic().getEncoded());

        assertThat(e.reason()).isEqualTo(Reason.KEY_TYPE_UNSUPPORTED);
        assertThat(e.getMessage()).contains("1024");
    }

    @Test
    void ed25519IsUnsupported() throws Exception {
        AttestationException e = rejection(KeyPairGenerator.getInstance("Ed25519").generateKeyPair().getPublic().getEncoded());

        assertThat(e.reason()).isEqualTo(Reason.KEY_TYPE_UNSUPPORTED);
    }

    @Test
    void otherCurveIsUnsupported() throws Exception {
        X9ECParameters secp256k1 = ECNamedCurveTable.getByName("secp256k1");
        byte[] point = secp256k1.getG().multiply(BigInteger.valueOf(7)).getEncoded(false);
        byte[] spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                SECObjectIdentifiers.secp256k1), point).getEncoded();

        AttestationException e = rejection(spki);

        assertThat(e.reason()).isEqualTo(Reason.KEY_TYPE_UNSUPPORTED);
        assertThat(e.getMessage()).contains(SECObjectIdentifiers.secp256k1.getId());
    }

    @Test
    void explicitCurveParametersAreUnsupported() throws Exception {
        X9ECParameters p256 = ECNamedCurveTable.getByOID(SECObjectIdentifiers.secp256r1);
        byte[] point = p256.getG().multiply(BigInteger.valueOf(7)).getEncoded(false);
        byte[] spki = new SubjectPublicKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey,
                new X962Parameters(p256)), point).getEncoded();

        assertThat(rejection(spki).reason()).isEqualTo(Reason.KEY_TYPE_UNSUPPORTED);
    }

    @Test
    void pointOffTheCurveIsInvalid() throws Exception {
        byte[] spki = ecKeyPair("secp256r1").getPublic().getEncoded();
        spki[spki.length - 1] ^= 1;

        AttestationException e = rejection(spki);

        assertThat(e.reason()).isEqualTo(Reason.CERTIFICATE_INVALID);
        assertThat(e.getMessage()).contains("secp256r1");
    }

    @Test
    void garbageIsInvalid() {
        assertThat(rejection(new byte[] {0x30, 0x03, 0x01, 0x02}).reason()).isEqualTo(Reason.CERTIFICATE_INVALID);
        assertThat(rejection(new byte[0]).reason()).isEqualTo(Reason.CERTIFICATE_INVALID);
    }

    @Test
    void encodedKeyIsCopied() throws Exception {
        KeyBinding binding = KeyBinding.of(ecKeyPair("secp256r1").getPublic());

        binding.encodedKey()[0] = 0;

        assertThat(binding.encodedKey()[0]).isEqualTo((byte) 0x04);
    }
}
