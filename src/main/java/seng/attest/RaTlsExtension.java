package seng.attest;

/**
 * The four X.509 extensions that carry IAS evidence in an RA-TLS certificate. Each extension's
 * OCTET STRING contains ASCII base64 text of the content named here.
 */
public enum RaTlsExtension {
    /** The IAS attestation verification report: the exact JSON body bytes. */
    REPORT("1.2.840.113741.1337.2", "IAS report"),
    /** DER of the certificate that issued the report signing certificate. */
    SIGNING_CA_CERTIFICATE("1.2.840.113741.1337.3", "IAS signing CA certificate"),
    /** DER of the certificate whose key signed the report. */
    SIGNING_CERTIFICATE("1.2.840.113741.1337.4", "IAS signing certificate"),
    /** RSA PKCS#1 v1.5 SHA-256 signature over the report bytes. */
    REPORT_SIGNATURE("1.2.840.113741.1337.5", "IAS report signature");

    private final String oid;
    private final String description;

    RaTlsExtension(String oid, String description) {
        this.oid = oid;
        this.description = description;
    }

    public String oid() {
        return oid;
    }

    /** Returns a short name for messages, such as "IAS report signature". */
    public String description() {
        return description;
    }
}
