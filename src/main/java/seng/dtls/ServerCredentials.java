package seng.dtls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMException;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsServerContext;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The server's private key and certificate. SENG clients pin the certificate byte for byte, so
 * the server uses exactly the pair the operator gives it, and checks at start that they match.
 */
public final class ServerCredentials {
    private static final int MIN_RSA_BITS = 2048;

    private final PrivateKey privateKey;
    private final PrivateKey signingKey;
    private final X509Certificate certificate;

    private ServerCredentials(PrivateKey privateKey, X509Certificate certificate) {
        this.privateKey = privateKey;
        this.signingKey = SengTlsCrypto.forSigning(privateKey);
        this.certificate = certificate;
    }

    /**
     * Loads a PEM certificate and a PEM private key (PKCS#8, or the SEC 1 / PKCS#1 files that
     * {@code openssl ecparam -genkey} and {@code openssl genrsa} write).
     *
     * @throws CredentialsException naming the file and the problem
     */
    public static ServerCredentials load(Path certificateFile, Path keyFile) throws CredentialsException {
        X509Certificate certificate = readCertificate(certificateFile);
        PublicKey publicKey = certificate.getPublicKey();
        if (publicKey instanceof RSAPublicKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new CredentialsException(certificateFile + ": RSA key of " + rsa.getModulus().bitLength()
                    + " bits is too weak; use at least " + MIN_RSA_BITS + " bits, or an ECDSA secp384r1 key");
        }
        if (!(publicKey instanceof RSAPublicKey) && !isSupportedCurve(publicKey)) {
            throw new CredentialsException(certificateFile + ": unsupported key type " + publicKey.getAlgorithm()
                    + "; use an ECDSA key on secp256r1 or secp384r1, or an RSA key");
        }
        PrivateKey privateKey = readPrivateKey(keyFile);
        if (!privateKey.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
            throw new CredentialsException(keyFile + ": " + privateKey.getAlgorithm() + " key does not match the "
                    + certificate.getPublicKey().getAlgorithm() + " certificate " + certificateFile);
        }
        if (!isKeyOf(privateKey, certificate.getPublicKey())) {
            throw new CredentialsException(keyFile + ": private key does not belong to the certificate " + certificateFile);
        }
        return new ServerCredentials(privateKey, certificate);
    }

    /** Generates a self-signed secp384r1 certificate, for the test mode and for servers started without one. */
    public static ServerCredentials generateSelfSigned(String commonName, Duration validity) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp384r1"));
            KeyPair keyPair = generator.generateKeyPair();

