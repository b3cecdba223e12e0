package seng.client;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Objects;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;
import org.bouncycastle.util.io.pem.PemWriter;

/**
 * A stand-in for Intel's Attestation Service: an RSA-2048 root CA and an RSA-2048 report signing
 * certificate issued by it, as in Intel's real chain. Tests, the simulated enclave and the load
 * generator use it to sign IAS reports that a server trusting {@link #rootCertificate()} accepts.
 *
 * <p>Instances are immutable and thread-safe. {@link #writeTo} and {@link #readFrom} let separately
 * started processes share one authority.
 */
public final class TestIasAuthority {
    public static final X500Principal ROOT_SUBJECT = new X500Principal("CN=SENG Test IAS Root CA");
    public static final X500Principal SIGNING_SUBJECT = new X500Principal("CN=SENG Test IAS Report Signing");

    public static final String ROOT_CERTIFICATE_FILE = "ias-root-ca.pem";
    public static final String ROOT_KEY_FILE = "ias-root-ca-key.pem";
    public static final String SIGNING_CERTIFICATE_FILE = "ias-report-signing.pem";
    public static final String SIGNING_KEY_FILE = "ias-report-signing-key.pem";

    private static final int RSA_KEY_BITS = 2048;

    private final KeyPair rootKeys;
    private final KeyPair signingKeys;
    private final X509Certificate rootCertificate;
    private final X509Certificate signingCertificate;

    private TestIasAuthority(KeyPair rootKeys, KeyPair signingKeys, X509Certificate rootCertificate,
            X509Certificate signingCertificate) {
        this.rootKeys = rootKeys;
        this.signingKeys = signingKeys;
        this.rootCertificate = rootCertificate;
        this.signingCertificate = signingCertificate;
    }

