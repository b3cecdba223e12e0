package seng.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.security.auth.x500.X500Principal;

import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import seng.attest.AttestationException.Reason;
import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.RaTlsCredentials;
import seng.client.TestIasAuthority;

/** Chains of three certificates: trusted root, signing CA in the evidence, report signing certificate. */
class IntermediateCaTest {
    private static final X500Principal ROOT = new X500Principal("CN=Test Root");
    private static final X500Principal INTERMEDIATE = new X500Principal("CN=Test Intermediate");
    private static final X500Principal SIGNING = new X500Principal("CN=Test Report Signing");

    private static KeyPair rootKeys;
    private static KeyPair intermediateKeys;
    private static KeyPair signingKeys;
    private static TestIasAuthority unusedAuthority;
    private static RaTlsCredentials template;
    private static byte[] reportJson;

    @BeforeAll
    static void generateKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        rootKeys = generator.generateKeyPair();
        intermediateKeys = generator.generateKeyPair();
        signingKeys = generator.generateKeyPair();

        unusedAuthority = TestIasAuthority.generate();
        template = new RaTlsCertificateBuilder(unusedAuthority, EnclaveIdentity.random()).build();
        reportJson = RaTlsEvidence.parse(template.certificateDer()).reportJson();
    }

    private static X509Certificate issue(X500Principal issuer, PrivateKey issuerKey, X500Principal subject,
            PublicKey subjectKey, BasicConstraints constraints, int keyUsage) throws Exception {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(now.toEpochMilli()),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(30))), subject, subjectKey)
                .addExtension(Extension.basicConstraints, true, constraints)
                .addExtension(Extension.keyUsage, true, new KeyUsage(keyUsage));
        byte[] der = builder.build(new JcaContentSignerBuilder("SHA256withRSA").build(issuerKey)).getEncoded();
        return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
    }

    private static X509Certificate root(BasicConstraints constraints) throws Exception {
        return issue(ROOT, rootKeys.getPrivate(), ROOT, rootKeys.getPublic(), constraints,
                KeyUsage.keyCertSign | KeyUsage.cRLSign);
    }

    private static X509Certificate intermediate(BasicConstraints constraints, int keyUsage) throws Exception {
        return issue(ROOT, rootKeys.getPrivate(), INTERMEDIATE, intermediateKeys.getPublic(), constraints, keyUsage);
    }

    private static X509Certificate signing() throws Exception {
        return issue(INTERMEDIATE, intermediateKeys.getPrivate(), SIGNING, signingKeys.getPublic(),
                new BasicConstraints(false), KeyUsage.digitalSignature);
    }

    private static byte[] certificateWith(X509Certificate signingCa, X509Certificate signing) throws Exception {
        Signature signature = Signature.getInstance("SHA256withRSA");
        signature.initSign(signingKeys.getPrivate());
        signature.update(reportJson);
        // The builder signs nothing when given evidence, so the authority only fills its parameter.
        return new RaTlsCertificateBuilder(unusedAuthority, EnclaveIdentity.random())
                .keyPair(template.keyPair())
                .evidence(reportJson, signingCa.getEncoded(), signing.getEncoded(), signature.sign())
                .build()
                .certificateDer();
    }

    private static EvidenceVerifier trusting(X509Certificate root) {
        return new EvidenceVerifier(TrustPolicy.builder(root).build(), Clock.systemUTC());
    }

    @Test
    void intermediateSignedByRootIsAccepted() throws Exception {
        X509Certificate root = root(new BasicConstraints(true));
        byte[] certificate = certificateWith(intermediate(new BasicConstraints(true), KeyUsage.keyCertSign), signing());

        Attestation attestation = trusting(root).verify(certificate);

        assertThat(attestation.quoteBytes()).isEqualTo(template.quote());
    }

    @Test
    void intermediateWithoutCaFlagIsRejected() throws Exception {
        X509Certificate root = root(new BasicConstraints(true));
        byte[] certificate = certificateWith(intermediate(new BasicConstraints(false), KeyUsage.keyCertSign), signing());

        AttestationException e = catchThrowableOfType(AttestationException.class, () -> trusting(root).verify(certificate));

        assertThat(e.reason()).isEqualTo(Reason.IAS_CHAIN_UNTRUSTED);
        assertThat(e.getMessage()).contains("not a CA certificate");
    }

    @Test
    void intermediateWithoutKeyCertSignIsRejected() throws Exception {
        X509Certificate root = root(new BasicConstraints(true));
        byte[] certificate = certificateWith(intermediate(new BasicConstraints(true), KeyUsage.digitalSignature), signing());

        AttestationException e = catchThrowableOfType(AttestationException.class, () -> trusting(root).verify(certificate));

        assertThat(e.reason()).isEqualTo(Reason.IAS_CHAIN_UNTRUSTED);
        assertThat(e.getMessage()).contains("keyCertSign");
    }

    @Test
    void rootWithPathLengthZeroAllowsNoIntermediate() throws Exception {
        X509Certificate root = root(new BasicConstraints(0));
        byte[] certificate = certificateWith(intermediate(new BasicConstraints(true), KeyUsage.keyCertSign), signing());

        AttestationException e = catchThrowableOfType(AttestationException.class, () -> trusting(root).verify(certificate));

        assertThat(e.reason()).isEqualTo(Reason.IAS_CHAIN_UNTRUSTED);
        assertThat(e.getMessage()).contains("pathLenConstraint 0");
    }

    @Test
    void signingCertificateWithoutDigitalSignatureIsRejected() throws Exception {
        X509Certificate root = root(new BasicConstraints(true));
        X509Certificate signing = issue(INTERMEDIATE, intermediateKeys.getPrivate(), SIGNING, signingKeys.getPublic(),
                new BasicConstraints(false), KeyUsage.keyEncipherment);
        byte[] certificate = certificateWith(intermediate(new BasicConstraints(true), KeyUsage.keyCertSign), signing);

        AttestationException e = catchThrowableOfType(AttestationException.class, () -> trusting(root).verify(certificate));

        assertThat(e.reason()).isEqualTo(Reason.IAS_CERTIFICATE_INVALID);
        assertThat(e.getMessage()).contains("digitalSignature");
    }
}
