package seng.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;
import org.junit.jupiter.api.Test;

class ClientFailuresTest {

    @Test
    void receivedAlertIsNamed() {
        assertThat(ClientFailures.classify(new TlsFatalAlertReceived(AlertDescription.handshake_failure)))
                .isEqualTo("alert_received_handshake_failure");
        assertThat(ClientFailures.classify(new TlsFatalAlertReceived(AlertDescription.bad_certificate)))
                .isEqualTo("alert_received_bad_certificate");
    }

    @Test
    void sentAlertIsNamed() {
        assertThat(ClientFailures.classify(new TlsFatalAlert(AlertDescription.bad_certificate, "not the pinned one")))
                .isEqualTo("alert_sent_bad_certificate");
    }

    @Test
    void wrappedTransportErrorIsFoundInCauses() {
        TlsFatalAlert wrapped = new TlsFatalAlert(AlertDescription.internal_error,
                new PortUnreachableException("ICMP Port Unreachable"));

        assertThat(ClientFailures.classify(wrapped)).isEqualTo("port_unreachable");
    }

    @Test
    void timeoutsAreTold() {
        assertThat(ClientFailures.classify(new TlsTimeoutException("handshake timed out"))).isEqualTo("handshake_timeout");
        assertThat(ClientFailures.classify(new IOException(new SocketTimeoutException("Receive timed out"))))
                .isEqualTo("timeout");
        assertThat(ClientFailures.classify(new IOException("no IpAssignment from /127.0.0.1:1 within 10000 ms")))
                .isEqualTo("ip_assignment_timeout");
    }

    @Test
    void anythingElseNamesItsClass() {
        assertThat(ClientFailures.classify(new IllegalStateException("boom"))).isEqualTo("other_IllegalStateException");
    }
}