            Instant now = Instant.now();
            X500Name subject = new X500Name("CN=" + commonName);
            X509CertificateHolder holder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(64, new SecureRandom()), Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(validity)), subject, keyPair.getPublic())
                    .build(new JcaContentSignerBuilder("SHA384withECDSA").build(keyPair.getPrivate()));
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(holder.getEncoded()));
            return new ServerCredentials(keyPair.getPrivate(), certificate);
        } catch (GeneralSecurityException | OperatorCreationException | IOException e) {
            throw new IllegalStateException("cannot generate a server certificate: " + e.getMessage(), e);
        }
    }

    public X509Certificate certificate() {
        return certificate;
    }

    public boolean isEcdsa() {
        return certificate.getPublicKey() instanceof ECPublicKey;
    }

    /** Returns the SHA-256 fingerprint of the certificate in colon-separated hex, as openssl prints it. */
    public String fingerprint() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate.getEncoded());
            return HexFormat.ofDelimiter(":").withUpperCase().formatHex(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the certificate and the key as PEM; the key file is readable by its owner only. */
    public void writePem(Path certificateFile, Path keyFile) throws IOException {
        Files.writeString(certificateFile, toPem(certificate));
        Files.deleteIfExists(keyFile);
        Files.createFile(keyFile, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        Files.writeString(keyFile, toPem(pkcs8(privateKey)));
    }

    TlsCredentialedSigner signer(TlsServerContext context, JcaTlsCrypto crypto, short signatureAlgorithm)
            throws IOException {
        List<?> clientAlgorithms = context.getSecurityParametersHandshake().getClientSigAlgs();
        SignatureAndHashAlgorithm algorithm = TlsUtils.chooseSignatureAndHashAlgorithm(context,
                clientAlgorithms == null ? null : new java.util.Vector<>(clientAlgorithms), signatureAlgorithm);
        TlsCertificate tlsCertificate;
        try {
            tlsCertificate = crypto.createCertificate(certificate.getEncoded());
        } catch (CertificateException e) {
            throw new IOException(e);
        }
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, signingKey,
                new org.bouncycastle.tls.Certificate(new TlsCertificate[]{tlsCertificate}), algorithm);
    }

    private static X509Certificate readCertificate(Path file) throws CredentialsException {
        Object object = readFirstPemObject(file, "certificate");
        if (!(object instanceof X509CertificateHolder holder)) {
            throw new CredentialsException(file + ": expected a PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
        try {
            return (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new java.io.ByteArrayInputStream(holder.getEncoded()));
        } catch (CertificateException | IOException e) {
            throw new CredentialsException(file + ": invalid certificate: " + e.getMessage());
        }
    }

    private static PrivateKey readPrivateKey(Path file) throws CredentialsException {
        Object object = readFirstPemObject(file, "private key");
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try {
            return switch (object) {
                case PEMKeyPair pair -> converter.getPrivateKey(pair.getPrivateKeyInfo());
                case PrivateKeyInfo info -> converter.getPrivateKey(info);
                default -> throw new CredentialsException(file + ": expected an unencrypted PEM private key"
                        + " (PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY)");
            };
        } catch (PEMException e) {
            throw new CredentialsException(file + ": invalid private key: " + e.getMessage());
        }
    }

    /** Reads the first PEM object that is not an EC PARAMETERS block, which openssl ecparam writes first. */
    private static Object readFirstPemObject(Path file, String what) throws CredentialsException {
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.US_ASCII);
                PEMParser parser = new PEMParser(reader)) {
            Object object = parser.readObject();
            while (object instanceof ASN1ObjectIdentifier) {
                object = parser.readObject();
            }
            if (object == null) {
                throw new CredentialsException(file + ": no PEM " + what + " found");
            }
            return object;
        } catch (NoSuchFileException e) {
            throw new CredentialsException(file + ": " + what + " file not found");
        } catch (IOException | IllegalArgumentException e) {
            throw new CredentialsException(file + ": cannot read " + what + ": " + e.getMessage());
        }
    }

    /**
     * Checks for an EC key on P-256 or P-384, the curves the clients verify server signatures on.
     * The JDK parses certificates into named curves, whose description starts with the curve name.
     */
    private static boolean isSupportedCurve(PublicKey key) {
        if (!(key instanceof ECPublicKey ec)) {
            return false;
        }
        String curve = ec.getParams().toString();
        return curve.startsWith("secp256r1") || curve.startsWith("secp384r1");
    }

    /** Proves the pair by signing with the private key and verifying with the certificate's public key. */
    private static boolean isKeyOf(PrivateKey privateKey, PublicKey publicKey) {
        String algorithm = publicKey instanceof ECPublicKey ? "SHA256withECDSA" : "SHA256withRSA";
        byte[] challenge = new byte[32];
        new SecureRandom().nextBytes(challenge);
        try {
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(privateKey);
            signer.update(challenge);
            byte[] signature = signer.sign();

            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Wraps a key as PKCS#8, which OpenSSL reads for every key type; Bouncy Castle would otherwise write an EC key without its curve. */
    private static Object pkcs8(PrivateKey key) {
        try {
            return new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(key, null);
        } catch (org.bouncycastle.util.io.pem.PemGenerationException e) {
            throw new IllegalStateException("cannot encode the private key as PKCS#8: " + e.getMessage(), e);
        }
    }

    private static String toPem(Object object) {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return text.toString();
    }

    /** A key or certificate file that cannot be used, with a message naming the file. */
    public static final class CredentialsException extends Exception {
        public CredentialsException(String message) {
            super(message);
        }
    }
}
