package seng.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import seng.attest.AttestationException.Reason;
import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.TestIasAuthority;

/**
 * Runs the verifier on evidence that Intel's Attestation Service really issued, wrapped into
 * RA-TLS certificates with keys of ours. The reports bind their original enclave's key, so the
 * best possible outcome is a key binding mismatch after every earlier check passed.
 */
class RealIasReportsTest {
    private static final Path REAL_REPORTS = Path.of("test-resources/ias-real");

    private static X509Certificate intelRoot;
    private static TestIasAuthority testAuthority;

    @BeforeAll
    static void loadRoots() throws IOException {
        intelRoot = TrustPolicy.loadRoot(REAL_REPORTS.resolve("intel-attestation-report-signing-ca.pem"));
        testAuthority = TestIasAuthority.generate();
    }

    private static RaTlsCertificateBuilder wrap(String folder) throws Exception {
        Path dir = REAL_REPORTS.resolve(folder);
        byte[] signature = Base64.getDecoder().decode(Files.readString(dir.resolve("signature.b64"), StandardCharsets.US_ASCII).strip());
        return new RaTlsCertificateBuilder(testAuthority, EnclaveIdentity.random())
                .evidence(Files.readAllBytes(dir.resolve("report.json")), intelRoot.getEncoded(),
                        Files.readAllBytes(dir.resolve("signing-cert.der")), signature);
    }

    private static EvidenceVerifier acceptingAllStatuses(Clock clock) {
        TrustPolicy policy = TrustPolicy.builder(intelRoot)
                .acceptedQuoteStatuses(TrustPolicy.ACCEPTABLE_QUOTE_STATUSES)
                .allowDebugEnclaves(true)
                .build();
        return new EvidenceVerifier(policy, clock);
    }

    private static AttestationException rejection(EvidenceVerifier verifier, RaTlsCertificateBuilder builder) {
        byte[] certificate = builder.build().certificateDer();
        return catchThrowableOfType(AttestationException.class, () -> verifier.verify(certificate));
    }

