package seng.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestIasAuthorityTest {
    private static TestIasAuthority authority;

    @TempDir
    Path dir;

    @BeforeAll
    static void generate() {
        authority = TestIasAuthority.generate();
    }

    private static boolean verifies(X509Certificate signer, byte[] data, byte[] signature) throws Exception {
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(signer.getPublicKey());
        verifier.update(data);
        return verifier.verify(signature);
    }

    @Test
    void rootIsSelfSignedCa() throws Exception {
        X509Certificate root = authority.rootCertificate();

        root.verify(root.getPublicKey());
        assertThat(root.getSubjectX500Principal().getName()).isEqualTo("CN=SENG Test IAS Root CA");
        assertThat(root.getIssuerX500Principal()).isEqualTo(root.getSubjectX500Principal());
        assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
        assertThat(root.getPublicKey().getAlgorithm()).isEqualTo("RSA");
        assertThat(root.getSigAlgName()).isEqualTo("SHA256withRSA");
    }

    @Test
    void defaultValidityIsYesterdayToTenYears() {
        Instant notBefore = authority.rootCertificate().getNotBefore().toInstant();
        Instant notAfter = authority.signingCertificate().getNotAfter().toInstant();

        assertThat(notBefore).isCloseTo(Instant.now().minus(Duration.ofDays(1)), within(1, ChronoUnit.HOURS));
        assertThat(notAfter).isAfter(Instant.now().plus(Duration.ofDays(3650)));
    }

    @Test
    void signingCertificateIsIssuedByRoot() throws Exception {
        X509Certificate signing = authority.signingCertificate();

        signing.verify(authority.rootCertificate().getPublicKey());
        assertThat(signing.getIssuerX500Principal()).isEqualTo(authority.rootCertificate().getSubjectX500Principal());
        assertThat(signing.getBasicConstraints()).isEqualTo(-1);
        assertThat(signing.getKeyUsage()[0]).as("digitalSignature").isTrue();
    }

    @Test
    void signatureVerifiesWithSigningCertificate() throws Exception {
        byte[] report = "{\"id\":\"1\"}".getBytes(StandardCharsets.US_ASCII);

        byte[] signature = authority.sign(report);

        assertThat(signature).hasSize(256);
        assertThat(verifies(authority.signingCertificate(), report, signature)).isTrue();
        assertThat(verifies(authority.signingCertificate(), "{}".getBytes(StandardCharsets.US_ASCII), signature)).isFalse();
    }

    @Test
    void writtenAuthorityReadsBack() throws Exception {
        authority.writeTo(dir);

        TestIasAuthority read = TestIasAuthority.readFrom(dir);

        byte[] report = "report".getBytes(StandardCharsets.US_ASCII);
        assertThat(read).isEqualTo(authority);
        assertThat(read.sign(report)).isEqualTo(authority.sign(report));
    }

    @Test
    void keyFilesAreOwnerOnly() throws Exception {
        authority.writeTo(dir);

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(TestIasAuthority.ROOT_KEY_FILE))))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve(TestIasAuthority.SIGNING_KEY_FILE))))
                .isEqualTo("rw-------");
        assertThat(Files.readString(dir.resolve(TestIasAuthority.SIGNING_KEY_FILE))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve(TestIasAuthority.ROOT_CERTIFICATE_FILE))).startsWith("-----BEGIN CERTIFICATE-----");
        try (var files = Files.list(dir)) {
            assertThat(files).hasSize(4);
        }
    }

    @Test
    void writingTwiceReplacesFiles() throws Exception {
        TestIasAuthority other = authority.withValidity(Instant.now().minusSeconds(10), Instant.now().plusSeconds(3600));

        authority.writeTo(dir);
        other.writeTo(dir);

        assertThat(TestIasAuthority.readFrom(dir)).isEqualTo(other);
    }

    @Test
    void missingFileIsNamed() throws Exception {
        authority.writeTo(dir);
        Files.delete(dir.resolve(TestIasAuthority.SIGNING_KEY_FILE));

        assertThatThrownBy(() -> TestIasAuthority.readFrom(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(TestIasAuthority.SIGNING_KEY_FILE)
                .hasMessageContaining("not found");
    }

    @Test
    void swappedKeyIsDetected() throws Exception {
        authority.writeTo(dir);
        Files.copy(dir.resolve(TestIasAuthority.ROOT_KEY_FILE), dir.resolve(TestIasAuthority.SIGNING_KEY_FILE),
                StandardCopyOption.REPLACE_EXISTING);

        assertThatThrownBy(() -> TestIasAuthority.readFrom(dir))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(TestIasAuthority.SIGNING_KEY_FILE)
                .hasMessageContaining("does not belong");
    }

    @Test
    void chosenValidityKeepsTheKeys() throws Exception {
        Instant notBefore = Instant.parse("2020-01-01T00:00:00Z");
        Instant notAfter = Instant.parse("2021-01-01T00:00:00Z");

        TestIasAuthority expired = authority.withValidity(notBefore, notAfter);

        byte[] report = "report".getBytes(StandardCharsets.US_ASCII);
        assertThat(expired.signingCertificate().getNotBefore().toInstant()).isEqualTo(notBefore);
        assertThat(expired.signingCertificate().getNotAfter().toInstant()).isEqualTo(notAfter);
        assertThat(expired.rootCertificate().getNotAfter().toInstant()).isEqualTo(notAfter);
        assertThat(verifies(expired.signingCertificate(), report, authority.sign(report))).isTrue();
    }

    @Test
    void emptyValidityIsRejected() {
        Instant now = Instant.now();

        assertThatThrownBy(() -> authority.withValidity(now, now))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not before");
    }

    @Test
    void toStringShowsNoKeyMaterial() {
        assertThat(authority.toString()).contains("SENG Test IAS Root CA").doesNotContain("modulus").doesNotContain("exponent");
    }
}
