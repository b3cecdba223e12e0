package seng.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import seng.attest.AttestationException.Reason;
import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.RaTlsCertificateBuilder.KeyType;
import seng.client.RaTlsCredentials;
import seng.client.TestIasAuthority;

class EvidenceVerifierTest {
    private static TestIasAuthority authority;
    private static EvidenceVerifier verifier;

    private final EnclaveIdentity identity = EnclaveIdentity.random();

    @BeforeAll
    static void createAuthority() {
        authority = TestIasAuthority.generate();
        verifier = new EvidenceVerifier(TrustPolicy.builder(authority.rootCertificate()).build(), Clock.systemUTC());
    }

    private RaTlsCertificateBuilder certificate() {
        return new RaTlsCertificateBuilder(authority, identity);
    }

    private static AttestationException rejection(EvidenceVerifier verifier, RaTlsCredentials credentials) {
        return catchThrowableOfType(AttestationException.class, () -> verifier.verify(credentials.certificateDer()));
    }

    private static AttestationException rejection(RaTlsCredentials credentials) {
        return rejection(verifier, credentials);
    }

    @Test
    void goodCertificateVerifies() throws Exception {
        RaTlsCredentials credentials = certificate().build();

        Attestation attestation = verifier.verify(credentials.certificateDer());

        assertThat(attestation.mrEnclave()).isEqualTo(identity.mrEnclave());
        assertThat(attestation.mrSigner()).isEqualTo(identity.mrSigner());
        assertThat(attestation.mrEnclaveHex()).isEqualTo(identity.mrEnclaveHex());
        assertThat(attestation.mrSignerHex()).isEqualTo(identity.mrSignerHex());
        assertThat(attestation.isvProdId()).isEqualTo(identity.isvProdId());
        assertThat(attestation.isvSvn()).isEqualTo(identity.isvSvn());
        assertThat(attestation.isDebug()).isFalse();
        assertThat(attestation.quoteStatus()).isEqualTo("OK");
        assertThat(attestation.advisoryIds()).isEmpty();
        assertThat(attestation.quoteBytes()).isEqualTo(credentials.quote());
        assertThat(attestation.reportTimestamp()).isBetween(Instant.now().minusSeconds(60), Instant.now());
        assertThat(attestation.reportId()).isNotBlank();
    }

    @Test
    void verificationIsRepeatable() throws Exception {
        RaTlsCredentials credentials = certificate().build();

        Attestation first = verifier.verify(credentials.certificateDer());
        Attestation second = verifier.verify(credentials.certificateDer());

        assertThat(second).isEqualTo(first);
        assertThat(second.quote()).isEqualTo(first.quote());
    }

    @Test
    void base64WithLineBreaksIsAccepted() throws Exception {
        RaTlsCredentials credentials = certificate().wrapBase64Lines(true).build();

        assertThat(verifier.verify(credentials.certificateDer()).mrEnclave()).isEqualTo(identity.mrEnclave());
    }

    @Test
    void crlfLineBreaksAreAccepted() throws Exception {
        RaTlsCredentials template = certificate().build();
        RaTlsEvidence evidence = RaTlsEvidence.parse(template.certificateDer());
        String signature = Base64.getMimeEncoder(64, new byte[] {'\r', '\n'}).encodeToString(evidence.reportSignature());

        // The same key and report make the authority sign the same bytes, so only the line breaks differ.
        RaTlsCredentials credentials = certificate()
                .keyPair(template.keyPair())
                .reportJson(evidence.reportJson())
                .extensionText(RaTlsExtension.REPORT_SIGNATURE, signature + "\r\n")
                .build();

        assertThat(signature).contains("\r\n");
        assertThat(verifier.verify(credentials.certificateDer()).mrEnclave()).isEqualTo(identity.mrEnclave());
    }

    @Test
    void rsaKeyedCertificateIsAccepted() throws Exception {
        RaTlsCredentials credentials = certificate().keyType(KeyType.RSA_2048).build();

        assertThat(verifier.verify(credentials.certificateDer()).mrEnclave()).isEqualTo(identity.mrEnclave());
    }

    @Test
    void p384CertificateIsAccepted() throws Exception {
        RaTlsCredentials credentials = certificate().keyType(KeyType.EC_P384).build();

        assertThat(verifier.verify(credentials.certificateDer()).mrEnclave()).isEqualTo(identity.mrEnclave());
    }

