package seng.attest;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.security.PublicKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;

import seng.attest.AttestationException.Reason;

/**
 * The attestation evidence carried by an RA-TLS leaf certificate, decoded but not yet verified:
 * nothing here is trustworthy until {@link EvidenceVerifier} has checked it.
 *
 * <p>Each of the four {@link RaTlsExtension}s contains base64 text. Line breaks (CR and LF) are
 * removed before decoding, because OpenSSL's base64 encoder wraps lines. Any other character
 * outside the base64 alphabet is rejected, spaces included, and so is missing or non-canonical
 * padding. Byte arrays are copied on the way in and out.
 *
 * @param keyBinding the leaf certificate's public key and the encoding of it that the quote binds
 */
public record RaTlsEvidence(
        byte[] reportJson,
        X509Certificate signingCaCertificate,
        X509Certificate signingCertificate,
        byte[] reportSignature,
        KeyBinding keyBinding) {

    /** Larger certificates are rejected before parsing; real RA-TLS certificates are 4 to 6 KB. */
    public static final int MAX_CERTIFICATE_LENGTH = 64 * 1024;

    public RaTlsEvidence {
        reportJson = reportJson.clone();
        Objects.requireNonNull(signingCaCertificate, "signingCaCertificate");
        Objects.requireNonNull(signingCertificate, "signingCertificate");
        reportSignature = reportSignature.clone();
        Objects.requireNonNull(keyBinding, "keyBinding");
    }

    @Override
    public byte[] reportJson() {
        return reportJson.clone();
    }

    @Override
    public byte[] reportSignature() {
        return reportSignature.clone();
    }

    public PublicKey publicKey() {
        return keyBinding.publicKey();
    }

    /**
     * Extracts the evidence from a DER leaf certificate. The certificate's own signature and
     * validity period are not checked: RA-TLS certificates are self-signed, and the quote binding
     * their key is what makes them trustworthy.
     */
    public static RaTlsEvidence parse(byte[] leafCertificateDer) throws AttestationException {
        if (leafCertificateDer.length > MAX_CERTIFICATE_LENGTH) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID, "the client certificate has "
                    + leafCertificateDer.length + " bytes, more than the limit of " + MAX_CERTIFICATE_LENGTH);
        }
        try {
            return parseCertificate(leafCertificateDer);
        } catch (RuntimeException e) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID,
                    "the client certificate could not be parsed: " + e, e);
        }
    }

    private static RaTlsEvidence parseCertificate(byte[] der) throws AttestationException {
        Certificate certificate = parseLeaf(der);
        Extensions extensions = certificate.getTBSCertificate().getExtensions();

        Map<RaTlsExtension, byte[]> contents = new EnumMap<>(RaTlsExtension.class);
        for (RaTlsExtension extension : RaTlsExtension.values()) {
            contents.put(extension, extensionText(extensions, extension));
        }
        for (RaTlsExtension extension : RaTlsExtension.values()) {
            contents.put(extension, decodeBase64(extension, contents.get(extension)));
        }

        X509Certificate signingCa = parseIasCertificate(RaTlsExtension.SIGNING_CA_CERTIFICATE,
                contents.get(RaTlsExtension.SIGNING_CA_CERTIFICATE));
        X509Certificate signing = parseIasCertificate(RaTlsExtension.SIGNING_CERTIFICATE,
                contents.get(RaTlsExtension.SIGNING_CERTIFICATE));
        KeyBinding keyBinding = KeyBinding.fromSubjectPublicKeyInfo(
                encodeDer(certificate.getSubjectPublicKeyInfo().toASN1Primitive()));

        return new RaTlsEvidence(contents.get(RaTlsExtension.REPORT), signingCa, signing,
                contents.get(RaTlsExtension.REPORT_SIGNATURE), keyBinding);
    }

    private static Certificate parseLeaf(byte[] der) throws AttestationException {
        Certificate certificate;
        try {
            certificate = Certificate.getInstance(ASN1Primitive.fromByteArray(der));
        } catch (IOException | IllegalArgumentException | IllegalStateException e) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID,
                    "the client certificate is not a DER X.509 certificate: " + e.getMessage(), e);
        }
        if (certificate == null) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID, "the client certificate is empty");
        }
        return certificate;
    }

    private static byte[] extensionText(Extensions extensions, RaTlsExtension wanted) throws AttestationException {
        Extension extension = extensions == null ? null : extensions.getExtension(new ASN1ObjectIdentifier(wanted.oid()));
        if (extension == null) {
            throw new AttestationException(Reason.EXTENSION_MISSING,
                    "the client certificate has no " + wanted.description() + " extension (OID " + wanted.oid() + ")");
        }
        return extension.getExtnValue().getOctets();
    }

    private static byte[] decodeBase64(RaTlsExtension extension, byte[] text) throws AttestationException {
        try {
            return StrictBase64.decode(text, true);
        } catch (IllegalArgumentException e) {
            throw new AttestationException(Reason.EXTENSION_NOT_BASE64, "the " + extension.description()
                    + " extension (OID " + extension.oid() + ") is not base64 text: " + e.getMessage(), e);
        }
    }

    private static X509Certificate parseIasCertificate(RaTlsExtension extension, byte[] der) throws AttestationException {
        X509Certificate certificate;
        try {
            certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der));
        } catch (CertificateException | RuntimeException e) {
            throw new AttestationException(Reason.IAS_CERTIFICATE_INVALID, "the " + extension.description()
                    + " extension does not contain a DER X.509 certificate: " + e.getMessage(), e);
        }
        // The factory also accepts PEM and ignores trailing bytes; the evidence must be exactly one DER certificate.
        if (!Arrays.equals(encodedForm(certificate, extension), der)) {
            throw new AttestationException(Reason.IAS_CERTIFICATE_INVALID, "the " + extension.description()
                    + " extension does not contain exactly one DER certificate: it has trailing bytes or is PEM text");
        }
        return certificate;
    }

    private static byte[] encodedForm(X509Certificate certificate, RaTlsExtension extension) throws AttestationException {
        try {
            return certificate.getEncoded();
        } catch (CertificateException e) {
            throw new AttestationException(Reason.IAS_CERTIFICATE_INVALID,
                    "the " + extension.description() + " could not be encoded: " + e.getMessage(), e);
        }
    }

    private static byte[] encodeDer(ASN1Primitive primitive) throws AttestationException {
        try {
            return primitive.getEncoded(ASN1Encoding.DER);
        } catch (IOException e) {
            throw new AttestationException(Reason.CERTIFICATE_INVALID,
                    "the client certificate's public key could not be encoded: " + e.getMessage(), e);
        }
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RaTlsEvidence evidence
                && Arrays.equals(reportJson, evidence.reportJson)
                && signingCaCertificate.equals(evidence.signingCaCertificate)
                && signingCertificate.equals(evidence.signingCertificate)
                && Arrays.equals(reportSignature, evidence.reportSignature)
                && keyBinding.equals(evidence.keyBinding);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(reportJson), signingCertificate, keyBinding);
    }

    @Override
    public String toString() {
        return "RaTlsEvidence[reportJson=" + reportJson.length + " bytes, signingCaCertificate="
                + signingCaCertificate.getSubjectX500Principal() + ", signingCertificate="
                + signingCertificate.getSubjectX500Principal() + ", reportSignature=" + reportSignature.length
                + " bytes, keyBinding=" + keyBinding + "]";
    }
}
