package seng.attest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

import org.bouncycastle.util.io.pem.PemObject;
import org.bouncycastle.util.io.pem.PemReader;

/**
 * What {@link EvidenceVerifier} accepts beyond the checks every piece of evidence must pass.
 * Build one with {@link #builder}; the defaults follow the upstream SENG server where it had a
 * rule and are strict where it had none.
 *
 * @param trustedRoot the IAS root CA; the evidence's signing CA certificate must be this
 *     certificate or be signed by it
 * @param acceptedQuoteStatuses isvEnclaveQuoteStatus values that pass; default OK and
 *     GROUP_OUT_OF_DATE, as upstream
 * @param maxReportAge the maximum age of a report when verified. The default is none, because
 *     Intel has shut down the EPID attestation service (IAS) and no report can be fresh any more.
 * @param allowDebugEnclaves whether enclaves with the DEBUG attribute pass; default false
 * @param minIsvSvn the lowest ISV SVN that passes; default 0
 * @param allowedMrSigners lowercase hex MRSIGNERs that pass; empty, the default, means any
 * @param clockSkew how far a report timestamp may lie ahead of the verifier's clock; default 5 minutes
 */
public record TrustPolicy(
        X509Certificate trustedRoot,
        Set<String> acceptedQuoteStatuses,
        Optional<Duration> maxReportAge,
        boolean allowDebugEnclaves,
        int minIsvSvn,
        Set<String> allowedMrSigners,
        Duration clockSkew) {

    public static final String BUNDLED_INTEL_ROOT_RESOURCE = "/seng/attest/Intel_SGX_Attestation_RootCA.pem";

    /**
     * The statuses a policy may accept. IAS also returns SIGNATURE_INVALID, GROUP_REVOKED,
     * SIGNATURE_REVOKED, KEY_REVOKED and SIGRL_VERSION_MISMATCH; each of those means the quote
     * itself cannot be trusted, so no policy may accept them.
     */
    public static final Set<String> ACCEPTABLE_QUOTE_STATUSES = Set.of("OK", "GROUP_OUT_OF_DATE",
            "CONFIGURATION_NEEDED", "SW_HARDENING_NEEDED", "CONFIGURATION_AND_SW_HARDENING_NEEDED");

    public TrustPolicy {
        Objects.requireNonNull(trustedRoot, "trustedRoot");
        if (trustedRoot.getBasicConstraints() < 0) {
            throw new IllegalArgumentException("trusted IAS root " + trustedRoot.getSubjectX500Principal()
                    + " is not a CA certificate: its basicConstraints extension does not set CA");
        }
        acceptedQuoteStatuses = Set.copyOf(acceptedQuoteStatuses);
        for (String status : acceptedQuoteStatuses) {
            if (!ACCEPTABLE_QUOTE_STATUSES.contains(status)) {
                throw new IllegalArgumentException("quote status '" + status + "' cannot be accepted: expected one of "
                        + ACCEPTABLE_QUOTE_STATUSES);
            }
        }
        Objects.requireNonNull(maxReportAge, "maxReportAge");
        maxReportAge.ifPresent(age -> requirePositive("maximum report age", age));
        if (minIsvSvn < 0 || minIsvSvn > 0xFFFF) {
            throw new IllegalArgumentException("minimum ISV SVN " + minIsvSvn + " is out of range: expected 0 to 65535");
        }
        allowedMrSigners = Set.copyOf(allowedMrSigners);
        for (String mrSigner : allowedMrSigners) {
            if (mrSigner.length() != 64 || !mrSigner.equals(mrSigner.toLowerCase(Locale.ROOT)) || !isHex(mrSigner)) {
                throw new IllegalArgumentException("MRSIGNER '" + mrSigner + "' is invalid: expected 64 lowercase hex digits");
            }
        }
        Objects.requireNonNull(clockSkew, "clockSkew");
        if (clockSkew.isNegative()) {
            throw new IllegalArgumentException("clock skew " + clockSkew + " is negative");
        }
    }

    public static Builder builder(X509Certificate trustedRoot) {
        return new Builder(trustedRoot);
    }

    public boolean acceptsQuoteStatus(String status) {
        return acceptedQuoteStatuses.contains(status);
    }

    public boolean allowsMrSigner(String mrSignerHex) {
        return allowedMrSigners.isEmpty() || allowedMrSigners.contains(mrSignerHex);
    }

    /**
     * Loads the trusted IAS root CA from a PEM file that contains exactly one certificate.
     *
     * @throws IOException naming the file and the problem: not found, unreadable, not PEM, no or
     *     several certificates, a malformed certificate, or a certificate that is not a CA
     */
    public static X509Certificate loadRoot(Path pemFile) throws IOException {
        String pem;
        try {
            // ISO 8859-1 maps every byte, so a binary file reaches the PEM check instead of failing to decode.
            pem = Files.readString(pemFile, StandardCharsets.ISO_8859_1);
        } catch (NoSuchFileException e) {
            throw new IOException("trusted IAS root file " + pemFile + " not found", e);
        } catch (IOException e) {
            throw new IOException("trusted IAS root file " + pemFile + " could not be read: " + e.getMessage(), e);
        }
        return parseRoot(pem, "trusted IAS root file " + pemFile);
    }

    /** Returns the public Intel SGX Attestation Report Signing CA that the jar bundles. */
    public static X509Certificate bundledIntelRoot() {
        try (InputStream in = TrustPolicy.class.getResourceAsStream(BUNDLED_INTEL_ROOT_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("resource " + BUNDLED_INTEL_ROOT_RESOURCE + " is missing from the jar");
            }
            return parseRoot(new String(in.readAllBytes(), StandardCharsets.US_ASCII),
                    "resource " + BUNDLED_INTEL_ROOT_RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static X509Certificate parseRoot(String pem, String source) throws IOException {
        List<PemObject> blocks = readPemBlocks(pem, source);
        if (blocks.isEmpty()) {
            throw new IOException(source + " is not PEM: it has no -----BEGIN CERTIFICATE----- block");
        }
        for (PemObject block : blocks) {
            if (!block.getType().equals("CERTIFICATE")) {
                throw new IOException(source + " contains a PEM block of type '" + block.getType()
                        + "': expected only one CERTIFICATE block");
            }
        }
        if (blocks.size() > 1) {
            throw new IOException(source + " contains " + blocks.size() + " certificates: expected exactly one");
        }

        X509Certificate root;
        try {
            root = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(blocks.getFirst().getContent()));
        } catch (CertificateException e) {
            throw new IOException(source + " contains no valid X.509 certificate: " + e.getMessage(), e);
        }
        if (root.getBasicConstraints() < 0) {
            throw new IOException(source + " contains certificate " + root.getSubjectX500Principal()
                    + ", which is not a CA certificate: its basicConstraints extension does not set CA");
        }
        return root;
    }

    private static List<PemObject> readPemBlocks(String pem, String source) throws IOException {
        List<PemObject> blocks = new ArrayList<>();
        try (PemReader reader = new PemReader(new StringReader(pem))) {
            for (PemObject block = reader.readPemObject(); block != null; block = reader.readPemObject()) {
                blocks.add(block);
            }
        } catch (IOException | RuntimeException e) {
            throw new IOException(source + " is not valid PEM: " + e.getMessage(), e);
        }
        return blocks;
    }

    private static void requirePositive(String name, Duration duration) {
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(name + " " + duration + " is not positive");
        }
    }

    private static boolean isHex(String text) {
        return text.chars().allMatch(HexFormat::isHexDigit);
    }

    /** Collects policy settings; each setter replaces the earlier value. */
    public static final class Builder {
        private final X509Certificate trustedRoot;
        private Set<String> acceptedQuoteStatuses = Set.of("OK", "GROUP_OUT_OF_DATE");
        private Optional<Duration> maxReportAge = Optional.empty();
        private boolean allowDebugEnclaves;
        private int minIsvSvn;
        private Set<String> allowedMrSigners = Set.of();
        private Duration clockSkew = Duration.ofMinutes(5);

        private Builder(X509Certificate trustedRoot) {
            this.trustedRoot = Objects.requireNonNull(trustedRoot, "trustedRoot");
        }

        public Builder acceptedQuoteStatuses(Collection<String> statuses) {
            this.acceptedQuoteStatuses = new LinkedHashSet<>(statuses);
            return this;
        }

        public Builder acceptedQuoteStatuses(String... statuses) {
            return acceptedQuoteStatuses(List.of(statuses));
        }

        public Builder maxReportAge(Duration maxReportAge) {
            this.maxReportAge = Optional.of(maxReportAge);
            return this;
        }

        public Builder allowDebugEnclaves(boolean allowDebugEnclaves) {
            this.allowDebugEnclaves = allowDebugEnclaves;
            return this;
        }

        public Builder minIsvSvn(int minIsvSvn) {
            this.minIsvSvn = minIsvSvn;
            return this;
        }

        /**
         * Restricts the accepted MRSIGNERs, given as 64 hex digits in either case.
         *
         * @throws IllegalArgumentException for an empty collection: an allowlist that matches
         *     nothing would reject every enclave, and omitting this call allows any MRSIGNER
         */
        public Builder allowedMrSigners(Collection<String> mrSignersHex) {
            if (mrSignersHex.isEmpty()) {
                throw new IllegalArgumentException("the MRSIGNER allowlist is empty, so it would reject every enclave;"
                        + " leave it unset to allow any MRSIGNER");
            }
            Set<String> normalized = new LinkedHashSet<>();
            for (String mrSigner : mrSignersHex) {
                normalized.add(mrSigner.toLowerCase(Locale.ROOT));
            }
            this.allowedMrSigners = normalized;
            return this;
        }

        public Builder clockSkew(Duration clockSkew) {
            this.clockSkew = clockSkew;
            return this;
        }

        public TrustPolicy build() {
            return new TrustPolicy(trustedRoot, acceptedQuoteStatuses, maxReportAge, allowDebugEnclaves, minIsvSvn,
                    allowedMrSigners, clockSkew);
        }
    }
}