    @ParameterizedTest
    @EnumSource(value = KeyType.class, names = {"EC_P256", "EC_P384"})
    void compressedEcPointIsAccepted(KeyType keyType) throws Exception {
        RaTlsCredentials credentials = certificate().keyType(keyType).compressedPoint(true).build();

        assertThat(verifier.verify(credentials.certificateDer()).mrEnclave()).isEqualTo(identity.mrEnclave());
    }

    @Test
    void oversizedCertificateIsRejected() {
        byte[] huge = new byte[RaTlsEvidence.MAX_CERTIFICATE_LENGTH + 1];

        AttestationException e = catchThrowableOfType(AttestationException.class, () -> verifier.verify(huge));

        assertThat(e.reason()).isEqualTo(Reason.CERTIFICATE_INVALID);
        assertThat(e.getMessage()).contains(String.valueOf(huge.length));
    }

    @Test
    void garbageIsRejectedAsInvalidCertificate() {
        byte[] garbage = "not a certificate".getBytes(StandardCharsets.US_ASCII);

        AttestationException e = catchThrowableOfType(AttestationException.class, () -> verifier.verify(garbage));

        assertThat(e.reason()).isEqualTo(Reason.CERTIFICATE_INVALID);
    }

    @Test
    void emptyInputIsRejectedAsInvalidCertificate() {
        AttestationException e = catchThrowableOfType(AttestationException.class, () -> verifier.verify(new byte[0]));

        assertThat(e.reason()).isEqualTo(Reason.CERTIFICATE_INVALID);
    }

    @ParameterizedTest
    @EnumSource(RaTlsExtension.class)
    void missingExtensionIsRejected(RaTlsExtension extension) {
        AttestationException e = rejection(certificate().omitExtension(extension).build());

        assertThat(e.reason()).isEqualTo(Reason.EXTENSION_MISSING);
        assertThat(e.getMessage()).contains(extension.oid());
    }

    @ParameterizedTest
    @EnumSource(RaTlsExtension.class)
    void nonBase64ExtensionIsRejected(RaTlsExtension extension) {
        AttestationException e = rejection(certificate().extensionText(extension, "this is not base64!").build());

        assertThat(e.reason()).isEqualTo(Reason.EXTENSION_NOT_BASE64);
        assertThat(e.getMessage()).contains(extension.oid());
    }

    @Test
    void base64WithSpacesIsRejected() {
        AttestationException e = rejection(certificate().extensionText(RaTlsExtension.REPORT_SIGNATURE, "QUJD RA==").build());

        assertThat(e.reason()).isEqualTo(Reason.EXTENSION_NOT_BASE64);
    }

    @Test
    void emptyExtensionIsRejected() {
        AttestationException e = rejection(certificate().extensionText(RaTlsExtension.REPORT, "").build());

        assertThat(e.reason()).isEqualTo(Reason.EXTENSION_NOT_BASE64);
    }

    @Test
    void signingCertificateThatIsNoCertificateIsRejected() {
        String notACertificate = Base64.getEncoder().encodeToString(new byte[] {0x30, 0x03, 0x02, 0x01, 0x01});

        AttestationException e = rejection(certificate()
                .extensionText(RaTlsExtension.SIGNING_CERTIFICATE, notACertificate).build());

        assertThat(e.reason()).isEqualTo(Reason.IAS_CERTIFICATE_INVALID);
    }

    @Test
    void unsupportedKeyTypeIsRejected() throws Exception {
        KeyPair ed25519 = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();

        AttestationException e = rejection(certificate().keyPair(ed25519).build());

        assertThat(e.reason()).isEqualTo(Reason.KEY_TYPE_UNSUPPORTED);
        assertThat(e.getMessage()).contains("1.3.101.112");
    }

    @Test
    void untrustedAuthorityIsRejected() {
        TestIasAuthority stranger = TestIasAuthority.generate();

        AttestationException e = rejection(new RaTlsCertificateBuilder(stranger, identity).build());

        assertThat(e.reason()).isEqualTo(Reason.IAS_CHAIN_UNTRUSTED);
    }

    @Test
    void signingCertificateFromAnotherCaIsRejected() throws Exception {
        TestIasAuthority stranger = TestIasAuthority.generate();
        RaTlsCredentials good = certificate().build();
        RaTlsEvidence evidence = RaTlsEvidence.parse(good.certificateDer());

        RaTlsCredentials credentials = certificate()
                .evidence(evidence.reportJson(), authority.rootCertificate().getEncoded(),
                        stranger.signingCertificate().getEncoded(), stranger.sign(evidence.reportJson()))
                .build();

        assertThat(rejection(credentials).reason()).isEqualTo(Reason.IAS_CHAIN_UNTRUSTED);
    }

