package seng.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import seng.Await;
import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.RaTlsCredentials;
import seng.client.SimulatedEnclave;
import seng.dtls.ClientRejectedException;

/** Every admission decision and every tunnel end is one line with all its fields, as operators grep them. */
class AuditLogTest {
    private static final Path LOG = Path.of(System.getProperty("seng.test.log"));
    private static final List<String> ADMISSION_FIELDS = List.of("event=admission", "decision=", "reason=", "tunnel=",
            "peer=", "app=", "mrenclave=", "mrsigner=", "quote_status=", "advisory_ids=", "enclave=");

    @Test
    void admittedEnclaveLineHasEveryField() throws Exception {
        EnclaveIdentity identity = EnclaveIdentity.random();
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(LoopbackServer.AUTHORITY, identity)
                .quoteStatus("GROUP_OUT_OF_DATE").advisoryIds(List.of("INTEL-SA-00219", "INTEL-SA-00334")).build();
        try (LoopbackServer loopback = LoopbackServer.start();
                SimulatedEnclave enclave = loopback.connect(credentials)) {
            String line = awaitLine(identity.mrEnclaveHex(), "decision=admitted");

            assertThat(line).contains(ADMISSION_FIELDS);
            assertThat(line).contains("mrsigner=" + identity.mrSignerHex());
            assertThat(line).contains("quote_status=GROUP_OUT_OF_DATE");
            assertThat(line).contains("advisory_ids=INTEL-SA-00219,INTEL-SA-00334");
            assertThat(line).contains("enclave=" + seng.ip.Ipv4Address.format(enclave.address()));
            assertThat(line).contains("reason=-");
        }
    }

    @Test
    void refusedEnclaveLineHasEveryField() throws Exception {
        EnclaveIdentity identity = EnclaveIdentity.random();
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(LoopbackServer.AUTHORITY, identity).build();
        AdmissionPolicy refuseAll = (attestation, host) -> {
            throw new ClientRejectedException("host_not_allowed", "no row allows host " + host.getHostAddress(),
                    ClientRejectedException.Alert.ACCESS_DENIED);
        };
        try (LoopbackServer loopback = LoopbackServer.start(config -> config.withAdmissionPolicy(refuseAll))) {
            assertThatThrownBy(() -> loopback.connect(credentials)).isInstanceOf(IOException.class);
            String line = awaitLine(identity.mrEnclaveHex(), "decision=refused");

            assertThat(line).contains(ADMISSION_FIELDS);
            assertThat(line).contains("reason=host_not_allowed", "mrsigner=" + identity.mrSignerHex(), "quote_status=OK",
                    "enclave=-", "detail=\"no row allows host 127.0.0.1\"");
        }
    }

    @Test
    void attestationRefusalAfterSignatureNamesEnclave() throws Exception {
        EnclaveIdentity identity = EnclaveIdentity.random().withDebug(true);
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(LoopbackServer.AUTHORITY, identity).build();
        try (LoopbackServer loopback = LoopbackServer.start()) {
            assertThatThrownBy(() -> loopback.connect(credentials)).isInstanceOf(IOException.class);
            String line = awaitLine(identity.mrEnclaveHex(), "decision=refused");

            assertThat(line).contains("reason=debug_enclave", "mrsigner=" + identity.mrSignerHex(), "quote_status=OK");
        }
    }

    @Test
    void tunnelEndLineHasDurationAndCounters() throws Exception {
        EnclaveIdentity identity = EnclaveIdentity.random();
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(LoopbackServer.AUTHORITY, identity).build();
        try (LoopbackServer loopback = LoopbackServer.start()) {
            try (SimulatedEnclave enclave = loopback.connect(credentials)) {
                enclave.ping(enclave.gateway(), java.time.Duration.ofSeconds(5));
            }
            String line = awaitLine(identity.mrEnclaveHex(), "event=tunnel_ended");

            assertThat(line).containsPattern("reason=tunnel[12]_close_notify");
            assertThat(line).contains("duration_s=", "packets_from_enclave=1",
                    "bytes_from_enclave=60", "packets_to_enclave=1", "bytes_to_enclave=60", "drops=-");
        }
    }

    /** Waits for the log line that contains both texts and returns it. */
    private static String awaitLine(String first, String second) throws InterruptedException {
        String[] found = new String[1];
        Await.until(() -> {
            found[0] = lines().stream().filter(line -> line.contains(first) && line.contains(second)).findFirst().orElse(null);
            return found[0] != null;
        });
        return found[0];
    }

    private static List<String> lines() {
        try {
            return Files.readAllLines(LOG, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return List.of();
        }
    }
}
