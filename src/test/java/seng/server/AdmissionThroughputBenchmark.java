package seng.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import seng.attest.Attestation;
import seng.attest.EvidenceVerifier;
import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.RaTlsCredentials;
import seng.client.SimulatedEnclave;
import seng.store.SqliteAllowlist;
import seng.store.StoreException;
import seng.store.TestDatabases;
import seng.Await;


/**
 * Measures admissions per second with the allowlist database; prints the figures and asserts no
 * timing. Off by default, because it takes about a minute and its numbers depend on the machine:
 *
 * <pre>./mvnw -q -B -Dbuild.dir=/tmp/store-build test -Dtest=AdmissionThroughputBenchmark -Dseng.benchmark=true</pre>
 *
 * The figures are in the test's output file under {@code surefire-reports}.
 */
@EnabledIfSystemProperty(named = "seng.benchmark", matches = "true")
class AdmissionThroughputBenchmark {
    private static final int ENCLAVES = 200;
    private static final int POLICY_CALLS_PER_THREAD = 250;
    private static final int TUNNEL_ROUNDS = 3;

    @TempDir
    Path dir;

    /** The admission policy alone: 200 virtual threads each admitting the same attested enclave, so only the queries count. */
    @Test
    void policyWithDatabase() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        RaTlsCredentials credentials = demoEnclave();
        Attestation attestation = new EvidenceVerifier(LoopbackServer.defaultConfig().trustPolicy(), Clock.systemUTC())
                .verify(credentials.certificateDer());
        InetAddress host = InetAddress.getLoopbackAddress();

        for (int readers : new int[]{1, 2, 4, 8}) {
            try (AllowlistAdmission admission = AllowlistAdmission.withCurrentSubnets(SqliteAllowlist.open(file, readers),
                    false)) {
                callPolicy(admission, attestation, host);
                long start = System.nanoTime();
                int admitted = callPolicy(admission, attestation, host);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("policy readers=%d threads=%d admissions=%d seconds=%.3f admissions_per_second=%.0f%n",
                        readers, ENCLAVES, admitted, seconds, admitted / seconds);
            }
        }
    }

    /**
     * Whole tunnels: 200 simulated enclaves connect at once, both handshakes and the address setup
     * each. The two servers take turns, after a warm-up round on each, so JIT warm-up favours neither.
     */
    @Test
    void tunnelsWithAndWithoutDatabase() throws Exception {
        Path file = TestDatabases.createUpstreamDemo(dir.resolve("demo_sqlite3.db"));
        List<RaTlsCredentials> enclaves = new ArrayList<>();
        for (int index = 0; index < ENCLAVES; index++) {
            enclaves.add(demoEnclave());
        }

        try (LoopbackServer open = LoopbackServer.start(UnaryOperator.identity());
                LoopbackServer allowlist = LoopbackServer.start(config -> withAllowlist(config, file))) {
            closeAll(open, connectAll(open, enclaves));
            closeAll(allowlist, connectAll(allowlist, enclaves));
            for (int round = 1; round <= TUNNEL_ROUNDS; round++) {
                measureRound("open", open, round, enclaves);
                measureRound("allowlist", allowlist, round, enclaves);
            }
        }
    }

    private static ServerConfig withAllowlist(ServerConfig config, Path file) {
        try {
            AllowlistAdmission admission = AllowlistAdmission.withCurrentSubnets(SqliteAllowlist.open(file), false);
            return new ServerConfig(config.tunnelAddress(), config.credentials(), config.trustPolicy(),
                    admission.network(), admission, config.gatewayFactory(), config.dtlsSettings(),
                    config.tunnelSettings(), config.pairingTimeout(), config.clock());
        } catch (StoreException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void measureRound(String admission, LoopbackServer loopback, int round, List<RaTlsCredentials> enclaves)
            throws Exception {
        long start = System.nanoTime();
        List<SimulatedEnclave> connected = connectAll(loopback, enclaves);
        double seconds = (System.nanoTime() - start) / 1e9;
        closeAll(loopback, connected);
        System.out.printf("tunnels admission=%s round=%d enclaves=%d seconds=%.3f admissions_per_second=%.0f%n",
                admission, round, enclaves.size(), seconds, enclaves.size() / seconds);
    }

    /** Connects every enclave at once and returns them when all have their address. */
    private static List<SimulatedEnclave> connectAll(LoopbackServer loopback, List<RaTlsCredentials> enclaves)
            throws Exception {
        List<SimulatedEnclave> connected = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<SimulatedEnclave>> connecting = new ArrayList<>();
            for (RaTlsCredentials credentials : enclaves) {
                connecting.add(executor.submit(() -> SimulatedEnclave.connect(loopback.address(),
                        credentials.keyPair().getPrivate(), credentials.certificateDer(), LoopbackServer.clientOptions())));
            }
            for (Future<SimulatedEnclave> future : connecting) {
                connected.add(future.get());
            }
        } catch (Exception e) {
            closeAll(loopback, connected);
            throw e;
        }
        assertThat(connected).hasSize(enclaves.size());
        return connected;
    }

    /** Closes the enclaves and waits until the server has ended their tunnels and freed their addresses. */
    private static void closeAll(LoopbackServer loopback, List<SimulatedEnclave> enclaves) throws InterruptedException {
        enclaves.forEach(SimulatedEnclave::close);
        Await.until(() -> loopback.server.tunnels().isEmpty());
    }

    private static int callPolicy(AllowlistAdmission admission, Attestation attestation, InetAddress host)
            throws Exception {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Integer>> threads = new ArrayList<>();
            for (int thread = 0; thread < ENCLAVES; thread++) {
                threads.add(executor.submit(() -> {
                    for (int call = 0; call < POLICY_CALLS_PER_THREAD; call++) {
                        assertThat(admission.admit(attestation, host).appName()).isEqualTo("DemoEnclave");
                    }
                    return POLICY_CALLS_PER_THREAD;
                }));
            }
            int admitted = 0;
            for (Future<Integer> thread : threads) {
                admitted += thread.get();
            }
            return admitted;
        }
    }

    private static RaTlsCredentials demoEnclave() {
        return new RaTlsCertificateBuilder(LoopbackServer.AUTHORITY, EnclaveIdentity.fromHex(
                TestDatabases.DEMO_ENCLAVE_MRENCLAVE, TestDatabases.DEMO_MRSIGNER, 0, 0, false)).build();
    }
}
