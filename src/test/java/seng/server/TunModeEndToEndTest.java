package seng.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seng.client.RaTlsCredentials;
import seng.client.SimulatedEnclave;
import seng.gateway.NetworkNamespace;
import seng.ip.Ipv4Address;

/**
 * The server in TUN mode, for real: a network namespace of the test's own holds the TUN
 * interface with 192.168.28.1/24 and the server process, and a simulated enclave's ping to
 * 192.168.28.1 is answered by the Linux kernel of that namespace.
 */
class TunModeEndToEndTest {
    private static final int PORT = 12345;

    @TempDir
    Path dir;

    @Test
    void kernelAnswersEnclavePingThroughTun() throws Exception {
        try (NetworkNamespace namespace = NetworkNamespace.createOrSkip()) {
            namespace.ip("link", "set", "lo", "up");
            Process server = startServerIn(namespace);
            try {
                RaTlsCredentials credentials = LoopbackServer.enclaveCredentials();
                Duration rtt = namespace.call(() -> {
                    try (SimulatedEnclave enclave = SimulatedEnclave.connect(
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT),
                            credentials.keyPair().getPrivate(), credentials.certificateDer(),
                            LoopbackServer.clientOptions())) {
                        assertThat(enclave.gateway()).isEqualTo(Ipv4Address.parse("192.168.28.1"));
                        return pingWithRetry(enclave);
                    }
                });

                assertThat(rtt).isPositive();
                assertThat(namespace.ip("-4", "address", "show", "dev", "tunT")).contains("192.168.28.1/24");
            } finally {
                server.destroy();
                server.waitFor(15, TimeUnit.SECONDS);
                server.destroyForcibly();
            }
        }
    }

    /** The server's tunnel is registered a moment after the client's last handshake returns, so the first ping may find none. */
    private static Duration pingWithRetry(SimulatedEnclave enclave) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            try {
                return enclave.ping(enclave.gateway(), Duration.ofSeconds(2));
            } catch (IOException e) {
                last = e;
            }
        }
        throw last;
    }

    private Process startServerIn(NetworkNamespace namespace) throws Exception {
        Path certificate = dir.resolve("server-cert.pem");
        Path key = dir.resolve("server-key.pem");
        Path iasRoot = dir.resolve("ias-root.pem");
        LoopbackServer.CREDENTIALS.writePem(certificate, key);
        Files.writeString(iasRoot, pem(LoopbackServer.AUTHORITY.rootCertificate()));

        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = List.of("ip", "netns", "exec", namespace.name(), java,
                "--enable-preview", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), "seng.cli.Main",
                "--tun", "tunT", "--tun-address", "192.168.28.1/24",
                "--ias-root-ca", iasRoot.toString(), "-cert", certificate.toString(), "-key", key.toString(),
                "127.0.0.1", Integer.toString(PORT));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();

        CountDownLatch started = new CountDownLatch(1);
        StringWriter log = new StringWriter();
        Thread.ofPlatform().daemon(true).name("tun-server-log").start(() -> {
            try (BufferedReader reader = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = reader.readLine()) != null) {
                    log.write(line + "\n");
                    System.err.println("[tun server] " + line);
                    if (line.contains("event=server_started")) {
                        started.countDown();
                    }
                }
            } catch (IOException e) {
                // The process ended; its output is complete.
            }
        });
        if (!started.await(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server in namespace " + namespace.name() + " did not start:\n" + log);
        }
        return process;
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
