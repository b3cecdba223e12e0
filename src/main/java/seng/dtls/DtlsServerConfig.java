package seng.dtls;

import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The settings every handshake of the server shares: the crypto backend ({@link SengTlsCrypto}),
 * the server's key and certificate, and the limits.
 */
public record DtlsServerConfig(JcaTlsCrypto crypto, ServerCredentials credentials, DtlsSettings settings) {

    public static DtlsServerConfig create(ServerCredentials credentials, DtlsSettings settings) {
        return new DtlsServerConfig(SengTlsCrypto.create(), credentials, settings);
    }
}
