package seng.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.ParseException;
import org.tinylog.Logger;

import seng.attest.TrustPolicy;
import seng.client.TestIasAuthority;
import seng.dtls.DtlsSettings;
import seng.dtls.ServerCredentials;
import seng.gateway.Gateway;
import seng.gateway.LoopbackGateway;
import seng.gateway.TunInterface;
import seng.ip.Ipv4Address;
import seng.ip.Ipv4Prefix;
import seng.ops.StatusServer;
import seng.pool.EnclaveNetwork;
import seng.pool.Subnet;
import seng.server.AllowlistAdmission;
import seng.server.GatewayServer;
import seng.server.ServerConfig;
import seng.store.SqliteAllowlist;
import seng.store.StoreException;
import seng.tunnel.TunnelSettings;

/** Parses the server command line, loads and checks every file it names, and runs the server until a signal stops it. */
final class ServerCommand {
    private static final String DEFAULT_TUN = "tunFA";
    private static final String DEFAULT_IAS_ROOT_FILE = "Intel_SGX_Attestation_RootCA.pem";
    private static final int LOOPBACK_MTU = 1432;

    private final PrintStream out;
    private final PrintStream err;
    /** The test-mode summary, printed once the server is up so that a failed start prints none. */
    private Runnable announcement = () -> { };

    ServerCommand() {
        this(System.out, System.err);
    }

    ServerCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        CommandLine line;
        try {
            line = DefaultParser.builder().setAllowPartialMatching(false).get().parse(ServerOptions.build(), args);
        } catch (ParseException e) {
            return usageError(e.getMessage());
        }
        if (line.hasOption(ServerOptions.HELP)) {
            out.print(ServerOptions.help());
            return Main.EXIT_OK;
        }

        StatusServer.Settings statusSettings;
        try {
            statusSettings = StatusServer.Settings.parse(line.getOptionValue(ServerOptions.STATUS_LISTEN),
                    line.hasOption(ServerOptions.STATUS_ALLOW_REMOTE));
        } catch (IllegalArgumentException e) {
            return usageError("--" + ServerOptions.STATUS_LISTEN + ": " + e.getMessage());
        }

        ServerConfig config;
        try {
            config = configure(line);
        } catch (UsageException e) {
            return usageError(e.getMessage());
        } catch (ConfigException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
        Duration grace;
        try {
            grace = seconds(line, ServerOptions.SHUTDOWN_GRACE,
                    (int) GatewayServer.DEFAULT_SHUTDOWN_GRACE.toSeconds(), false);
        } catch (UsageException e) {
            return usageError(e.getMessage());
        }
        return serve(config, statusSettings, grace);
    }

