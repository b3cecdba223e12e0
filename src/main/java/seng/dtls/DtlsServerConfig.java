package seng.dtls;

import java.security.SecureRandom;

import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;

/**
 * What every handshake of the server shares: the crypto backend, the server's key and
 * certificate, and the limits.
 *
 * <p>The JCA backend is used because its AES-GCM runs on the JDK's AES-NI intrinsics, many times
 * faster than Bouncy Castle's pure-Java AES on the per-packet record path.
 */
public record DtlsServerConfig(JcaTlsCrypto crypto, ServerCredentials credentials, DtlsSettings settings) {

    public static DtlsServerConfig create(ServerCredentials credentials, DtlsSettings settings) {
        return new DtlsServerConfig(new JcaTlsCryptoProvider().create(new SecureRandom()), credentials, settings);
    }
}
