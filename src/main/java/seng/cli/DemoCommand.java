package seng.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import seng.client.ClientFailures;
import seng.client.ClientOptions;
import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.RaTlsCredentials;
import seng.client.SimulatedEnclave;
import seng.client.TestIasAuthority;
import seng.dtls.DtlsSettings;
import seng.dtls.ServerCredentials;
import seng.gateway.LoopbackGateway;
import seng.ip.HostPort;
import seng.ip.Ipv4Address;
import seng.pool.EnclaveNetwork;
import seng.server.GatewayServer;
import seng.server.ServerConfig;
import seng.attest.TrustPolicy;
import seng.tunnel.TunnelSettings;

/**
 * Shows the gateway at work: simulated enclaves connect at once, ping the gateway and each other
 * through their tunnels, and the round-trip times are printed. Without {@code --server} it starts
 * its own loopback server in the same process.
 */
final class DemoCommand {
    private static final String USAGE = "seng-gateway demo [--server HOST:PORT] [--test-dir DIR] [--enclaves N] [--pings N]"
            + " [--mrenclave HEX] [--mrsigner HEX]";

    private final PrintStream out;
    private final PrintStream err;
    private byte[] mrEnclave;
    private byte[] mrSigner;

    /** Logs only warnings, because the in-process server's INFO lines would bury the demo's table. */
    DemoCommand() {
        this(System.out, System.err);
        AdminCommand.quietLogging();
    }

    DemoCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        Options options = new Options();
        options.addOption(Option.builder().longOpt("enclaves").hasArg().argName("N").desc("simulated enclaves (default 4)").build());
        options.addOption(Option.builder().longOpt("pings").hasArg().argName("N").desc("pings per enclave (default 3)").build());
        options.addOption(Option.builder().longOpt("server").hasArg().argName("HOST:PORT")
                .desc("use a server already running in test mode instead of starting one; its --test-dir must be"
                        + " readable here").build());
        options.addOption(Option.builder().longOpt("test-dir").hasArg().argName("DIR")
                .desc("test-mode directory with the server certificate and the test IAS authority (default ./seng-test)").build());
        options.addOption(Option.builder().longOpt("mrenclave").hasArg().argName("HEX")
                .desc("MRENCLAVE of every simulated enclave, 64 hex digits, to match an allowlist row (default: random)").build());
        options.addOption(Option.builder().longOpt("mrsigner").hasArg().argName("HEX")
                .desc("MRSIGNER of every simulated enclave, 64 hex digits (default: random)").build());
        options.addOption(Option.builder().longOpt("help").desc("print this help and exit").build());

        CommandLine line;
        int enclaveCount;
        int pingCount;
        try {
            line = DefaultParser.builder().setAllowPartialMatching(false).get().parse(options, args);
            enclaveCount = intOption(line, "enclaves", 4, 1, 1000);
            pingCount = intOption(line, "pings", 3, 1, 1000);
            mrEnclave = measurement(line, "mrenclave");
            mrSigner = measurement(line, "mrsigner");
        } catch (ParseException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println("usage: " + USAGE);
            return Main.EXIT_USAGE;
        }
        if (line.hasOption("help")) {
            out.print(help(options));
            return Main.EXIT_OK;
        }

        try {
            return line.hasOption("server")
                    ? demoAgainst(line.getOptionValue("server"), Path.of(line.getOptionValue("test-dir", TestEnvironment.DEFAULT_DIR)),
                            enclaveCount, pingCount)
                    : demoInProcess(enclaveCount, pingCount);
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
    }

