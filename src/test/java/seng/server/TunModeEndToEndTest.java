package seng.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import seng.client.RaTlsCredentials;
import seng.client.SimulatedEnclave;
import seng.gateway.NetworkNamespace;
import seng.ip.Ipv4Address;

/**
 * The server in TUN mode, for real: a network namespace of the test's own holds the TUN
 * interface with 192.168.28.1/24 and the server process, and a simulated enclave's ping to
 * 192.168.28.1 is answered by the Linux kernel of that namespace. The server also runs as an
 * unprivileged user, as the systemd unit runs it: with CAP_NET_ADMIN alone it creates the
 * interface, and with no capability at all it attaches to a persistent one that user owns.
 */
class TunModeEndToEndTest {
    private static final int PORT = 12345;
    private static final String NOBODY = "65534";

    /** A folder the unprivileged user can read: server files and a copy of the classpath. */
    private static Path shared;
    private static String sharedClasspath;

    @BeforeAll
    static void prepareSharedFolder() throws IOException {
        shared = Files.createTempDirectory("seng-tun-test-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwxr-xr-x")));
        sharedClasspath = copyClasspath(shared.resolve("classpath"));
    }

    @AfterAll
    static void removeSharedFolder() throws IOException {
        try (Stream<Path> paths = Files.walk(shared)) {
            for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    @Test
    void kernelAnswersEnclavePingThroughTun() throws Exception {
        try (NetworkNamespace namespace = NetworkNamespace.createOrSkip()) {
            namespace.ip("link", "set", "lo", "up");
            try (ServerProcess server = ServerProcess.start(List.of("ip", "netns", "exec", namespace.name()),
                    System.getProperty("java.class.path"), shared,
                    List.of("--tun", "tunT", "--tun-address", "192.168.28.1/24", "127.0.0.1", Integer.toString(PORT)))) {

                assertThat(pingGatewayFrom(namespace)).isPositive();
                assertThat(namespace.ip("-4", "address", "show", "dev", "tunT")).contains("192.168.28.1/24");
            }
        }
    }

    @Test
    void unprivilegedServerWithNetAdminCreatesTun() throws Exception {
        try (NetworkNamespace namespace = NetworkNamespace.createOrSkip()) {
            namespace.ip("link", "set", "lo", "up");
            List<String> onlyNetAdmin = asNobody(namespace, "--inh-caps=-all,+net_admin", "--ambient-caps=-all,+net_admin",
                    "--bounding-set=-all,+net_admin");
            try (ServerProcess server = ServerProcess.start(onlyNetAdmin, sharedClasspath, shared,
                    List.of("--tun", "tunC", "--tun-address", "192.168.28.1/24", "127.0.0.1", Integer.toString(PORT)))) {

                assertThat(pingGatewayFrom(namespace)).isPositive();
            }
        }
    }

    @Test
    void unprivilegedServerAttachesToOwnedPersistentTun() throws Exception {
        try (NetworkNamespace namespace = NetworkNamespace.createOrSkip()) {
            namespace.ip("link", "set", "lo", "up");
            namespace.ip("tuntap", "add", "dev", "tunP", "mode", "tun", "user", NOBODY);
            namespace.ip("address", "add", "192.168.28.1/24", "dev", "tunP");
            namespace.ip("link", "set", "dev", "tunP", "mtu", "1432", "up");
            List<String> noCapabilities = asNobody(namespace, "--inh-caps=-all", "--bounding-set=-all");

            try (ServerProcess server = ServerProcess.start(noCapabilities, sharedClasspath, shared,
                    List.of("--tun", "tunP", "127.0.0.1", Integer.toString(PORT)))) {
                assertThat(pingGatewayFrom(namespace)).isPositive();
                assertThat(server.stop(20)).isZero();
            }

            assertThat(namespace.ip("link", "show", "dev", "tunP")).contains("mtu 1432");
            assertThat(namespace.ip("-4", "address", "show", "dev", "tunP")).contains("192.168.28.1/24");
        }
    }

    @Test
    void unprivilegedServerWithoutCapabilityCannotCreateTun() throws Exception {
        try (NetworkNamespace namespace = NetworkNamespace.createOrSkip()) {
            List<String> noCapabilities = asNobody(namespace, "--inh-caps=-all", "--bounding-set=-all");

            ServerProcess.Ended ended = ServerProcess.runToExit(noCapabilities, sharedClasspath, shared,
                    List.of("--tun", "tunX", "127.0.0.1", Integer.toString(PORT)));

            assertThat(ended.exitCode()).isEqualTo(1);
            assertThat(ended.output()).contains("cannot open TUN interface tunX").doesNotContain("\tat ");
        }
    }

    /**
     * Returns the command prefix that runs the server as user nobody inside the namespace. Where
     * /dev/net/tun is not open to every user, as it is on a standard Linux system (mode 0666),
     * the server gets a private mount namespace with a 0666 node of the same device, so the test
     * checks capabilities rather than this machine's device permissions; CAP_NET_ADMIN does not
     * override file permissions. The host's device node is never changed.
     */
    private static List<String> asNobody(NetworkNamespace namespace, String... capabilityOptions) throws Exception {
        List<String> prefix = new ArrayList<>();
        if (!tunDeviceOpenToAll()) {
            String ownDevice = "mount -t tmpfs tmpfs /dev/net && mknod -m 666 /dev/net/tun c 10 200";
            assumeCommandWorks(List.of("unshare", "--mount", "sh", "-c", ownDevice));
            prefix.addAll(List.of("unshare", "--mount", "sh", "-c", ownDevice + " && exec \"$@\"", "sh"));
        }
        prefix.addAll(List.of("ip", "netns", "exec", namespace.name(), "setpriv",
                "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups"));
        prefix.addAll(List.of(capabilityOptions));
        return prefix;
    }

    private static boolean tunDeviceOpenToAll() throws IOException {
        Path device = Path.of("/dev/net/tun");
        return Files.exists(device)
                && Files.getPosixFilePermissions(device).containsAll(PosixFilePermissions.fromString("------rw-"));
    }

    private static void assumeCommandWorks(List<String> command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        boolean finished = process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
        if (!finished || process.exitValue() != 0) {
            process.destroyForcibly();
            String reason = "cannot give the unprivileged server its own /dev/net/tun with '" + String.join(" ", command)
                    + "': " + new String(process.getInputStream().readAllBytes()).strip();
            System.err.println("skipping: " + reason);
            org.junit.jupiter.api.Assumptions.abort(reason);
        }
    }

    private static Duration pingGatewayFrom(NetworkNamespace namespace) throws Exception {
        RaTlsCredentials credentials = LoopbackServer.enclaveCredentials();
        return namespace.call(() -> {
            try (SimulatedEnclave enclave = SimulatedEnclave.connect(
                    new InetSocketAddress(InetAddress.getLoopbackAddress(), PORT),
                    credentials.keyPair().getPrivate(), credentials.certificateDer(), LoopbackServer.clientOptions())) {
                assertThat(enclave.gateway()).isEqualTo(Ipv4Address.parse("192.168.28.1"));
                return pingWithRetry(enclave);
            }
        });
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

    /** Copies every classpath entry into {@code target}, because the test's own jars sit under /root, which other users cannot read. */
    private static String copyClasspath(Path target) throws IOException {
        List<String> entries = new ArrayList<>();
        int index = 0;
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path source = Path.of(entry);
            if (!Files.exists(source)) {
                continue;
            }
            Path copy = target.resolve(index++ + "-" + source.getFileName());
            copyTree(source, copy);
            entries.add(copy.toString());
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void copyTree(Path source, Path target) throws IOException {
        try (Stream<Path> paths = Files.walk(source)) {
            for (Path path : paths.toList()) {
                Path destination = target.resolve(source.relativize(path).toString());
                Files.createDirectories(destination.getParent());
                if (Files.isDirectory(path)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(path, destination);
                }
            }
        }
    }
}
