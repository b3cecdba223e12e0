package seng.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.AlertLevel;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CertificateRequest;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.ClientCertificateType;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.NamedGroup;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsUtils;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.tinylog.Logger;

import seng.ip.HostPort;

/**
 * The DTLS 1.2 server side of one tunnel handshake, as the SENG clients expect it: one ECDHE
 * suite, a mandatory client certificate whose chain is not validated (its attestation evidence
 * is, by the {@link ClientCertificateHandler}), Extended Master Secret accepted but not required,
 * no resumption.
 */
final class SengTlsServer<T> extends DefaultTlsServer {
    private static final int[] ECDSA_SUITES = {CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
    private static final int[] RSA_SUITES = {
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256};
    /** The NIST curves stay because OpenSSL 1.0.2, which the SENG Runtime links, has no X25519. */
    private static final int[] GROUPS = {NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.secp384r1};

    private final ServerCredentials credentials;
    private final ClientCertificateHandler<T> handler;
    private final InetSocketAddress peer;
    private final int handshakeTimeoutMillis;

    private T client;
    private ClientRejectedException rejection;
    private volatile boolean closeNotifyReceived;
    private volatile short fatalAlertReceived = -1;

    SengTlsServer(JcaTlsCrypto crypto, ServerCredentials credentials, ClientCertificateHandler<T> handler,
            InetSocketAddress peer, int handshakeTimeoutMillis) {
        super(crypto);
        this.credentials = credentials;
        this.handler = handler;
        this.peer = peer;
        this.handshakeTimeoutMillis = handshakeTimeoutMillis;
    }

    T client() {
        return client;
    }

    /** Returns the rejection that ended the handshake, or null if none did. */
    ClientRejectedException rejection() {
        return rejection;
    }

    boolean closeNotifyReceived() {
        return closeNotifyReceived;
    }

    /** Returns the description of a fatal alert the client sent, or -1. */
    short fatalAlertReceived() {
        return fatalAlertReceived;
    }

    @Override
    public ProtocolVersion[] getProtocolVersions() {
        return ProtocolVersion.DTLSv12.only();
    }

    @Override
    protected int[] getSupportedCipherSuites() {
        return TlsUtils.getSupportedCipherSuites(getCrypto(), credentials.isEcdsa() ? ECDSA_SUITES : RSA_SUITES);
    }

    @Override
    public int[] getSupportedGroups() {
        return GROUPS.clone();
    }

    @Override
    public int getHandshakeTimeoutMillis() {
        return handshakeTimeoutMillis;
    }

    @Override
    public CertificateRequest getCertificateRequest() {
        short[] certificateTypes = {ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign};
        return new CertificateRequest(certificateTypes, TlsUtils.getDefaultSupportedSignatureAlgorithms(context), null);
    }

    /** Skips the signature algorithm check: the client certificate is self-signed and never validated as a chain. */
    @Override
    public boolean shouldCheckSigAlgOfPeerCerts() {
        return false;
    }

    @Override
    protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
        return credentials.signer(context, (JcaTlsCrypto) getCrypto(), SignatureAlgorithm.ecdsa);
    }

    @Override
    protected TlsCredentialedSigner getRSASignerCredentials() throws IOException {
        return credentials.signer(context, (JcaTlsCrypto) getCrypto(), SignatureAlgorithm.rsa);
    }

    @Override
    public void notifyClientCertificate(Certificate clientCertificate) throws IOException {
        if (clientCertificate == null || clientCertificate.isEmpty()) {
            throw reject(new ClientRejectedException("no_client_certificate",
                    "the client sent no certificate; SENG clients must present an RA-TLS certificate",
                    ClientRejectedException.Alert.HANDSHAKE_FAILURE));
        }
        try {
            client = handler.inspect(clientCertificate.getCertificateAt(0).getEncoded(), peer);
        } catch (ClientRejectedException e) {
            throw reject(e);
        }
    }

    @Override
    public void notifyHandshakeComplete() throws IOException {
        super.notifyHandshakeComplete();
        try {
            handler.admit(client, peer);
        } catch (ClientRejectedException e) {
            throw reject(e);
        }
    }

    private TlsFatalAlert reject(ClientRejectedException e) {
        rejection = e;
        return new TlsFatalAlert(e.alert().code, e.getMessage());
    }

    @Override
    public void notifyAlertRaised(short alertLevel, short alertDescription, String message, Throwable cause) {
        if (alertDescription != AlertDescription.close_notify) {
            Logger.debug("event=alert_sent peer={} level={} alert={} detail=\"{}\"", HostPort.format(peer),
                    AlertLevel.getName(alertLevel), AlertDescription.getName(alertDescription), message);
        }
    }

    @Override
    public void notifyAlertReceived(short alertLevel, short alertDescription) {
        if (alertDescription == AlertDescription.close_notify) {
            closeNotifyReceived = true;
        } else if (alertLevel == AlertLevel.fatal) {
            fatalAlertReceived = alertDescription;
        }
        Logger.debug("event=alert_received peer={} level={} alert={}", HostPort.format(peer),
                AlertLevel.getName(alertLevel), AlertDescription.getName(alertDescription));
    }
}
