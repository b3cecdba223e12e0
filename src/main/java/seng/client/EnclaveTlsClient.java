package seng.client;

import java.io.IOException;
import java.security.PrivateKey;
import java.util.Arrays;
import java.util.Vector;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentials;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;

/**
 * The client side of one tunnel handshake, configured as the SENG clients are: DTLS 1.2, the
 * ECDHE-ECDSA AES-128-GCM suite (or ECDHE-RSA for a server with an RSA key), the RA-TLS
 * certificate as client certificate, and the server certificate pinned when one is given.
 */
final class EnclaveTlsClient extends DefaultTlsClient {
    private static final int[] SUITES = {
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256};

    private final PrivateKey privateKey;
    private final byte[] certificateDer;
    private final byte[] pinnedServerCertificate;
    private final int[] groups;
    private final int handshakeTimeoutMillis;
    private volatile boolean closeNotifyReceived;
    private volatile short fatalAlertReceived = -1;

    /**
     * @param certificateDer the RA-TLS certificate, or null to act as a client without one
     * @param pinnedServerCertificate the DER the server must present, or null to accept any
     * @param groups the ECDHE groups to offer, such as {@code NamedGroup.secp384r1} alone to act
     *     like a client built on OpenSSL 1.0.2
     */
    EnclaveTlsClient(JcaTlsCrypto crypto, PrivateKey privateKey, byte[] certificateDer, byte[] pinnedServerCertificate,
            int[] groups, int handshakeTimeoutMillis) {
        super(crypto);
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
        this.privateKey = privateKey;
        this.certificateDer = certificateDer == null ? null : certificateDer.clone();
        this.pinnedServerCertificate = pinnedServerCertificate == null ? null : pinnedServerCertificate.clone();
        this.groups = groups.clone();
    }

    static int[] defaultGroups() {
        return new int[]{NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1};
    }

    boolean closeNotifyReceived() {
        return closeNotifyReceived;
    }

    short fatalAlertReceived() {
        return fatalAlertReceived;
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    public ProtocolVersion[] getProtocolVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), SUITES);
    }

    @Override
    protected Vector<Integer> getSupportedGroups(Vector namedGroupRoles) {
        Vector<Integer> supported = new Vector<>();
        for (int group : groups) {
            supported.add(group);
        }
        return supported;
    }

    @Override
    public TlsAuthentication getAuthentication() {
        return new TlsAuthentication() {
            @Override
            public void notifyServerCertificate(TlsServerCertificate serverCertificate) throws IOException {
                byte[] presented = serverCertificate.getCertificate().getCertificateAt(0).getEncoded();
                if (pinnedServerCertificate != null && !Arrays.equals(presented, pinnedServerCertificate)) {
                    throw new TlsFatalAlert(AlertDescription.bad_certificate, "server certificate is not the pinned one");
                }
            }

            @Override
            public TlsCredentials getClientCredentials(CertificateRequest request) throws IOException {
                return clientCredentials();
            }
        };
    }

    /** Returns null, which sends an empty Certificate message, when the client has no certificate. */
    private TlsCredentials clientCredentials() throws IOException {
        if (certificateDer == null) {
            return null;
        }
        JcaTlsCrypto crypto = (JcaTlsCrypto) getCrypto();
        short signatureAlgorithm = "EC".equals(privateKey.getAlgorithm()) ? SignatureAlgorithm.ecdsa : SignatureAlgorithm.rsa;
        Vector<?> serverAlgorithms = context.getSecurityParametersHandshake().getServerSigAlgs();
        SignatureAndHashAlgorithm algorithm = TlsUtils.chooseSignatureAndHashAlgorithm(context, serverAlgorithms,
                signatureAlgorithm);
        TlsCertificate certificate = crypto.createCertificate(certificateDer);
        return new JcaDefaultTlsCredentialedSigner(new TlsCryptoParameters(context), crypto, privateKey,
                new Certificate(new TlsCertificate[]{certificate}), algorithm);
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        if (alertDescription == AlertDescription.close_notify) {
            closeNotifyReceived = true;
        } else if (alertLevel == AlertLevel.fatal) {
            fatalAlertReceived = alertDescription;
        }
    }
}