    @Test
    void impostorRootWithTrustedNameIsRejected() {
        TestIasAuthority impostor = TestIasAuthority.generate();

        AttestationException e = rejection(new RaTlsCertificateBuilder(impostor, identity).build());

        assertThat(impostor.rootCertificate().getSubjectX500Principal())
                .isEqualTo(authority.rootCertificate().getSubjectX500Principal());
        assertThat(e.reason()).isEqualTo(Reason.IAS_CHAIN_UNTRUSTED);
        assertThat(e.getMessage()).contains("does not verify");
    }

    @Test
    void tamperedReportIsRejected() {
        AttestationException e = rejection(certificate().tamperReportAfterSigning().build());

        assertThat(e.reason()).isEqualTo(Reason.REPORT_SIGNATURE_INVALID);
    }

    @Test
    void truncatedSignatureIsRejected() throws Exception {
        RaTlsEvidence evidence = RaTlsEvidence.parse(certificate().build().certificateDer());
        byte[] signature = Arrays.copyOf(evidence.reportSignature(), 255);

        RaTlsCredentials credentials = certificate()
                .evidence(evidence.reportJson(), authority.rootCertificate().getEncoded(),
                        authority.signingCertificate().getEncoded(), signature)
                .build();

        assertThat(rejection(credentials).reason()).isEqualTo(Reason.REPORT_SIGNATURE_INVALID);
    }

    @Test
    void wrongKeyBindingIsRejected() throws Exception {
        KeyPair other = KeyPairGenerator.getInstance("EC").generateKeyPair();

        AttestationException e = rejection(certificate().bindKey(other.getPublic()).build());

        assertThat(e.reason()).isEqualTo(Reason.KEY_BINDING_MISMATCH);
    }

    @Test
    void nonZeroSecondHalfOfReportDataIsRejected() {
        RaTlsCredentials template = certificate().build();
        byte[] quote = template.quote();
        quote[SgxQuote.LENGTH - 1] = 1;

        AttestationException e = rejection(certificate().keyPair(template.keyPair()).quote(quote).build());

        assertThat(e.reason()).isEqualTo(Reason.KEY_BINDING_MISMATCH);
        assertThat(e.getMessage()).contains("not all zero");
    }

