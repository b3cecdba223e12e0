package seng.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.util.function.UnaryOperator;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import seng.attest.RaTlsExtension;
import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.RaTlsCredentials;
import seng.client.SimulatedEnclave;
import seng.client.TestIasAuthority;
import seng.Await;


/**
 * Each kind of bad client is turned away during the handshake with a fatal alert, counted under
 * its own reason, and leaves the address pool as it was.
 */
class RefusedHandshakeTest {
    private static LoopbackServer loopback;

    @BeforeAll
    static void startServer() throws IOException {
        loopback = LoopbackServer.start();
    }

    @AfterAll
    static void stopServer() {
        loopback.close();
    }

    @Test
    void clientWithoutCertificateIsRefused() throws Exception {
        KeyPair unused = ecKeyPair();

        assertRefused(unused, null, "no_client_certificate", AlertDescription.handshake_failure);
    }

    @Test
    void certificateWithoutSgxExtensionsIsRefused() throws Exception {
        RaTlsCredentials credentials = build(builder -> builder
                .omitExtension(RaTlsExtension.REPORT)
                .omitExtension(RaTlsExtension.SIGNING_CA_CERTIFICATE)
                .omitExtension(RaTlsExtension.SIGNING_CERTIFICATE)
                .omitExtension(RaTlsExtension.REPORT_SIGNATURE));

        assertRefused(credentials, "extension_missing");
    }

    @Test
    void wrongKeyBindingIsRefused() throws Exception {
        KeyPair otherKey = ecKeyPair();
        RaTlsCredentials credentials = build(builder -> builder.bindKey(otherKey.getPublic()));

        assertRefused(credentials, "key_binding_mismatch");
    }

    @Test
    void untrustedIasRootIsRefused() throws Exception {
        TestIasAuthority stranger = TestIasAuthority.generate();
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(stranger, EnclaveIdentity.random()).build();

        assertRefused(credentials, "ias_chain_untrusted");
    }

    @Test
    void tamperedReportIsRefused() throws Exception {
        RaTlsCredentials credentials = build(RaTlsCertificateBuilder::tamperReportAfterSigning);

        assertRefused(credentials, "report_signature_invalid");
    }

    @Test
    void extensionThatIsNotBase64IsRefused() throws Exception {
        RaTlsCredentials credentials = build(builder -> builder.extensionText(RaTlsExtension.REPORT, "not base64 at all!"));

        assertRefused(credentials, "extension_not_base64");
    }

    @Test
    void tunnel2WithoutWaitingTunnel1IsRefused() throws Exception {
        RaTlsCredentials credentials = LoopbackServer.enclaveCredentials();
        java.net.InetSocketAddress tunnel2 = loopback.server.tunnel2Address();
        int freeBefore = loopback.freeAddresses();
        long refusedBefore = loopback.server.handshakes().count(2, "no_waiting_tunnel1");

        assertThatThrownBy(() -> SimulatedEnclave.openTunnel1(tunnel2, credentials.keyPair().getPrivate(),
                credentials.certificateDer(), LoopbackServer.clientOptions()))
                .isInstanceOf(TlsFatalAlertReceived.class);

        Await.until(() -> loopback.server.handshakes().count(2, "no_waiting_tunnel1") == refusedBefore + 1);
        assertThat(loopback.freeAddresses()).isEqualTo(freeBefore);
    }

    private static RaTlsCredentials build(UnaryOperator<RaTlsCertificateBuilder> customize) {
        return customize.apply(new RaTlsCertificateBuilder(LoopbackServer.AUTHORITY, EnclaveIdentity.random())).build();
    }

    private static void assertRefused(RaTlsCredentials credentials, String reason) throws Exception {
        assertRefused(credentials.keyPair(), credentials.certificateDer(), reason, AlertDescription.bad_certificate);
    }

    private static void assertRefused(KeyPair keyPair, byte[] certificateDer, String reason, short expectedAlert)
            throws Exception {
        int freeBefore = loopback.freeAddresses();
        long refusedBefore = loopback.server.handshakes().count(1, reason);

        assertThatThrownBy(() -> SimulatedEnclave.openTunnel1(loopback.address(), keyPair.getPrivate(), certificateDer,
                LoopbackServer.clientOptions()))
                .isInstanceOfSatisfying(TlsFatalAlertReceived.class,
                        alert -> assertThat(alert.getAlertDescription()).isEqualTo(expectedAlert));

        Await.until(() -> loopback.server.handshakes().count(1, reason) == refusedBefore + 1);
        assertThat(loopback.freeAddresses()).isEqualTo(freeBefore);
        assertThat(loopback.server.handshakes().count(1, "admitted")).isZero();
        assertThat(loopback.server.tunnel1Endpoint().peerCount()).isZero();
    }

    private static KeyPair ecKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
