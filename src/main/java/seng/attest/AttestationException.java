package seng.attest;

import java.util.Objects;

/**
 * Evidence in an RA-TLS certificate failed a check. {@link #reason()} identifies the check, and the
 * message describes the problem in a sentence that names the value where that helps an operator.
 */
public final class AttestationException extends Exception {

    /**
     * The check that failed. Each {@link #code()} is stable: metrics use it as a label and audit
     * logs record it, so a constant may be added but never renamed.
     */
    public enum Reason {
        /** The leaf certificate is too large or does not parse as an X.509 certificate. */
        CERTIFICATE_INVALID("certificate_invalid"),
        /** One of the four RA-TLS extensions is absent. */
        EXTENSION_MISSING("extension_missing"),
        /** An RA-TLS extension is empty or not strict base64 text. */
        EXTENSION_NOT_BASE64("extension_not_base64"),
        /** The leaf key is neither RSA nor EC on P-256, P-384 or P-521, so it cannot be bound. */
        KEY_TYPE_UNSUPPORTED("key_type_unsupported"),
        /** The IAS signing certificate or signing CA certificate does not parse or cannot sign. */
        IAS_CERTIFICATE_INVALID("ias_certificate_invalid"),
        /** The IAS certificates do not chain to the trusted root. */
        IAS_CHAIN_UNTRUSTED("ias_chain_untrusted"),
        /** An IAS certificate had expired when the report was signed. */
        IAS_CERTIFICATE_EXPIRED("ias_certificate_expired"),
        /** An IAS certificate was not yet valid when the report was signed. */
        IAS_CERTIFICATE_NOT_YET_VALID("ias_certificate_not_yet_valid"),
        /** The report signature does not verify over the report bytes. */
        REPORT_SIGNATURE_INVALID("report_signature_invalid"),
        /** The signed report is not one JSON object, or it repeats a key. */
        REPORT_INVALID_JSON("report_invalid_json"),
        /** A report field is missing, has the wrong JSON type or an invalid value. */
        REPORT_FIELD_INVALID("report_field_invalid"),
        /** The report timestamp is later than now plus the allowed clock skew. */
        REPORT_FROM_FUTURE("report_from_future"),
        /** The report is older than the policy's maximum report age. */
        REPORT_TOO_OLD("report_too_old"),
        /** The policy does not accept the report's isvEnclaveQuoteStatus. */
        QUOTE_STATUS_REJECTED("quote_status_rejected"),
        /** The quote body is not exactly 432 bytes. */
        QUOTE_INVALID("quote_invalid"),
        /** The quote's report_data does not bind the certificate's public key. */
        KEY_BINDING_MISMATCH("key_binding_mismatch"),
        /** The enclave runs in debug mode and the policy rejects debug enclaves. */
        DEBUG_ENCLAVE("debug_enclave"),
        /** The enclave's ISV SVN is below the policy's minimum. */
        ISV_SVN_TOO_LOW("isv_svn_too_low"),
        /** The enclave's MRSIGNER is not in the policy's allowlist. */
        MRSIGNER_NOT_ALLOWED("mrsigner_not_allowed");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    private final Reason reason;
    private IasReport report;
    private SgxQuote quote;

    public AttestationException(Reason reason, String message) {
        super(message);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public AttestationException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() {
        return reason;
    }

    /**
     * Attaches the signed report and, when it parsed, its quote, so a refusal decided after the
     * signature check can still be logged with the enclave's identity.
     */
    AttestationException withEvidence(IasReport signedReport, SgxQuote parsedQuote) {
        report = signedReport;
        quote = parsedQuote;
        return this;
    }

    /** Returns the IAS report, whose signature verified, or empty if the check failed earlier. */
    public java.util.Optional<IasReport> report() {
        return java.util.Optional.ofNullable(report);
    }

    /** Returns the quote of a report whose signature verified, or empty if there is none. */
    public java.util.Optional<SgxQuote> quote() {
        return java.util.Optional.ofNullable(quote);
    }
}
