package seng.client;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X962Parameters;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.cert.CertIOException;
import org.bouncycastle.cert.X509v3CertificateBuilder;

import seng.attest.AttestationException;
import seng.attest.IasReport;
import seng.attest.KeyBinding;
import seng.attest.RaTlsExtension;
import seng.attest.SgxQuote;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Makes RA-TLS client credentials the way a SENG enclave does, with a {@link TestIasAuthority} in
 * place of Intel: a fresh key pair, a quote whose report_data is SHA-256 of the key binding
 * encoding followed by 32 zero bytes, an IAS report carrying the quote, the authority's signature
 * over it, and a self-signed certificate with the four evidence extensions as base64 text.
 *
 * <p>Defaults produce credentials that {@code EvidenceVerifier} accepts when it trusts the
 * authority's root. The other setters break one thing each, for negative tests. A builder is not
 * thread-safe, but {@link #build} may be called repeatedly, each time with a new key pair unless
 * {@link #keyPair} fixed one.
 */
public final class RaTlsCertificateBuilder {

    /** Key types a simulated enclave can generate. */
    public enum KeyType {
        EC_P256, EC_P384, RSA_2048
    }

    /** Evidence made elsewhere, such as a real Intel report, that the certificate carries as is. */
    private record PresetEvidence(byte[] reportJson, byte[] signingCaDer, byte[] signingDer, byte[] signature) {
    }

    private static final X500Name SUBJECT = new X500Name("CN=SENG simulated enclave");
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SecureRandom RANDOM = new SecureRandom();

    private final TestIasAuthority authority;
    private EnclaveIdentity identity;
    private KeyType keyType = KeyType.EC_P256;
    private KeyPair keyPair;
    private boolean compressedPoint;
    private PublicKey boundKey;
    private String quoteStatus = "OK";
    private Instant reportTimestamp;
    private List<String> advisoryIds = List.of();
    private byte[] quote;
    private byte[] reportJson;
    private PresetEvidence presetEvidence;
    private boolean tamperReportAfterSigning;
    private boolean wrapBase64Lines;
    private final Set<RaTlsExtension> omittedExtensions = EnumSet.noneOf(RaTlsExtension.class);
    private final Map<RaTlsExtension, String> extensionTexts = new EnumMap<>(RaTlsExtension.class);

    public RaTlsCertificateBuilder(TestIasAuthority authority, EnclaveIdentity identity) {
        this.authority = Objects.requireNonNull(authority, "authority");
        this.identity = Objects.requireNonNull(identity, "identity");
    }

    /** Selects the key type to generate; the default is EC on P-256. */
    public RaTlsCertificateBuilder keyType(KeyType keyType) {
        this.keyType = Objects.requireNonNull(keyType, "keyType");
        return this;
    }

    /**
     * Uses this key pair instead of generating one. Any key the JDK can sign with works, such as
     * Ed25519. For a key type the verifier does not support, report_data contains SHA-256 of the
     * key's SubjectPublicKeyInfo, so the certificate is well formed but must be rejected.
     */
    public RaTlsCertificateBuilder keyPair(KeyPair keyPair) {
        this.keyPair = Objects.requireNonNull(keyPair, "keyPair");
        return this;
    }

    /** Writes an EC public key into the certificate as a compressed point. */
    public RaTlsCertificateBuilder compressedPoint(boolean compressedPoint) {
        this.compressedPoint = compressedPoint;
        return this;
    }

    public RaTlsCertificateBuilder identity(EnclaveIdentity identity) {
        this.identity = Objects.requireNonNull(identity, "identity");
        return this;
    }

    public RaTlsCertificateBuilder debug(boolean debug) {
        this.identity = identity.withDebug(debug);
        return this;
    }

    public RaTlsCertificateBuilder isvSvn(int isvSvn) {
        this.identity = identity.withIsvSvn(isvSvn);
        return this;
    }

    /** Makes the quote bind {@code key} instead of the certificate's key: a wrong binding. */
    public RaTlsCertificateBuilder bindKey(PublicKey key) {
        this.boundKey = Objects.requireNonNull(key, "key");
        return this;
    }

    /** Sets isvEnclaveQuoteStatus; the default is OK. */
    public RaTlsCertificateBuilder quoteStatus(String quoteStatus) {
        this.quoteStatus = Objects.requireNonNull(quoteStatus, "quoteStatus");
        return this;
    }

    /** Sets the report timestamp; the default is the moment of {@link #build}. */
    public RaTlsCertificateBuilder reportTimestamp(Instant reportTimestamp) {
        this.reportTimestamp = Objects.requireNonNull(reportTimestamp, "reportTimestamp");
        return this;
    }

    /** Sets advisoryIDs, and advisoryURL with them; the default is neither field. */
    public RaTlsCertificateBuilder advisoryIds(List<String> advisoryIds) {
        this.advisoryIds = List.copyOf(advisoryIds);
        return this;
    }

    /** Puts these bytes into the report as isvEnclaveQuoteBody instead of the built quote. */
    public RaTlsCertificateBuilder quote(byte[] quote) {
        this.quote = quote.clone();
        return this;
    }

    /** Has the authority sign these bytes instead of the built report, such as broken JSON. */
    public RaTlsCertificateBuilder reportJson(byte[] reportJson) {
        this.reportJson = reportJson.clone();
        return this;
    }

    /**
     * Carries evidence made elsewhere instead of building a quote and report. The authority then
     * signs nothing, and the certificate's key is bound only if the report happens to bind it.
     */
    public RaTlsCertificateBuilder evidence(byte[] reportJson, byte[] signingCaDer, byte[] signingDer,
            byte[] signature) {
        this.presetEvidence = new PresetEvidence(reportJson.clone(), signingCaDer.clone(), signingDer.clone(),
                signature.clone());
        return this;
    }

    /** Flips one bit in the middle of the report after it was signed. */
    public RaTlsCertificateBuilder tamperReportAfterSigning() {
        this.tamperReportAfterSigning = true;
        return this;
    }

    /** Leaves out one extension. */
    public RaTlsCertificateBuilder omitExtension(RaTlsExtension extension) {
        omittedExtensions.add(extension);
        return this;
    }

    /** Puts {@code text} into the extension instead of the base64 of its content. */
    public RaTlsCertificateBuilder extensionText(RaTlsExtension extension, String text) {
        extensionTexts.put(extension, text);
        return this;
    }

    /** Wraps each extension's base64 text into lines of 64 characters, as OpenSSL's encoder does. */
    public RaTlsCertificateBuilder wrapBase64Lines(boolean wrapBase64Lines) {
        this.wrapBase64Lines = wrapBase64Lines;
        return this;
    }

    public RaTlsCredentials build() {
        try {
            KeyPair keys = keyPair != null ? keyPair : generateKeyPair(keyType);
            byte[] quoteBytes = quote != null ? quote.clone()
                    : buildQuote(identity, reportData(boundKey != null ? boundKey : keys.getPublic()));
            PresetEvidence evidence = presetEvidence != null ? presetEvidence : signedEvidence(quoteBytes);
            if (tamperReportAfterSigning) {
                byte[] tampered = evidence.reportJson().clone();
                tampered[tampered.length / 2] ^= 0x01;
                evidence = new PresetEvidence(tampered, evidence.signingCaDer(), evidence.signingDer(), evidence.signature());
            }
            byte[] certificateDer = issueCertificate(keys, evidence);
            X509Certificate certificate = CertificateTools.parse(certificateDer, compressedPoint);
            return new RaTlsCredentials(keys, certificate, certificateDer, quoteBytes);
        } catch (GeneralSecurityException | CertIOException e) {
            throw new IllegalStateException("the RA-TLS test certificate could not be built: " + e.getMessage(), e);
        }
    }

    private static KeyPair generateKeyPair(KeyType type) throws GeneralSecurityException {
        KeyPairGenerator generator;
        switch (type) {
            case EC_P256 -> {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp256r1"));
            }
            case EC_P384 -> {
                generator = KeyPairGenerator.getInstance("EC");
                generator.initialize(new ECGenParameterSpec("secp384r1"));
            }
            case RSA_2048 -> {
                generator = KeyPairGenerator.getInstance("RSA");
                generator.initialize(2048);
            }
            default -> throw new IllegalArgumentException("unknown key type " + type);
        }
        return generator.generateKeyPair();
    }

    private static byte[] reportData(PublicKey key) throws GeneralSecurityException {
        byte[] hash;
        try {
            hash = KeyBinding.of(key).sha256();
        } catch (AttestationException e) {
            hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
        }
        byte[] reportData = new byte[64];
        System.arraycopy(hash, 0, reportData, 0, hash.length);
        return reportData;
    }

    /**
     * Lays out an EPID quote as in {@code sgx_quote_t}: version 2, unlinkable signature, and a
     * report body with the identity, attributes INIT and MODE64BIT (plus DEBUG for a debug
     * identity) and the given report_data.
     */
    private static byte[] buildQuote(EnclaveIdentity identity, byte[] reportData) {
        ByteBuffer quote = ByteBuffer.allocate(SgxQuote.LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        quote.putShort(0, (short) 2);
        quote.putShort(2, (short) 0);
        quote.putInt(4, 0x00000BAD);
        quote.putShort(8, (short) 11);
        quote.putShort(10, (short) 10);
        byte[] basename = new byte[32];
        RANDOM.nextBytes(basename);
        quote.put(16, basename);

        int body = 48;
        quote.put(body, new byte[] {0x0E, 0x0E, 0x02, 0x04, 0x01, (byte) 0x80, 0x07});
        long flags = 0x01 | 0x04 | (identity.debug() ? 0x02 : 0);
        quote.putLong(body + 48, flags);
        quote.putLong(body + 56, 0x07);
        quote.put(body + 64, identity.mrEnclave());
        quote.put(body + 128, identity.mrSigner());
        quote.putShort(body + 256, (short) identity.isvProdId());
        quote.putShort(body + 258, (short) identity.isvSvn());
        quote.put(body + 320, reportData);
        return quote.array();
    }

    private PresetEvidence signedEvidence(byte[] quoteBytes) throws CertificateEncodingException {
        byte[] json = reportJson != null ? reportJson.clone() : buildReport(quoteBytes);
        return new PresetEvidence(json, authority.rootCertificate().getEncoded(),
                authority.signingCertificate().getEncoded(), authority.sign(json));
    }

    private byte[] buildReport(byte[] quoteBytes) {
        ObjectNode report = JSON.createObjectNode();
        report.put("id", new BigInteger(128, RANDOM).toString());
        report.put("timestamp", IasReport.formatTimestamp(reportTimestamp != null ? reportTimestamp : Instant.now()));
        report.put("version", 4);
        if (!advisoryIds.isEmpty()) {
            report.put("advisoryURL", "https://security-center.intel.com");
            ArrayNode ids = report.putArray("advisoryIDs");
            advisoryIds.forEach(ids::add);
        }
        report.put("isvEnclaveQuoteStatus", quoteStatus);
        report.put("isvEnclaveQuoteBody", Base64.getEncoder().encodeToString(quoteBytes));
        return JSON.writeValueAsBytes(report);
    }

    private byte[] issueCertificate(KeyPair keys, PresetEvidence evidence)
            throws GeneralSecurityException, CertIOException {
        Instant now = Instant.now();
        X509v3CertificateBuilder builder = new X509v3CertificateBuilder(SUBJECT, CertificateTools.randomSerial(),
                Date.from(now.minus(Duration.ofDays(1))), Date.from(now.plus(Duration.ofDays(365))), SUBJECT,
                subjectPublicKeyInfo(keys.getPublic()));

        Map<RaTlsExtension, byte[]> contents = Map.of(
                RaTlsExtension.REPORT, evidence.reportJson(),
                RaTlsExtension.SIGNING_CA_CERTIFICATE, evidence.signingCaDer(),
                RaTlsExtension.SIGNING_CERTIFICATE, evidence.signingDer(),
                RaTlsExtension.REPORT_SIGNATURE, evidence.signature());
        for (RaTlsExtension extension : RaTlsExtension.values()) {
            if (omittedExtensions.contains(extension)) {
                continue;
            }
            String text = extensionTexts.getOrDefault(extension, base64(contents.get(extension)));
            builder.addExtension(new ASN1ObjectIdentifier(extension.oid()), false,
                    text.getBytes(StandardCharsets.ISO_8859_1));
        }
        return CertificateTools.sign(builder, keys.getPrivate());
    }

    private SubjectPublicKeyInfo subjectPublicKeyInfo(PublicKey key) {
        SubjectPublicKeyInfo info = SubjectPublicKeyInfo.getInstance(key.getEncoded());
        if (!compressedPoint) {
            return info;
        }
        if (!key.getAlgorithm().equals("EC")) {
            throw new IllegalStateException("a compressed point needs an EC key, not " + key.getAlgorithm());
        }
        X962Parameters parameters = X962Parameters.getInstance(info.getAlgorithm().getParameters());
        X9ECParameters curve = ECNamedCurveTable.getByOID(ASN1ObjectIdentifier.getInstance(parameters.getParameters()));
        byte[] compressed = curve.getCurve().decodePoint(info.getPublicKeyData().getOctets()).getEncoded(true);
        return new SubjectPublicKeyInfo(info.getAlgorithm(), compressed);
    }

    private String base64(byte[] content) {
        if (wrapBase64Lines) {
            return Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(content) + "\n";
        }
        return Base64.getEncoder().encodeToString(content);
    }
}
