package seng.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seng.client.TestIasAuthority;

class TrustPolicyTest {
    private static final Path INTEL_ROOT = Path.of("test-resources/ias-real/intel-attestation-report-signing-ca.pem");

    private static X509Certificate root;
    private static TestIasAuthority authority;

    @TempDir
    Path dir;

    @BeforeAll
    static void loadRoot() throws IOException {
        root = TrustPolicy.loadRoot(INTEL_ROOT);
        authority = TestIasAuthority.generate();
    }

    private static String pem(String type, byte[] content) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder().encodeToString(content)
                + "\n-----END " + type + "-----\n";
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text, StandardCharsets.US_ASCII);
    }

    @Test
    void defaultsAreStrict() {
        TrustPolicy policy = TrustPolicy.builder(root).build();

        assertThat(policy.trustedRoot()).isEqualTo(root);
        assertThat(policy.acceptedQuoteStatuses()).containsExactlyInAnyOrder("OK", "GROUP_OUT_OF_DATE");
        assertThat(policy.maxReportAge()).isEmpty();
        assertThat(policy.allowDebugEnclaves()).isFalse();
        assertThat(policy.minIsvSvn()).isZero();
        assertThat(policy.allowedMrSigners()).isEmpty();
        assertThat(policy.allowsMrSigner("ab".repeat(32))).isTrue();
        assertThat(policy.clockSkew()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void loadedRootIsTheIntelCa() {
        assertThat(root.getSubjectX500Principal().getName()).contains("CN=Intel SGX Attestation Report Signing CA");
        assertThat(root.getBasicConstraints()).isGreaterThanOrEqualTo(0);
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("missing.pem");

        assertThatThrownBy(() -> TrustPolicy.loadRoot(missing))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(missing.toString())
                .hasMessageContaining("not found");
    }

    @Test
    void derFileIsNotPem() throws Exception {
        Path der = Files.write(dir.resolve("root.der"), root.getEncoded());

        assertThatThrownBy(() -> TrustPolicy.loadRoot(der))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(der.toString())
                .hasMessageContaining("is not PEM");
    }

    @Test
    void keyBlockIsNotACertificate() throws IOException {
        Path file = write("key.pem", pem("PRIVATE KEY", new byte[] {1, 2, 3}));

        assertThatThrownBy(() -> TrustPolicy.loadRoot(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("PRIVATE KEY");
    }

    @Test
    void twoCertificatesAreRejected() throws Exception {
        Path file = write("two.pem", pem("CERTIFICATE", root.getEncoded()) + pem("CERTIFICATE", root.getEncoded()));

        assertThatThrownBy(() -> TrustPolicy.loadRoot(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("2 certificates");
    }

    @Test
    void malformedCertificateIsRejected() throws Exception {
        Path file = write("bad.pem", pem("CERTIFICATE", new byte[] {0x30, 0x03, 0x02, 0x01, 0x01}));

        assertThatThrownBy(() -> TrustPolicy.loadRoot(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("no valid X.509 certificate");
    }

    @Test
    void brokenPemIsRejected() throws Exception {
        Path file = write("broken.pem", "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n");

        assertThatThrownBy(() -> TrustPolicy.loadRoot(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString());
    }

    @Test
    void endEntityCertificateIsNotARoot() throws Exception {
        Path file = write("signing.pem", pem("CERTIFICATE", authority.signingCertificate().getEncoded()));

        assertThatThrownBy(() -> TrustPolicy.loadRoot(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("not a CA certificate");
        assertThatThrownBy(() -> TrustPolicy.builder(authority.signingCertificate()).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not a CA certificate");
    }

    @Test
    void pemWithCommentsLoads() throws Exception {
        Path file = write("commented.pem", "Intel root\n" + pem("CERTIFICATE", root.getEncoded()));

        assertThat(TrustPolicy.loadRoot(file)).isEqualTo(root);
    }

    @ParameterizedTest
    @ValueSource(strings = {"KEY_REVOKED", "SIGNATURE_INVALID", "GROUP_REVOKED", "ok", "UNKNOWN"})
    void untrustworthyStatusCannotBeAccepted(String status) {
        assertThatThrownBy(() -> TrustPolicy.builder(root).acceptedQuoteStatuses("OK", status).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(status);
    }

    @Test
    void emptyMrSignerAllowlistIsRejected() {
        assertThatThrownBy(() -> TrustPolicy.builder(root).allowedMrSigners(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "zz00000000000000000000000000000000000000000000000000000000000000"})
    void malformedMrSignerIsRejected(String mrSigner) {
        assertThatThrownBy(() -> TrustPolicy.builder(root).allowedMrSigners(List.of(mrSigner)).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(mrSigner);
    }

    @Test
    void mrSignerAllowlistIsCaseInsensitive() {
        String mrSigner = "be7403a5952075531158572a50b7eb613821df2e18bf6c8b6e1d646dbf42d1a0";

        TrustPolicy policy = TrustPolicy.builder(root).allowedMrSigners(Set.of(mrSigner.toUpperCase())).build();

        assertThat(policy.allowsMrSigner(mrSigner)).isTrue();
        assertThat(policy.allowsMrSigner("00".repeat(32))).isFalse();
    }

    @Test
    void invalidNumbersAreRejected() {
        assertThatThrownBy(() -> TrustPolicy.builder(root).minIsvSvn(70000).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("70000");
        assertThatThrownBy(() -> TrustPolicy.builder(root).maxReportAge(Duration.ZERO).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("report age");
        assertThatThrownBy(() -> TrustPolicy.builder(root).clockSkew(Duration.ofSeconds(-1)).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("clock skew");
    }
}
