package seng.dtls;

import java.io.IOException;
import java.security.PublicKey;

import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCertificate;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/** A peer certificate whose public key comes from a {@link PeerKeyCache}, so repeated peers verify faster. */
final class KeyCachingCertificate extends JcaTlsCertificate {
    private final PeerKeyCache keys;
    /** The key after its first lookup, because Bouncy Castle requests it more than once per handshake. */
    private PublicKey key;

    KeyCachingCertificate(JcaTlsCrypto crypto, byte[] encoding, PeerKeyCache keys) throws IOException {
        super(crypto, encoding);
        this.keys = keys;
    }

    @Override
    protected PublicKey getPublicKey() throws IOException {
        if (key == null) {
            key = keys.intern(super.getPublicKey());
        }
        return key;
    }
}