    /** Generates an authority whose certificates are valid from one day ago for ten years. */
    public static TestIasAuthority generate() {
        Instant now = Instant.now();
        return generate(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(3653)));
    }

    /** Generates an authority whose two certificates are valid from {@code notBefore} to {@code notAfter}. */
    public static TestIasAuthority generate(Instant notBefore, Instant notAfter) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(RSA_KEY_BITS);
            return issue(generator.generateKeyPair(), generator.generateKeyPair(), notBefore, notAfter);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK could not generate an RSA-" + RSA_KEY_BITS + " test IAS authority", e);
        }
    }

    /**
     * Returns an authority with the same keys whose two certificates are re-issued with another
     * validity, which is much faster than generating new RSA keys.
     */
    public TestIasAuthority withValidity(Instant notBefore, Instant notAfter) {
        try {
            return issue(rootKeys, signingKeys, notBefore, notAfter);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK could not re-issue the test IAS certificates", e);
        }
    }

    private static TestIasAuthority issue(KeyPair rootKeys, KeyPair signingKeys, Instant notBefore, Instant notAfter)
            throws GeneralSecurityException {
        if (!notBefore.isBefore(notAfter)) {
            throw new IllegalArgumentException("validity start " + notBefore + " is not before its end " + notAfter);
        }
        JcaX509ExtensionUtils extensionUtils = new JcaX509ExtensionUtils();
        Date from = Date.from(notBefore);
        Date to = Date.from(notAfter);
        try {
            X509v3CertificateBuilder root = new JcaX509v3CertificateBuilder(ROOT_SUBJECT,
                    CertificateTools.randomSerial(), from, to, ROOT_SUBJECT, rootKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(true))
                    .addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign))
                    .addExtension(Extension.subjectKeyIdentifier, false,
                            extensionUtils.createSubjectKeyIdentifier(rootKeys.getPublic()));
            X509Certificate rootCertificate = CertificateTools.parse(CertificateTools.sign(root, rootKeys.getPrivate()), false);

            X509v3CertificateBuilder signing = new JcaX509v3CertificateBuilder(ROOT_SUBJECT,
                    CertificateTools.randomSerial(), from, to, SIGNING_SUBJECT, signingKeys.getPublic())
                    .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
                    .addExtension(Extension.keyUsage, true,
                            new KeyUsage(KeyUsage.digitalSignature | KeyUsage.nonRepudiation))
                    .addExtension(Extension.authorityKeyIdentifier, false,
                            extensionUtils.createAuthorityKeyIdentifier(rootKeys.getPublic()));
            X509Certificate signingCertificate =
                    CertificateTools.parse(CertificateTools.sign(signing, rootKeys.getPrivate()), false);
            return new TestIasAuthority(rootKeys, signingKeys, rootCertificate, signingCertificate);
        } catch (CertIOException e) {
            throw new GeneralSecurityException("a certificate extension could not be encoded: " + e.getMessage(), e);
        }
    }

    public X509Certificate rootCertificate() {
        return rootCertificate;
    }

    public X509Certificate signingCertificate() {
        return signingCertificate;
    }

    /** Signs a report as IAS does: RSA PKCS#1 v1.5 with SHA-256 over the exact bytes. */
    public byte[] sign(byte[] reportJson) {
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initSign(signingKeys.getPrivate());
            signature.update(reportJson);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK could not sign with the test IAS RSA key", e);
        }
    }

    /**
     * Writes the two certificates and the two PKCS#8 private keys as PEM files into {@code dir},
     * replacing files of the same names. Key files get mode 0600, certificate files 0644.
     */
    public void writeTo(Path dir) throws IOException {
        Files.createDirectories(dir);
        writePem(dir.resolve(ROOT_CERTIFICATE_FILE), "CERTIFICATE", encoded(rootCertificate), "rw-r--r--");
        writePem(dir.resolve(ROOT_KEY_FILE), "PRIVATE KEY", rootKeys.getPrivate().getEncoded(), "rw-------");
        writePem(dir.resolve(SIGNING_CERTIFICATE_FILE), "CERTIFICATE", encoded(signingCertificate), "rw-r--r--");
        writePem(dir.resolve(SIGNING_KEY_FILE), "PRIVATE KEY", signingKeys.getPrivate().getEncoded(), "rw-------");
    }

    /**
     * Reads an authority that {@link #writeTo} wrote.
     *
     * @throws IOException naming the file that is missing or malformed, or whose key does not
     *     match its certificate
     */
    public static TestIasAuthority readFrom(Path dir) throws IOException {
        X509Certificate rootCertificate = readCertificate(dir.resolve(ROOT_CERTIFICATE_FILE));
        PrivateKey rootKey = readPrivateKey(dir.resolve(ROOT_KEY_FILE), rootCertificate);
        X509Certificate signingCertificate = readCertificate(dir.resolve(SIGNING_CERTIFICATE_FILE));
        PrivateKey signingKey = readPrivateKey(dir.resolve(SIGNING_KEY_FILE), signingCertificate);
        try {
            signingCertificate.verify(rootCertificate.getPublicKey());
        } catch (GeneralSecurityException e) {
            throw new IOException(dir.resolve(SIGNING_CERTIFICATE_FILE) + " was not issued by the root CA in "
                    + dir.resolve(ROOT_CERTIFICATE_FILE) + ": " + e.getMessage(), e);
        }
        return new TestIasAuthority(new KeyPair(rootCertificate.getPublicKey(), rootKey),
                new KeyPair(signingCertificate.getPublicKey(), signingKey), rootCertificate, signingCertificate);
    }

    private static void writePem(Path file, String type, byte[] content, String permissions) throws IOException {
        StringWriter text = new StringWriter();
        try (PemWriter writer = new PemWriter(text)) {
            writer.writeObject(new PemObject(type, content));
        }
        // A temporary file is created with mode 0600, so a key is never readable by others, even briefly.
        Path temporary = Files.createTempFile(file.toAbsolutePath().getParent(), ".ias-", ".tmp");
        try {
            Files.writeString(temporary, text.toString(), StandardCharsets.US_ASCII);
            Files.setPosixFilePermissions(temporary, PosixFilePermissions.fromString(permissions));
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temporary);
        }
    }

    private static byte[] readPem(Path file, String type) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IOException("test IAS authority file " + file + " not found", e);
        }
        try (PemReader reader = new PemReader(new StringReader(text))) {
            PemObject object = reader.readPemObject();
            if (object == null || !object.getType().equals(type)) {
                throw new IOException("test IAS authority file " + file + " does not start with a PEM " + type + " block");
            }
            return object.getContent();
        } catch (RuntimeException e) {
            throw new IOException("test IAS authority file " + file + " is not valid PEM: " + e.getMessage(), e);
        }
    }

    private static X509Certificate readCertificate(Path file) throws IOException {
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(readPem(file, "CERTIFICATE")));
        } catch (CertificateException e) {
            throw new IOException("test IAS authority file " + file + " contains no valid certificate: " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPrivateKey(Path file, X509Certificate certificate) throws IOException {
        PrivateKey key;
        try {
            key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(readPem(file, "PRIVATE KEY")));
        } catch (GeneralSecurityException e) {
            throw new IOException("test IAS authority file " + file + " contains no valid PKCS#8 RSA key: " + e.getMessage(), e);
        }
        boolean matches = key instanceof RSAPrivateCrtKey crtKey
                && certificate.getPublicKey() instanceof RSAPublicKey publicKey
                && crtKey.getModulus().equals(publicKey.getModulus())
                && crtKey.getPublicExponent().equals(publicKey.getPublicExponent());
        if (!matches) {
            throw new IOException("the key in test IAS authority file " + file + " does not belong to the certificate "
                    + certificate.getSubjectX500Principal());
        }
        return key;
    }

    private static byte[] encoded(X509Certificate certificate) throws IOException {
        try {
            return certificate.getEncoded();
        } catch (CertificateException e) {
            throw new IOException("certificate " + certificate.getSubjectX500Principal() + " could not be encoded", e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TestIasAuthority authority
                && rootCertificate.equals(authority.rootCertificate)
                && signingCertificate.equals(authority.signingCertificate);
    }

    @Override
    public int hashCode() {
        return Objects.hash(rootCertificate, signingCertificate);
    }

    /** Names the certificates only, never key material. */
    @Override
    public String toString() {
        return "TestIasAuthority[root=" + rootCertificate.getSubjectX500Principal() + ", valid "
                + rootCertificate.getNotBefore().toInstant() + " to " + rootCertificate.getNotAfter().toInstant() + "]";
    }
}
