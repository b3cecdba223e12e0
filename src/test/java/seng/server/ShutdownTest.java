package seng.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seng.client.RaTlsCredentials;
import seng.client.SimulatedEnclave;
import seng.Await;


/**
 * SIGTERM to a server process with connected enclaves: it says goodbye to every client, exits 0
 * within its grace period, and leaves its ports free for the next server.
 */
class ShutdownTest {
    private static final int GRACE_SECONDS = 5;

    @TempDir
    Path dir;

    @Test
    void sigtermClosesEveryTunnelAndExitsZero() throws Exception {
        int port = freePortPair();
        List<String> arguments = List.of("--loopback", "--shutdown-grace", Integer.toString(GRACE_SECONDS),
                "127.0.0.1", Integer.toString(port));
        InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
        List<SimulatedEnclave> enclaves = new ArrayList<>();

        try (ServerProcess server = ServerProcess.start(List.of(), System.getProperty("java.class.path"), dir, arguments);
                ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<SimulatedEnclave>> connecting = new ArrayList<>();
            for (int index = 0; index < 10; index++) {
                RaTlsCredentials credentials = LoopbackServer.enclaveCredentials();
                connecting.add(executor.submit(() -> SimulatedEnclave.connect(address, credentials.keyPair().getPrivate(),
                        credentials.certificateDer(), LoopbackServer.clientOptions())));
            }
            for (Future<SimulatedEnclave> future : connecting) {
                enclaves.add(future.get());
            }
            Await.until(() -> server.log().split("event=tunnel_up").length - 1 == 10);

            long start = System.nanoTime();
            int exitCode = server.stop(GRACE_SECONDS + 10);
            Duration stopping = Duration.ofNanos(System.nanoTime() - start);

            assertThat(exitCode).isZero();
            assertThat(stopping).isLessThan(Duration.ofSeconds(GRACE_SECONDS));
            assertThat(server.log()).contains("event=server_stopped").contains("tunnels_closed=10");
            for (SimulatedEnclave enclave : enclaves) {
                assertThat(enclave.awaitCloseNotify(Duration.ofSeconds(5))).as("close_notify on tunnel #2").isTrue();
                assertThat(enclave.tunnel1().awaitCloseNotify(Duration.ofSeconds(5))).as("close_notify on tunnel #1").isTrue();
            }
        } finally {
            enclaves.forEach(SimulatedEnclave::close);
        }

        try (ServerProcess restarted = ServerProcess.start(List.of(), System.getProperty("java.class.path"), dir, arguments)) {
            assertThat(restarted.log()).contains("event=server_started");
            assertThat(restarted.stop(GRACE_SECONDS + 10)).isZero();
        }
    }

    @Test
    void portInUseFailsStart() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            String port = Integer.toString(taken.getLocalPort());

            ServerProcess.Ended ended = ServerProcess.runToExit(List.of(), System.getProperty("java.class.path"), dir,
                    List.of("--loopback", "127.0.0.1", port));

            assertThat(ended.exitCode()).isEqualTo(1);
            assertThat(ended.output()).contains("error: cannot start the server: cannot bind UDP 127.0.0.1:" + port + ": ")
                    .contains("event=server_stopped").contains("failure=\"start failed: cannot bind UDP 127.0.0.1:" + port)
                    .doesNotContain("event=server_started").doesNotContain("\tat ");
        }
    }

    private static int freePortPair() throws SocketException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(30_000, 40_000) & ~1;
            try (DatagramSocket first = new DatagramSocket(port, InetAddress.getLoopbackAddress());
                    DatagramSocket second = new DatagramSocket(port + 1, InetAddress.getLoopbackAddress())) {
                return port;
            } catch (SocketException e) {
                // Taken; try another pair.
            }
        }
        throw new SocketException("no free pair of UDP ports found");
    }
}