    @Test
    void bundledRootIsTheRealIntelRoot() {
        assertThat(TrustPolicy.bundledIntelRoot()).isEqualTo(intelRoot);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epid-configuration-needed", "epid-group-out-of-date", "epid-production-sw-hardening"})
    void realEvidenceFailsOnlyTheKeyBinding(String folder) throws Exception {
        AttestationException e = rejection(acceptingAllStatuses(Clock.systemUTC()), wrap(folder));

        assertThat(e.reason()).isEqualTo(Reason.KEY_BINDING_MISMATCH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epid-configuration-needed", "epid-group-out-of-date", "epid-production-sw-hardening"})
    void realEvidenceIsJudgedAtItsTimestampYearsLater(String folder) throws Exception {
        Clock in2040 = Clock.fixed(Instant.parse("2040-01-01T00:00:00Z"), ZoneOffset.UTC);

        AttestationException e = rejection(acceptingAllStatuses(in2040), wrap(folder));

        assertThat(e.reason()).isEqualTo(Reason.KEY_BINDING_MISMATCH);
    }

    @ParameterizedTest
    @ValueSource(strings = {"epid-configuration-needed", "epid-group-out-of-date", "epid-production-sw-hardening"})
    void flippedReportByteBreaksTheSignature(String folder) throws Exception {
        AttestationException e = rejection(acceptingAllStatuses(Clock.systemUTC()), wrap(folder).tamperReportAfterSigning());

        assertThat(e.reason()).isEqualTo(Reason.REPORT_SIGNATURE_INVALID);
    }

    @Test
    void configurationNeededIsRejectedByDefaultPolicy() throws Exception {
        EvidenceVerifier verifier = new EvidenceVerifier(TrustPolicy.builder(intelRoot).build(), Clock.systemUTC());

        AttestationException e = rejection(verifier, wrap("epid-configuration-needed"));

        assertThat(e.reason()).isEqualTo(Reason.QUOTE_STATUS_REJECTED);
        assertThat(e.getMessage()).contains("CONFIGURATION_NEEDED");
    }

    @Test
    void groupOutOfDatePassesDefaultPolicyStatusCheck() throws Exception {
        EvidenceVerifier verifier = new EvidenceVerifier(TrustPolicy.builder(intelRoot).build(), Clock.systemUTC());

        AttestationException e = rejection(verifier, wrap("epid-group-out-of-date"));

        assertThat(e.reason()).isEqualTo(Reason.KEY_BINDING_MISMATCH);
    }

    @Test
    void reportFromBeforeMaxAgeIsTooOld() throws Exception {
        TrustPolicy policy = TrustPolicy.builder(intelRoot)
                .acceptedQuoteStatuses(TrustPolicy.ACCEPTABLE_QUOTE_STATUSES)
                .maxReportAge(Duration.ofDays(365))
                .build();

        AttestationException e = rejection(new EvidenceVerifier(policy, Clock.systemUTC()), wrap("epid-group-out-of-date"));

        assertThat(e.reason()).isEqualTo(Reason.REPORT_TOO_OLD);
    }

    @Test
    void otherRootMakesTheChainUntrusted() throws Exception {
        TrustPolicy policy = TrustPolicy.builder(testAuthority.rootCertificate())
                .acceptedQuoteStatuses(TrustPolicy.ACCEPTABLE_QUOTE_STATUSES)
                .build();

        AttestationException e = rejection(new EvidenceVerifier(policy, Clock.systemUTC()), wrap("epid-group-out-of-date"));

        assertThat(e.reason()).isEqualTo(Reason.IAS_CHAIN_UNTRUSTED);
    }

    @Test
    void reportParsesWithItsDocumentedValues() throws Exception {
        byte[] json = Files.readAllBytes(REAL_REPORTS.resolve("epid-production-sw-hardening/report.json"));

        IasReport report = IasReport.parse(json);
        SgxQuote quote = SgxQuote.parse(report.isvEnclaveQuoteBody());

        assertThat(report.id()).isEqualTo("196152621201547914511805010605681917295");
        assertThat(report.timestamp()).isEqualTo(Instant.parse("2021-10-13T20:25:00.635222Z"));
        assertThat(report.version()).isEqualTo(4);
        assertThat(report.isvEnclaveQuoteStatus()).isEqualTo("CONFIGURATION_AND_SW_HARDENING_NEEDED");
        assertThat(report.advisoryIds()).containsExactly("INTEL-SA-00161", "INTEL-SA-00219", "INTEL-SA-00289", "INTEL-SA-00334");
        assertThat(report.advisoryUrl()).contains("https://security-center.intel.com");
        assertThat(report.platformInfoBlob()).isPresent();
        assertThat(report.nonce()).isEmpty();
        assertThat(quote.mrEnclaveHex()).isEqualTo("bcf66abfc6b3ef259e9ecfe4cf8df667a7f5a546525dee16822741b38f6e6050");
        assertThat(quote.mrSignerHex()).isEqualTo("117f95f65f06afb5764b572156b8b525c6230db7d6b1c94e8ebdb7fba068f4e8");
        assertThat(quote.version()).isEqualTo(2);
        assertThat(quote.isDebug()).isFalse();
    }

    @Test
    void otherReportsParseWithTheirDocumentedMeasurements() throws Exception {
        SgxQuote configurationNeeded = quoteOf("epid-configuration-needed");
        SgxQuote groupOutOfDate = quoteOf("epid-group-out-of-date");

        assertThat(configurationNeeded.mrEnclaveHex())
                .isEqualTo("7a3454ec8f42e265cb5be7dfd111e1d95ac6076ed82a0948b2e2a45cf17b62a0");
        assertThat(configurationNeeded.mrSignerHex())
                .isEqualTo("83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e");
        assertThat(groupOutOfDate.mrEnclaveHex())
                .isEqualTo("3efcbbe83c876ccc574e23a9f1ed6ad9fbf163bd8a9d56884d5b5d17c0688ca7");
        assertThat(groupOutOfDate.mrSignerHex())
                .isEqualTo("83d719e77deaca1470f6baf62a4d774303c899db69020f9c70ee1dfc08c7ce9e");
    }

    private static SgxQuote quoteOf(String folder) throws Exception {
        IasReport report = IasReport.parse(Files.readAllBytes(REAL_REPORTS.resolve(folder).resolve("report.json")));
        return SgxQuote.parse(report.isvEnclaveQuoteBody());
    }
}
