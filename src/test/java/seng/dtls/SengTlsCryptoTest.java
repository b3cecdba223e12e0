package seng.dtls;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.PublicKey;
import java.security.cert.CertificateEncodingException;
import java.time.Duration;

import org.bouncycastle.tls.CertificateType;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCertificate;
import org.junit.jupiter.api.Test;

class SengTlsCryptoTest {
    private static final byte[] FIRST = certificateDer();
    private static final byte[] SECOND = certificateDer();

    private final SengTlsCrypto crypto = SengTlsCrypto.create();

    @Test
    void sameCertificateSharesOneKey() throws Exception {
        PublicKey first = publicKey(FIRST);
        PublicKey again = publicKey(FIRST.clone());

        assertThat(again).isSameAs(first);
    }

    @Test
    void differentCertificatesKeepTheirKeys() throws Exception {
        PublicKey first = publicKey(FIRST);
        PublicKey second = publicKey(SECOND);

        assertThat(second).isNotSameAs(first);
        assertThat(second.getEncoded()).isNotEqualTo(first.getEncoded());
    }

    @Test
    void fullCacheForgetsTheLeastRecentKey() throws Exception {
        PeerKeyCache cache = new PeerKeyCache(1);
        PublicKey first = parsedKey(FIRST);
        cache.intern(first);

        cache.intern(parsedKey(SECOND));
        PublicKey firstAgain = parsedKey(FIRST);

        assertThat(cache.intern(firstAgain)).isSameAs(firstAgain);
        assertThat(cache.size()).isEqualTo(1);
    }

    private PublicKey publicKey(byte[] der) throws Exception {
        KeyCachingCertificate certificate = (KeyCachingCertificate) crypto.createCertificate(CertificateType.X509, der);
        return certificate.getPublicKey();
    }

    private PublicKey parsedKey(byte[] der) throws Exception {
        return new JcaTlsCertificate(crypto, der).getX509Certificate().getPublicKey();
    }

    private static byte[] certificateDer() {
        try {
            return ServerCredentials.generateSelfSigned("peer", Duration.ofDays(1)).certificate().getEncoded();
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }
}
