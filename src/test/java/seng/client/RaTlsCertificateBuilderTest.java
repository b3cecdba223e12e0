package seng.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;

import org.bouncycastle.asn1.ASN1OctetString;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import seng.attest.IasReport;
import seng.attest.KeyBinding;
import seng.attest.RaTlsExtension;
import seng.attest.SgxQuote;
import seng.client.RaTlsCertificateBuilder.KeyType;

class RaTlsCertificateBuilderTest {
    private static TestIasAuthority authority;

    private final EnclaveIdentity identity = EnclaveIdentity.random();

    @BeforeAll
    static void generateAuthority() {
        authority = TestIasAuthority.generate();
    }

    private static String extensionText(RaTlsCredentials credentials, RaTlsExtension extension) {
        byte[] value = credentials.certificate().getExtensionValue(extension.oid());
        return value == null ? null : new String(ASN1OctetString.getInstance(value).getOctets(), StandardCharsets.ISO_8859_1);
    }

    private static byte[] extensionContent(RaTlsCredentials credentials, RaTlsExtension extension) {
        return Base64.getMimeDecoder().decode(extensionText(credentials, extension));
    }

    @Test
    void certificateCarriesFourNonCriticalBase64Extensions() throws Exception {
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(authority, identity).build();

        for (RaTlsExtension extension : RaTlsExtension.values()) {
            assertThat(credentials.certificate().getNonCriticalExtensionOIDs()).contains(extension.oid());
            assertThat(extensionText(credentials, extension)).matches("[A-Za-z0-9+/]+=*");
        }
        assertThat(credentials.certificate().getCriticalExtensionOIDs()).isNullOrEmpty();
        assertThat(extensionContent(credentials, RaTlsExtension.SIGNING_CA_CERTIFICATE))
                .isEqualTo(authority.rootCertificate().getEncoded());
        assertThat(extensionContent(credentials, RaTlsExtension.SIGNING_CERTIFICATE))
                .isEqualTo(authority.signingCertificate().getEncoded());
        byte[] report = extensionContent(credentials, RaTlsExtension.REPORT);
        assertThat(extensionContent(credentials, RaTlsExtension.REPORT_SIGNATURE)).isEqualTo(authority.sign(report));
    }

    @Test
    void certificateIsSelfSignedWithItsKey() throws Exception {
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(authority, identity).build();

        credentials.certificate().verify(credentials.keyPair().getPublic());
        assertThat(credentials.certificate().getEncoded()).isEqualTo(credentials.certificateDer());
        assertThat(credentials.certificate().getSigAlgName()).isEqualTo("SHA256withECDSA");
        assertThat(credentials.certificate().getPublicKey()).isEqualTo(credentials.keyPair().getPublic());
    }

    @Test
    void keyTypesAreSelectable() {
        RaTlsCredentials p384 = new RaTlsCertificateBuilder(authority, identity).keyType(KeyType.EC_P384).build();
        RaTlsCredentials rsa = new RaTlsCertificateBuilder(authority, identity).keyType(KeyType.RSA_2048).build();

        assertThat(((ECPublicKey) p384.keyPair().getPublic()).getParams().getCurve().getField().getFieldSize()).isEqualTo(384);
        assertThat(((RSAPublicKey) rsa.keyPair().getPublic()).getModulus().bitLength()).isEqualTo(2048);
        assertThat(rsa.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
    }

    @Test
    void quoteCarriesIdentityAndKeyBinding() throws Exception {
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(authority, identity).isvSvn(7).build();

        SgxQuote quote = SgxQuote.parse(credentials.quote());

        byte[] expectedHash = MessageDigest.getInstance("SHA-256")
                .digest(KeyBinding.of(credentials.keyPair().getPublic()).encodedKey());
        assertThat(quote.mrEnclave()).isEqualTo(identity.mrEnclave());
        assertThat(quote.mrSigner()).isEqualTo(identity.mrSigner());
        assertThat(quote.isvSvn()).isEqualTo(7);
        assertThat(quote.isDebug()).isFalse();
        assertThat(Arrays.copyOfRange(quote.reportData(), 0, 32)).isEqualTo(expectedHash);
        assertThat(Arrays.copyOfRange(quote.reportData(), 32, 64)).containsOnly(0);
    }

    @Test
    void reportCarriesQuoteAndStatus() throws Exception {
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(authority, identity)
                .quoteStatus("SW_HARDENING_NEEDED")
                .advisoryIds(List.of("INTEL-SA-00615"))
                .build();

        IasReport report = IasReport.parse(extensionContent(credentials, RaTlsExtension.REPORT));

        assertThat(report.isvEnclaveQuoteBody()).isEqualTo(credentials.quote());
        assertThat(report.isvEnclaveQuoteStatus()).isEqualTo("SW_HARDENING_NEEDED");
        assertThat(report.advisoryIds()).containsExactly("INTEL-SA-00615");
        assertThat(report.version()).isEqualTo(4);
    }

    @Test
    void debugFlagReachesTheQuote() throws Exception {
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(authority, identity).debug(true).build();

        assertThat(SgxQuote.parse(credentials.quote()).isDebug()).isTrue();
    }

    @Test
    void omittedExtensionIsAbsent() {
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(authority, identity)
                .omitExtension(RaTlsExtension.REPORT_SIGNATURE)
                .build();

        assertThat(extensionText(credentials, RaTlsExtension.REPORT_SIGNATURE)).isNull();
        assertThat(extensionText(credentials, RaTlsExtension.REPORT)).isNotNull();
    }

    @Test
    void wrappedBase64HasLinesOf64() {
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(authority, identity).wrapBase64Lines(true).build();

        String text = extensionText(credentials, RaTlsExtension.SIGNING_CERTIFICATE);

        assertThat(text.split("\n")).allMatch(line -> line.length() <= 64);
        assertThat(text).endsWith("\n");
    }

    @Test
    void eachBuildMakesANewKey() {
        RaTlsCertificateBuilder builder = new RaTlsCertificateBuilder(authority, identity);

        RaTlsCredentials first = builder.build();
        RaTlsCredentials second = builder.build();

        assertThat(first.keyPair().getPublic()).isNotEqualTo(second.keyPair().getPublic());
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void toStringShowsNoKeyMaterial() {
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(authority, identity).build();

        assertThat(credentials.toString()).contains("EC key").doesNotContain("private");
    }
}
