package seng.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

class FailureHintsTest {

    @Test
    void badCertificateNamesTestDirectory() {
        List<String> hints = FailureHints.explain(List.of("alert_sent_bad_certificate"), Path.of("/tmp/other"),
                "127.0.0.1:12600");

        assertThat(hints).containsExactly("alert_sent_bad_certificate: the enclaves rejected the server's certificate"
                + " because it is not /tmp/other/server-cert.pem. Give --test-dir the directory that the server on"
                + " 127.0.0.1:12600 was started with.");
    }

    @Test
    void unreachablePortNamesServer() {
        List<String> hints = FailureHints.explain(List.of("port_unreachable", "connect_timeout"), Path.of("seng-test"),
                "127.0.0.1:12600");

        assertThat(hints).singleElement().asString().startsWith("port_unreachable: no server listens on 127.0.0.1:12600.");
    }

    @Test
    void refusalPointsAtSubnetSize() {
        List<String> hints = FailureHints.explain(List.of("alert_received_handshake_failure"), Path.of("seng-test"),
                "127.0.0.1:12600");

        assertThat(hints).singleElement().asString().contains("--enclave-subnet", "reason=subnet_full");
    }

    @Test
    void otherFailuresGiveNoHint() {
        assertThat(FailureHints.explain(List.of("connect_timeout", "tunnel_timeout"), Path.of("seng-test"),
                "127.0.0.1:12600")).isEmpty();
    }
}
