package seng.attest;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import seng.attest.AttestationException.Reason;

/**
 * Verifies the IAS evidence in an RA-TLS client certificate against a {@link TrustPolicy}.
 *
 * <p>IAS certificates are judged at the report timestamp, the moment Intel signed the report, and
 * not at the verifier's current time. Intel no longer issues EPID reports and its report signing
 * certificate expired on 2026-11-20, so judging at the current time would reject every real report
 * ever made. A report dated later than now plus the policy's clock skew is rejected, and the
 * policy's optional maximum age applies on top. The timestamp is read only after the report
 * signature has verified, so no unsigned value decides anything.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class EvidenceVerifier {
    private static final Set<String> CHAIN_SIGNATURE_ALGORITHMS = Set.of("SHA256withRSA", "SHA384withRSA",
            "SHA512withRSA", "SHA256withECDSA", "SHA384withECDSA", "SHA512withECDSA");
    private static final int KEY_USAGE_DIGITAL_SIGNATURE = 0;
    private static final int KEY_USAGE_KEY_CERT_SIGN = 5;

    private final TrustPolicy policy;
    private final Clock clock;
    private final byte[] trustedRootDer;

    public EvidenceVerifier(TrustPolicy policy, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.clock = Objects.requireNonNull(clock, "clock");
        try {
            this.trustedRootDer = policy.trustedRoot().getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException("the trusted IAS root cannot be encoded: " + e.getMessage(), e);
        }
    }

    public TrustPolicy policy() {
        return policy;
    }

    /**
     * Runs every check on the leaf certificate of an RA-TLS client, ordered so that nothing
     * unverified is trusted. The steps are: parse the evidence, check the IAS certificate chain,
     * verify the report signature, and parse the report. Then check the report time and the
     * certificate validity at that time, the quote status, the quote, the key binding, and last
     * the enclave policy.
     *
     * @param leafCertificateDer the client's certificate; any further chain certificates are ignored
     * @throws AttestationException naming the first check that failed; hostile input never
     *     produces another exception
     */
    public Attestation verify(byte[] leafCertificateDer) throws AttestationException {
        RaTlsEvidence evidence = RaTlsEvidence.parse(leafCertificateDer);
        List<ChainLink> chain = checkChain(evidence);
        checkReportSignature(evidence);

        IasReport report = IasReport.parse(evidence.reportJson());
        SgxQuote quote = null;
        try {
            checkReportTime(report.timestamp(), chain);
            checkQuoteStatus(report);

            quote = SgxQuote.parse(report.isvEnclaveQuoteBody());
            checkKeyBinding(evidence.keyBinding(), quote);
            checkEnclavePolicy(quote);
        } catch (AttestationException e) {
            throw e.withEvidence(report, quote != null ? quote : quoteOrNull(report));
        }
        return new Attestation(quote, report);
    }

    /** Returns the quote of a signed report for the logs of a refusal, or null if it does not parse. */
    private static SgxQuote quoteOrNull(IasReport report) {
        try {
            return SgxQuote.parse(report.isvEnclaveQuoteBody());
        } catch (AttestationException e) {
            return null;
        }
    }

    private record ChainLink(String name, X509Certificate certificate) {
    }

    private List<ChainLink> checkChain(RaTlsEvidence evidence) throws AttestationException {
        ChainLink signing = new ChainLink("IAS report signing certificate", evidence.signingCertificate());
        ChainLink signingCa = new ChainLink("IAS report signing CA certificate", evidence.signingCaCertificate());
        ChainLink root = new ChainLink("trusted IAS root", policy.trustedRoot());

        requireSignedBy(signing, signingCa);
        requireCa(signingCa);
        requireReportSigningKey(signing);
        if (isTrustedRoot(signingCa.certificate())) {
            return List.of(signing, signingCa);
        }

        requireSignedBy(signingCa, root);
        if (root.certificate().getBasicConstraints() == 0) {
            throw new AttestationException(Reason.IAS_CHAIN_UNTRUSTED, "the " + signingCa.name() + " "
                    + subject(signingCa) + " is an intermediate CA, but the trusted IAS root "
                    + subject(root) + " allows none (pathLenConstraint 0)");
        }
        return List.of(signing, signingCa, root);
    }

    private boolean isTrustedRoot(X509Certificate certificate) throws AttestationException {
        try {
            return Arrays.equals(certificate.getEncoded(), trustedRootDer);
        } catch (CertificateEncodingException e) {
            throw new AttestationException(Reason.IAS_CERTIFICATE_INVALID,
                    "the IAS report signing CA certificate cannot be encoded: " + e.getMessage(), e);
        }
    }

    private static void requireSignedBy(ChainLink subject, ChainLink issuer) throws AttestationException {
        X509Certificate certificate = subject.certificate();
        if (!certificate.getIssuerX500Principal().equals(issuer.certificate().getSubjectX500Principal())) {
            throw new AttestationException(Reason.IAS_CHAIN_UNTRUSTED, "the " + subject.name() + " " + subject(subject)
                    + " was issued by " + UntrustedText.quote(certificate.getIssuerX500Principal().toString()) + ", not by the " + issuer.name()
                    + " " + subject(issuer));
        }
        String algorithm = certificate.getSigAlgName();
        if (!CHAIN_SIGNATURE_ALGORITHMS.contains(algorithm)) {
            throw new AttestationException(Reason.IAS_CHAIN_UNTRUSTED, "the " + subject.name() + " is signed with "
                    + UntrustedText.quote(algorithm) + ": expected one of " + CHAIN_SIGNATURE_ALGORITHMS);
        }
        try {
            certificate.verify(issuer.certificate().getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new AttestationException(Reason.IAS_CHAIN_UNTRUSTED, "the signature of the " + subject.name() + " "
                    + subject(subject) + " does not verify with the key of the " + issuer.name() + ": " + e.getMessage(), e);
        }
    }

    private static void requireCa(ChainLink link) throws AttestationException {
        X509Certificate certificate = link.certificate();
        if (certificate.getBasicConstraints() < 0) {
            throw new AttestationException(Reason.IAS_CHAIN_UNTRUSTED, "the " + link.name() + " " + subject(link)
                    + " is not a CA certificate: its basicConstraints extension does not set CA");
        }
        boolean[] keyUsage = certificate.getKeyUsage();
        if (keyUsage != null && !keyUsage[KEY_USAGE_KEY_CERT_SIGN]) {
            throw new AttestationException(Reason.IAS_CHAIN_UNTRUSTED, "the " + link.name() + " " + subject(link)
                    + " may not sign certificates: its keyUsage extension lacks keyCertSign");
        }
    }

    private static void requireReportSigningKey(ChainLink signing) throws AttestationException {
        X509Certificate certificate = signing.certificate();
        if (!(certificate.getPublicKey() instanceof RSAPublicKey)) {
            throw new AttestationException(Reason.IAS_CERTIFICATE_INVALID, "the " + signing.name() + " "
                    + subject(signing) + " has a " + certificate.getPublicKey().getAlgorithm() + " key: expected RSA");
        }
        boolean[] keyUsage = certificate.getKeyUsage();
        if (keyUsage != null && !keyUsage[KEY_USAGE_DIGITAL_SIGNATURE]) {
            throw new AttestationException(Reason.IAS_CERTIFICATE_INVALID, "the " + signing.name() + " "
                    + subject(signing) + " may not sign reports: its keyUsage extension lacks digitalSignature");
        }
    }

    private static void checkReportSignature(RaTlsEvidence evidence) throws AttestationException {
        boolean valid;
        try {
            Signature signature = Signature.getInstance("SHA256withRSA");
            signature.initVerify(evidence.signingCertificate().getPublicKey());
            signature.update(evidence.reportJson());
            valid = signature.verify(evidence.reportSignature());
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new AttestationException(Reason.REPORT_SIGNATURE_INVALID,
                    "the IAS report signature could not be verified: " + e.getMessage(), e);
        }
        if (!valid) {
            throw new AttestationException(Reason.REPORT_SIGNATURE_INVALID, "the IAS report signature does not verify"
                    + " with the key of the IAS report signing certificate "
                    + UntrustedText.quote(evidence.signingCertificate().getSubjectX500Principal().toString()));
        }
    }

    private void checkReportTime(Instant signedAt, List<ChainLink> chain) throws AttestationException {
        Instant now = clock.instant();
        Instant latestAccepted = now.plus(policy.clockSkew());
        if (signedAt.isAfter(latestAccepted)) {
            throw new AttestationException(Reason.REPORT_FROM_FUTURE, "the IAS report timestamp " + signedAt
                    + " is later than the verifier's clock " + now + " plus the allowed skew " + policy.clockSkew());
        }

        for (ChainLink link : chain) {
            Instant notBefore = link.certificate().getNotBefore().toInstant();
            Instant notAfter = link.certificate().getNotAfter().toInstant();
            if (signedAt.isBefore(notBefore)) {
                throw new AttestationException(Reason.IAS_CERTIFICATE_NOT_YET_VALID, "the " + link.name()
                        + " is valid from " + notBefore + ", after the report timestamp " + signedAt);
            }
            if (signedAt.isAfter(notAfter)) {
                throw new AttestationException(Reason.IAS_CERTIFICATE_EXPIRED, "the " + link.name() + " expired on "
                        + notAfter + ", before the report timestamp " + signedAt);
            }
        }

        if (policy.maxReportAge().isPresent()) {
            Duration maxAge = policy.maxReportAge().get();
            Duration age = Duration.between(signedAt, now);
            if (age.compareTo(maxAge) > 0) {
                throw new AttestationException(Reason.REPORT_TOO_OLD, "the IAS report from " + signedAt + " is " + age
                        + " old, more than the maximum report age " + maxAge);
            }
        }
    }

    private void checkQuoteStatus(IasReport report) throws AttestationException {
        String status = report.isvEnclaveQuoteStatus();
        if (!policy.acceptsQuoteStatus(status)) {
            String advisories = report.advisoryIds().isEmpty() ? "" : " (advisories " + report.advisoryIds() + ")";
            throw new AttestationException(Reason.QUOTE_STATUS_REJECTED, "IAS quote status "
                    + UntrustedText.quote(status) + advisories + " is not accepted: the policy accepts "
                    + new ArrayList<>(policy.acceptedQuoteStatuses()));
        }
    }

    private static void checkKeyBinding(KeyBinding keyBinding, SgxQuote quote) throws AttestationException {
        byte[] reportData = quote.reportData();
        byte[] boundHash = Arrays.copyOfRange(reportData, 0, 32);
        if (!MessageDigest.isEqual(keyBinding.sha256(), boundHash)) {
            throw new AttestationException(Reason.KEY_BINDING_MISMATCH, "the quote's report_data does not start with"
                    + " SHA-256 of the certificate's " + keyBinding.publicKey().getAlgorithm() + " public key");
        }
        for (int i = 32; i < reportData.length; i++) {
            if (reportData[i] != 0) {
                throw new AttestationException(Reason.KEY_BINDING_MISMATCH,
                        "the quote's report_data bytes 32 to 63 are not all zero: byte " + i + " is " + reportData[i]);
            }
        }
    }

    private void checkEnclavePolicy(SgxQuote quote) throws AttestationException {
        if (quote.isDebug() && !policy.allowDebugEnclaves()) {
            throw new AttestationException(Reason.DEBUG_ENCLAVE, "enclave " + quote.mrEnclaveHex()
                    + " runs in debug mode, and the policy rejects debug enclaves");
        }
        if (quote.isvSvn() < policy.minIsvSvn()) {
            throw new AttestationException(Reason.ISV_SVN_TOO_LOW, "enclave " + quote.mrEnclaveHex() + " has ISV SVN "
                    + quote.isvSvn() + ", below the policy minimum " + policy.minIsvSvn());
        }
        if (!policy.allowsMrSigner(quote.mrSignerHex())) {
            throw new AttestationException(Reason.MRSIGNER_NOT_ALLOWED, "enclave " + quote.mrEnclaveHex()
                    + " has MRSIGNER " + quote.mrSignerHex() + ", which the policy's allowlist does not contain");
        }
    }

    private static String subject(ChainLink link) {
        return UntrustedText.quote(link.certificate().getSubjectX500Principal().toString());
    }
}