    private int serve(ServerConfig config, StatusServer.Settings statusSettings, Duration grace) {
        ShutdownSignals signals = ShutdownSignals.install(grace);
        GatewayServer server;
        try {
            server = GatewayServer.start(config);
        } catch (IOException | RuntimeException e) {
            err.println("error: cannot start the server: " + e.getMessage());
            Logger.debug(e, "event=server_start_failed");
            return Main.EXIT_FAILURE;
        }
        StatusServer status;
        try {
            status = StatusServer.start(statusSettings, server);
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            server.close();
            return Main.EXIT_FAILURE;
        }
        announcement.run();

        signals.onStop(() -> {
            status.close();
            server.close(grace);
        });
        try {
            String failure = server.awaitStopped();
            if (failure != null) {
                err.println("error: the server stopped because " + failure);
                return Main.EXIT_FAILURE;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Main.EXIT_FAILURE;
        }
        return Main.EXIT_OK;
    }

    private ServerConfig configure(CommandLine line) throws UsageException, ConfigException {
        if (line.hasOption(ServerOptions.NETFILTER)) {
            throw new ConfigException("-netfilter is not supported yet");
        }
        if (line.hasOption(ServerOptions.SHADOWING)) {
            throw new ConfigException("-shadowing is not supported yet");
        }
        if (line.hasOption(ServerOptions.ENCLAVE_SUBNET) && line.hasOption(ServerOptions.DB)) {
            throw new UsageException("--" + ServerOptions.ENCLAVE_SUBNET + " and -db exclude each other: with a database"
                    + " the enclave subnetworks come from its enclave_subnets table");
        }
        if (line.hasOption(ServerOptions.REQUIRE_MRSIGNER) && !line.hasOption(ServerOptions.DB)) {
            throw new UsageException("--" + ServerOptions.REQUIRE_MRSIGNER + " needs -db: it applies to the allowlist's apps rows");
        }
        boolean testMode = line.hasOption(ServerOptions.TEST_MODE);
        if (testMode) {
            for (String option : List.of(ServerOptions.CERT, ServerOptions.KEY, ServerOptions.IAS_ROOT_CA,
                    ServerOptions.TUN, ServerOptions.TUN_ADDRESS, ServerOptions.TUN_MTU)) {
                if (line.hasOption(option)) {
                    throw new UsageException("--" + option + " does not apply to --test-mode, which generates its own"
                            + " server certificate and test IAS root in --test-dir and uses the loopback gateway");
                }
            }
        }
        InetSocketAddress tunnelAddress = tunnelAddress(line.getArgList(), testMode);

        TestEnvironment testEnvironment = testMode ? TestEnvironment.prepare(testDir(line), out) : null;
        ServerCredentials credentials = testMode ? testEnvironment.credentials() : credentials(line);
        X509Certificate iasRoot = testMode ? testEnvironment.authority().rootCertificate() : iasRoot(line);
        TrustPolicy trustPolicy = trustPolicy(line, iasRoot);

        // Opened after the checks that read only the command line; its reader threads start lazily.
        AllowlistAdmission allowlist = line.hasOption(ServerOptions.DB) ? allowlist(line) : null;
        EnclaveNetwork network = allowlist != null ? allowlist.network() : EnclaveNetwork.of(List.of(enclaveSubnet(line)));
        ServerConfig.GatewayFactory gateway = testMode || line.hasOption(ServerOptions.LOOPBACK)
                ? ServerCommand::loopbackGateway
                : tunGateway(line);

        ServerConfig config = new ServerConfig(tunnelAddress, credentials, trustPolicy, network, allowlist, gateway,
                DtlsSettings.DEFAULTS.withHandshakeTimeout(seconds(line, ServerOptions.HANDSHAKE_TIMEOUT, 20, false)),
                new TunnelSettings(seconds(line, ServerOptions.IDLE_TIMEOUT, 0, true)),
                seconds(line, ServerOptions.PAIRING_TIMEOUT, (int) ServerConfig.DEFAULT_PAIRING_TIMEOUT.toSeconds(), false),
                Clock.systemUTC());
        if (testMode) {
            announcement = () -> testEnvironment.printSummary(tunnelAddress, network);
        }
        return config;
    }

    private static AllowlistAdmission allowlist(CommandLine line) throws ConfigException {
        SqliteAllowlist allowlist;
        try {
            allowlist = SqliteAllowlist.open(Path.of(line.getOptionValue(ServerOptions.DB)));
        } catch (StoreException e) {
            throw new ConfigException(e.getMessage());
        }
        try {
            return AllowlistAdmission.withCurrentSubnets(allowlist, line.hasOption(ServerOptions.REQUIRE_MRSIGNER));
        } catch (StoreException e) {
            allowlist.close();
            throw new ConfigException(e.getMessage());
        }
    }

    /** Returns the subnetwork of a server without a database: --enclave-subnet, its gateway the first host address. */
    private static Subnet enclaveSubnet(CommandLine line) throws UsageException {
        if (!line.hasOption(ServerOptions.ENCLAVE_SUBNET)) {
            return EnclaveNetwork.DEFAULT_SUBNET;
        }
        String cidr = line.getOptionValue(ServerOptions.ENCLAVE_SUBNET);
        try {
            Ipv4Prefix prefix = Ipv4Prefix.parse(cidr);
            return new Subnet(0, prefix.network(), prefix.prefixLength(), prefix.network() + 1);
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid --" + ServerOptions.ENCLAVE_SUBNET + " '" + cidr + "': " + e.getMessage());
        }
    }

    private static Gateway loopbackGateway(EnclaveNetwork network) {
        return new LoopbackGateway(network::isGatewayAddress, network::isEnclaveAddress, LOOPBACK_MTU);
    }

    private static ServerConfig.GatewayFactory tunGateway(CommandLine line) throws UsageException {
        String name = line.getOptionValue(ServerOptions.TUN, DEFAULT_TUN);
        String[] addresses = line.getOptionValues(ServerOptions.TUN_ADDRESS);
        List<int[]> parsedAddresses = new java.util.ArrayList<>();
        for (String cidr : addresses == null ? new String[0] : addresses) {
            parsedAddresses.add(cidr(cidr));
        }
        Integer mtu = line.hasOption(ServerOptions.TUN_MTU) ? positiveInt(line, ServerOptions.TUN_MTU) : null;
        return network -> {
            TunInterface tun = TunInterface.open(name);
            try {
                if (mtu != null) {
                    tun.setMtu(mtu);
                }
                for (int[] address : parsedAddresses) {
                    tun.addAddress(address[0], address[1]);
                }
                if (!parsedAddresses.isEmpty()) {
                    tun.bringUp();
                }
                return tun;
            } catch (IOException | RuntimeException e) {
                tun.close();
                throw e;
            }
        };
    }

    private static int[] cidr(String text) throws UsageException {
        int slash = text.indexOf('/');
        try {
            if (slash < 0) {
                throw new IllegalArgumentException("expected CIDR notation such as 192.168.28.1/24");
            }
            int prefixLength = Integer.parseInt(text.substring(slash + 1));
            if (prefixLength < 1 || prefixLength > 32) {
                throw new IllegalArgumentException("the prefix length must be from 1 to 32");
            }
            return new int[]{Ipv4Address.parse(text.substring(0, slash)), prefixLength};
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid --" + ServerOptions.TUN_ADDRESS + " '" + text + "': " + e.getMessage());
        }
    }

    private static InetSocketAddress tunnelAddress(List<String> arguments, boolean testMode) throws UsageException {
        if (arguments.isEmpty() && testMode) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), 12345);
        }
        if (arguments.size() == 1 && arguments.get(0).chars().anyMatch(Character::isLetter)) {
            throw new UsageException("unknown command '" + arguments.get(0) + "': the commands are " + Main.COMMANDS
                    + ", and the server takes <tunnel_ipv4> <tunnel_port>");
        }
        if (arguments.size() != 2) {
            throw new UsageException("expected <tunnel_ipv4> <tunnel_port>, got " + arguments.size() + " argument(s)");
        }
        int address;
        try {
            address = Ipv4Address.parse(arguments.get(0));
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid <tunnel_ipv4>: " + e.getMessage());
        }
        int port;
        try {
            port = Integer.parseInt(arguments.get(1));
        } catch (NumberFormatException e) {
            throw new UsageException("invalid <tunnel_port> '" + arguments.get(1) + "': not a number");
        }
        if (port < 1 || port > 65534) {
            throw new UsageException("invalid <tunnel_port> " + port + ": it must be from 1 to 65534, because tunnel #2 uses the next port");
        }
        try {
            return new InetSocketAddress(InetAddress.getByAddress(Ipv4Address.toBytes(address)), port);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ServerCredentials credentials(CommandLine line) throws UsageException, ConfigException {
        boolean hasCert = line.hasOption(ServerOptions.CERT);
        boolean hasKey = line.hasOption(ServerOptions.KEY);
        if (hasCert != hasKey) {
            throw new UsageException("-cert and -key go together: give both or neither");
        }
        if (!hasCert) {
            ServerCredentials generated = ServerCredentials.generateSelfSigned("SENG gateway", Duration.ofDays(365));
            Logger.warn("event=server_certificate_generated fingerprint_sha256={} detail=\"no -cert/-key given;"
                    + " SENG clients pin the server certificate, so they will only accept this one if built with it\"",
                    generated.fingerprint());
            return generated;
        }
        try {
            return ServerCredentials.load(Path.of(line.getOptionValue(ServerOptions.CERT)),
                    Path.of(line.getOptionValue(ServerOptions.KEY)));
        } catch (ServerCredentials.CredentialsException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static X509Certificate iasRoot(CommandLine line) throws ConfigException {
        Path file = line.hasOption(ServerOptions.IAS_ROOT_CA)
                ? Path.of(line.getOptionValue(ServerOptions.IAS_ROOT_CA))
                : Path.of(DEFAULT_IAS_ROOT_FILE);
        if (!line.hasOption(ServerOptions.IAS_ROOT_CA) && !Files.exists(file)) {
            Logger.info("event=ias_root_loaded source=bundled subject=\"Intel SGX Attestation Report Signing CA\"");
            return TrustPolicy.bundledIntelRoot();
        }
        try {
            X509Certificate root = TrustPolicy.loadRoot(file);
            Logger.info("event=ias_root_loaded source={} subject=\"{}\"", file, root.getSubjectX500Principal().getName());
            return root;
        } catch (IOException e) {
            throw new ConfigException(e.getMessage());
        }
    }

    private static TrustPolicy trustPolicy(CommandLine line, X509Certificate root) throws UsageException {
        TrustPolicy.Builder policy = TrustPolicy.builder(root);
        if (line.hasOption(ServerOptions.ACCEPT_QUOTE_STATUS)) {
            List<String> statuses = Arrays.stream(line.getOptionValue(ServerOptions.ACCEPT_QUOTE_STATUS).split(","))
                    .map(String::trim).filter(status -> !status.isEmpty()).toList();
            if (statuses.isEmpty()) {
                throw new UsageException("invalid --" + ServerOptions.ACCEPT_QUOTE_STATUS + ": name at least one"
                        + " quote status, such as OK");
            }
            policy.acceptedQuoteStatuses(statuses);
        }
        policy.allowDebugEnclaves(line.hasOption(ServerOptions.ALLOW_DEBUG_ENCLAVES));
        if (line.hasOption(ServerOptions.MIN_ISV_SVN)) {
            policy.minIsvSvn(nonNegativeInt(line, ServerOptions.MIN_ISV_SVN));
        }
        Duration maxAge = seconds(line, ServerOptions.MAX_REPORT_AGE, 0, true);
        if (!maxAge.isZero()) {
            policy.maxReportAge(maxAge);
        }
        try {
            return policy.build();
        } catch (IllegalArgumentException e) {
            throw new UsageException("invalid attestation policy: " + e.getMessage());
        }
    }

    private static Path testDir(CommandLine line) {
        return Path.of(line.getOptionValue(ServerOptions.TEST_DIR, TestEnvironment.DEFAULT_DIR));
    }

    /** The largest value of any seconds option but the handshake timeout: one week. */
    private static final int MAX_SECONDS = 7 * 24 * 3600;

    private static Duration seconds(CommandLine line, String option, int defaultSeconds, boolean zeroAllowed)
            throws UsageException {
        int max = option.equals(ServerOptions.HANDSHAKE_TIMEOUT)
                ? (int) DtlsSettings.MAX_HANDSHAKE_TIMEOUT.toSeconds() : MAX_SECONDS;
        if (!line.hasOption(option)) {
            return Duration.ofSeconds(defaultSeconds);
        }
        int value = zeroAllowed ? nonNegativeInt(line, option) : positiveInt(line, option);
        if (value > max) {
            throw new UsageException("invalid --" + option + " " + value + ": at most " + max + " seconds");
        }
        return Duration.ofSeconds(value);
    }

    private static int positiveInt(CommandLine line, String option) throws UsageException {
        int value = nonNegativeInt(line, option);
        if (value == 0) {
            throw new UsageException("invalid --" + option + " 0: it must be at least 1");
        }
        return value;
    }

    private static int nonNegativeInt(CommandLine line, String option) throws UsageException {
        String text = line.getOptionValue(option);
        try {
            int value = Integer.parseInt(text);
            if (value < 0) {
                throw new UsageException("invalid --" + option + " " + value + ": it must not be negative");
            }
            return value;
        } catch (NumberFormatException e) {
            throw new UsageException("invalid --" + option + " '" + text + "': not a whole number");
        }
    }

    private int usageError(String message) {
        err.println("error: " + message);
        err.println("usage: " + ServerOptions.USAGE + "   (run with --help for all options)");
        return Main.EXIT_USAGE;
    }

    /** Wrong usage of the command line: exit code 2. */
    static final class UsageException extends Exception {
        UsageException(String message) {
            super(message);
        }
    }

    /** A file or value that cannot be used: exit code 1. */
    static final class ConfigException extends Exception {
        ConfigException(String message) {
            super(message);
        }
    }
}