    private int demoInProcess(int enclaveCount, int pingCount) throws IOException {
        TestIasAuthority authority = TestIasAuthority.generate();
        ServerCredentials credentials = ServerCredentials.generateSelfSigned("SENG gateway demo", Duration.ofDays(1));
        EnclaveNetwork network = EnclaveNetwork.withDefaultSubnet();
        ServerConfig config = new ServerConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), credentials,
                TrustPolicy.builder(authority.rootCertificate()).build(), network, null,
                net -> new LoopbackGateway(net::isGatewayAddress, net::isEnclaveAddress, 1432),
                DtlsSettings.DEFAULTS, TunnelSettings.DEFAULTS, ServerConfig.DEFAULT_PAIRING_TIMEOUT, Clock.systemUTC());
        try (GatewayServer server = GatewayServer.start(config)) {
            out.println("started a loopback server on udp " + HostPort.format(server.tunnel1Address()) + " and port "
                    + server.tunnel2Address().getPort());
            return runEnclaves(server.tunnel1Address(), authority, credentials.certificate().getEncoded(),
                    enclaveCount, pingCount);
        } catch (java.security.cert.CertificateEncodingException e) {
            throw new IOException(e);
        }
    }

    private int demoAgainst(String server, Path testDir, int enclaveCount, int pingCount) throws IOException {
        int colon = server.lastIndexOf(':');
        if (colon < 0) {
            throw new IOException("invalid --server '" + server + "': expected HOST:PORT");
        }
        InetSocketAddress address = new InetSocketAddress(server.substring(0, colon),
                Integer.parseInt(server.substring(colon + 1)));
        TestIasAuthority authority = TestIasAuthority.readFrom(testDir);
        byte[] pinned = readPemCertificate(testDir.resolve(TestEnvironment.SERVER_CERTIFICATE));
        return runEnclaves(address, authority, pinned, enclaveCount, pingCount);
    }

    private static byte[] readPemCertificate(Path file) throws IOException {
        try (var input = Files.newInputStream(file)) {
            return java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(input).getEncoded();
        } catch (java.security.GeneralSecurityException e) {
            throw new IOException(file + ": invalid certificate: " + e.getMessage(), e);
        }
    }

    private int runEnclaves(InetSocketAddress server, TestIasAuthority authority, byte[] pinnedServerCertificate,
            int enclaveCount, int pingCount) throws IOException {
        ClientOptions options = ClientOptions.defaults().withPinnedServerCertificate(pinnedServerCertificate);
        List<SimulatedEnclave> enclaves = new ArrayList<>();
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<SimulatedEnclave>> connecting = new ArrayList<>();
            long start = System.nanoTime();
            for (int index = 0; index < enclaveCount; index++) {
                connecting.add(executor.submit(() -> connect(server, authority, options)));
            }
            for (Future<SimulatedEnclave> future : connecting) {
                enclaves.add(future.get());
            }
            out.printf("%d enclaves attested and connected in %d ms%n%n", enclaveCount,
                    (System.nanoTime() - start) / 1_000_000);

            out.printf("%-6s %-15s %-15s %s%n", "#", "enclave", "pinged", "round-trip times (ms)");
            for (int index = 0; index < enclaves.size(); index++) {
                SimulatedEnclave enclave = enclaves.get(index);
                printPings(index + 1, enclave, enclave.gateway(), pingCount);
            }
            if (enclaves.size() >= 2) {
                SimulatedEnclave responder = enclaves.get(1);
                Future<Integer> answering = executor.submit(() -> responder.answerEchoRequests(pingCount, Duration.ofSeconds(5)));
                printPings(1, enclaves.get(0), responder.address(), pingCount);
                answering.get();
            }
            return Main.EXIT_OK;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.EXIT_FAILURE;
        } catch (java.util.concurrent.ExecutionException e) {
            throw new IOException("an enclave failed to connect to " + HostPort.format(server) + ": "
                    + explain(e.getCause()), e.getCause());
        } finally {
            enclaves.forEach(SimulatedEnclave::close);
        }
    }

    /** Turns a client failure into a sentence that says what probably went wrong. */
    private static String explain(Throwable failure) {
        String kind = ClientFailures.classify(failure);
        return switch (kind) {
            case "port_unreachable" -> "no server listens there; is it running, and on which address and port?";
            case "handshake_timeout", "timeout" -> "no answer in time; is a server running there?";
            case "alert_received_access_denied" -> "the server refused the enclave (access_denied): its allowlist has"
                    + " no row for this MRENCLAVE and host; see the server's event=admission log line, and --mrenclave";
            case "alert_received_bad_certificate" -> "the server rejected the enclave's attestation (bad_certificate):"
                    + " does it trust the test IAS root in --test-dir? See its event=admission log line";
            case "alert_sent_bad_certificate" -> "the server's certificate is not the one in --test-dir";
            default -> kind + (failure.getMessage() == null ? "" : " (" + failure.getMessage() + ")");
        };
    }

    private SimulatedEnclave connect(InetSocketAddress server, TestIasAuthority authority, ClientOptions options)
            throws IOException {
        EnclaveIdentity random = EnclaveIdentity.random();
        EnclaveIdentity identity = new EnclaveIdentity(mrEnclave != null ? mrEnclave : random.mrEnclave(),
                mrSigner != null ? mrSigner : random.mrSigner(), 0, 0, false);
        RaTlsCredentials credentials = new RaTlsCertificateBuilder(authority, identity).build();
        return SimulatedEnclave.connect(server, credentials.keyPair().getPrivate(), credentials.certificateDer(), options);
    }

    private void printPings(int number, SimulatedEnclave enclave, int destination, int pingCount) throws IOException {
        StringBuilder times = new StringBuilder();
        for (int ping = 0; ping < pingCount; ping++) {
            Duration rtt = enclave.ping(destination, Duration.ofSeconds(2));
            times.append(String.format("%.3f ", rtt.toNanos() / 1e6));
        }
        out.printf("%-6d %-15s %-15s %s%n", number, Ipv4Address.format(enclave.address()), Ipv4Address.format(destination),
                times.toString().trim());
    }

    private static byte[] measurement(CommandLine line, String name) {
        if (!line.hasOption(name)) {
            return null;
        }
        String hex = line.getOptionValue(name);
        if (!hex.matches("[0-9a-fA-F]{64}")) {
            throw new IllegalArgumentException("invalid --" + name + " '" + hex + "': expected 64 hex digits");
        }
        return java.util.HexFormat.of().parseHex(hex);
    }

    private static String help(Options options) {
        java.io.StringWriter text = new java.io.StringWriter();
        java.io.PrintWriter writer = new java.io.PrintWriter(text);
        org.apache.commons.cli.HelpFormatter.builder().get().printHelp(writer, 100, USAGE,
                "\nSimulated enclaves attest, connect to a SENG gateway and ping the gateway address and each other"
                        + " through their tunnels. Without --server a loopback server starts in this process.\n\nOptions:",
                options, 2, 4, "", false);
        writer.flush();
        return text.toString();
    }

    private static int intOption(CommandLine line, String name, int defaultValue, int min, int max) {
        if (!line.hasOption(name)) {
            return defaultValue;
        }
        String text = line.getOptionValue(name);
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException("invalid --" + name + " " + value + ": expected " + min + " to " + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid --" + name + " '" + text + "': not a whole number");
        }
    }
}