    @Test
    void signingCertificateExpiredAtReportTimeIsRejected() {
        Instant now = Instant.now();
        TestIasAuthority expired = authority.withValidity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(10)));

        AttestationException e = rejection(verifierTrusting(expired),
                new RaTlsCertificateBuilder(expired, identity).reportTimestamp(now.minus(Duration.ofDays(5))).build());

        assertThat(e.reason()).isEqualTo(Reason.IAS_CERTIFICATE_EXPIRED);
        assertThat(e.getMessage()).contains("IAS report signing certificate expired on");
    }

    @Test
    void certificateExpiredSinceReportIsAccepted() throws Exception {
        Instant now = Instant.now();
        TestIasAuthority expired = authority.withValidity(now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(10)));
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(expired, identity)
                .reportTimestamp(now.minus(Duration.ofDays(20)))
                .build();

        Attestation attestation = verifierTrusting(expired).verify(credentials.certificateDer());

        assertThat(attestation.mrEnclave()).isEqualTo(identity.mrEnclave());
    }

    @Test
    void signingCertificateNotYetValidAtReportTimeIsRejected() {
        Instant now = Instant.now();
        TestIasAuthority future = authority.withValidity(now.minus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)));

        AttestationException e = rejection(verifierTrusting(future),
                new RaTlsCertificateBuilder(future, identity).reportTimestamp(now.minus(Duration.ofDays(2))).build());

        assertThat(e.reason()).isEqualTo(Reason.IAS_CERTIFICATE_NOT_YET_VALID);
    }

    @Test
    void reportFromFutureIsRejected() {
        AttestationException e = rejection(certificate().reportTimestamp(Instant.now().plus(Duration.ofHours(1))).build());

        assertThat(e.reason()).isEqualTo(Reason.REPORT_FROM_FUTURE);
    }

    @Test
    void reportWithinClockSkewIsAccepted() throws Exception {
        RaTlsCredentials credentials = certificate().reportTimestamp(Instant.now().plus(Duration.ofMinutes(2))).build();

        assertThat(verifier.verify(credentials.certificateDer()).mrEnclave()).isEqualTo(identity.mrEnclave());
    }

    @Test
    void reportOlderThanMaxAgeIsRejected() {
        EvidenceVerifier strict = new EvidenceVerifier(
                TrustPolicy.builder(authority.rootCertificate()).maxReportAge(Duration.ofHours(12)).build(),
                Clock.systemUTC());

        AttestationException e = rejection(strict,
                certificate().reportTimestamp(Instant.now().minus(Duration.ofHours(20))).build());

        assertThat(e.reason()).isEqualTo(Reason.REPORT_TOO_OLD);
    }

    @Test
    void oldReportWithoutMaxAgeIsAccepted() throws Exception {
        Instant now = Instant.now();
        TestIasAuthority longLived = authority.withValidity(now.minus(Duration.ofDays(1000)), now.plus(Duration.ofDays(1)));
        RaTlsCredentials old = new RaTlsCertificateBuilder(longLived, identity)
                .reportTimestamp(now.minus(Duration.ofDays(900)))
                .build();

        Attestation attestation = verifierTrusting(longLived).verify(old.certificateDer());

        assertThat(attestation.reportTimestamp()).isBefore(now.minus(Duration.ofDays(899)));
    }

    @Test
    void verifierClockDecidesTheFuture() {
        RaTlsCredentials credentials = certificate().build();
        Clock lastYear = Clock.fixed(Instant.now().minus(Duration.ofDays(365)), ZoneOffset.UTC);
        EvidenceVerifier behind = new EvidenceVerifier(TrustPolicy.builder(authority.rootCertificate()).build(), lastYear);

        assertThat(rejection(behind, credentials).reason()).isEqualTo(Reason.REPORT_FROM_FUTURE);
    }

    @Test
    void rejectedQuoteStatusIsRejected() {
        AttestationException e = rejection(certificate()
                .quoteStatus("CONFIGURATION_NEEDED")
                .advisoryIds(List.of("INTEL-SA-00334"))
                .build());

        assertThat(e.reason()).isEqualTo(Reason.QUOTE_STATUS_REJECTED);
        assertThat(e.getMessage()).contains("CONFIGURATION_NEEDED").contains("INTEL-SA-00334");
    }

    @Test
    void groupOutOfDateIsAcceptedByDefault() throws Exception {
        RaTlsCredentials credentials = certificate().quoteStatus("GROUP_OUT_OF_DATE").build();

        assertThat(verifier.verify(credentials.certificateDer()).quoteStatus()).isEqualTo("GROUP_OUT_OF_DATE");
    }

    @Test
    void groupOutOfDateIsRejectedWhenNotConfigured() {
        EvidenceVerifier okOnly = new EvidenceVerifier(
                TrustPolicy.builder(authority.rootCertificate()).acceptedQuoteStatuses("OK").build(), Clock.systemUTC());

        AttestationException e = rejection(okOnly, certificate().quoteStatus("GROUP_OUT_OF_DATE").build());

        assertThat(e.reason()).isEqualTo(Reason.QUOTE_STATUS_REJECTED);
    }

    @Test
    void configuredStatusIsAcceptedWithAdvisories() throws Exception {
        EvidenceVerifier lenient = new EvidenceVerifier(TrustPolicy.builder(authority.rootCertificate())
                .acceptedQuoteStatuses("OK", "SW_HARDENING_NEEDED").build(), Clock.systemUTC());
        RaTlsCredentials credentials = certificate()
                .quoteStatus("SW_HARDENING_NEEDED")
                .advisoryIds(List.of("INTEL-SA-00161", "INTEL-SA-00219"))
                .build();

        Attestation attestation = lenient.verify(credentials.certificateDer());

        assertThat(attestation.advisoryIds()).containsExactly("INTEL-SA-00161", "INTEL-SA-00219");
    }

    @Test
    void revokedStatusIsRejected() {
        AttestationException e = rejection(certificate().quoteStatus("KEY_REVOKED").build());

        assertThat(e.reason()).isEqualTo(Reason.QUOTE_STATUS_REJECTED);
    }

    @Test
    void quoteOfWrongLengthIsRejected() {
        AttestationException e = rejection(certificate().quote(new byte[431]).build());

        assertThat(e.reason()).isEqualTo(Reason.QUOTE_INVALID);
        assertThat(e.getMessage()).contains("431");
    }

    @Test
    void nonJsonReportIsRejected() {
        AttestationException e = rejection(certificate().reportJson("<report/>".getBytes(StandardCharsets.US_ASCII)).build());

        assertThat(e.reason()).isEqualTo(Reason.REPORT_INVALID_JSON);
    }

    @Test
    void duplicateJsonKeyIsRejected() {
        String json = """
                {"id":"1","timestamp":"2026-01-01T00:00:00.000000","version":4,
                 "isvEnclaveQuoteStatus":"KEY_REVOKED","isvEnclaveQuoteStatus":"OK","isvEnclaveQuoteBody":""}""";

        AttestationException e = rejection(certificate().reportJson(json.getBytes(StandardCharsets.US_ASCII)).build());

        assertThat(e.reason()).isEqualTo(Reason.REPORT_INVALID_JSON);
        assertThat(e.getMessage()).contains("isvEnclaveQuoteStatus");
    }

    @Test
    void reportWithoutQuoteBodyIsRejected() {
        String json = """
                {"id":"1","timestamp":"2026-01-01T00:00:00.000000","version":4,"isvEnclaveQuoteStatus":"OK"}""";

        AttestationException e = rejection(certificate().reportJson(json.getBytes(StandardCharsets.US_ASCII)).build());

        assertThat(e.reason()).isEqualTo(Reason.REPORT_FIELD_INVALID);
        assertThat(e.getMessage()).contains("isvEnclaveQuoteBody");
    }

    @Test
    void debugEnclaveIsRejectedByDefault() {
        AttestationException e = rejection(certificate().debug(true).build());

        assertThat(e.reason()).isEqualTo(Reason.DEBUG_ENCLAVE);
        assertThat(e.getMessage()).contains(identity.mrEnclaveHex());
    }

    @Test
    void debugEnclaveIsAcceptedWhenAllowed() throws Exception {
        EvidenceVerifier lenient = new EvidenceVerifier(
                TrustPolicy.builder(authority.rootCertificate()).allowDebugEnclaves(true).build(), Clock.systemUTC());

        Attestation attestation = lenient.verify(certificate().debug(true).build().certificateDer());

        assertThat(attestation.isDebug()).isTrue();
    }

    @Test
    void isvSvnBelowMinimumIsRejected() {
        EvidenceVerifier strict = new EvidenceVerifier(
                TrustPolicy.builder(authority.rootCertificate()).minIsvSvn(5).build(), Clock.systemUTC());

        AttestationException e = rejection(strict, certificate().isvSvn(4).build());

        assertThat(e.reason()).isEqualTo(Reason.ISV_SVN_TOO_LOW);
        assertThat(e.getMessage()).contains("ISV SVN 4").contains("minimum 5");
    }

    @Test
    void isvSvnAtMinimumIsAccepted() throws Exception {
        EvidenceVerifier strict = new EvidenceVerifier(
                TrustPolicy.builder(authority.rootCertificate()).minIsvSvn(5).build(), Clock.systemUTC());

        assertThat(strict.verify(certificate().isvSvn(5).build().certificateDer()).isvSvn()).isEqualTo(5);
    }

    @Test
    void mrSignerNotInAllowlistIsRejected() {
        EvidenceVerifier strict = new EvidenceVerifier(TrustPolicy.builder(authority.rootCertificate())
                .allowedMrSigners(List.of(EnclaveIdentity.random().mrSignerHex())).build(), Clock.systemUTC());

        AttestationException e = rejection(strict, certificate().build());

        assertThat(e.reason()).isEqualTo(Reason.MRSIGNER_NOT_ALLOWED);
        assertThat(e.getMessage()).contains(identity.mrSignerHex());
    }

    @Test
    void mrSignerInAllowlistIsAccepted() throws Exception {
        EvidenceVerifier strict = new EvidenceVerifier(TrustPolicy.builder(authority.rootCertificate())
                .allowedMrSigners(List.of(identity.mrSignerHex().toUpperCase())).build(), Clock.systemUTC());

        assertThat(strict.verify(certificate().build().certificateDer()).mrSignerHex()).isEqualTo(identity.mrSignerHex());
    }

    @Test
    void concurrentVerificationsAllSucceed() throws Exception {
        List<RaTlsCredentials> certificates = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            certificates.add(certificate().build());
        }
        List<Future<Attestation>> results = new ArrayList<>();

        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 400; i++) {
                byte[] der = certificates.get(i % certificates.size()).certificateDer();
                results.add(executor.submit(() -> verifier.verify(der)));
            }
            for (Future<Attestation> result : results) {
                assertThat(result.get(30, TimeUnit.SECONDS).mrEnclave()).isEqualTo(identity.mrEnclave());
            }
        }
    }

    @Test
    void nullInputIsAProgrammingError() {
        assertThatThrownBy(() -> verifier.verify(null)).isInstanceOf(NullPointerException.class);
    }

    private static EvidenceVerifier verifierTrusting(TestIasAuthority trusted) {
        return new EvidenceVerifier(TrustPolicy.builder(trusted.rootCertificate()).build(), Clock.systemUTC());
    }
}
