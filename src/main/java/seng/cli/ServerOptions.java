package seng.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/**
 * The server's command-line options. Every long option also works with one dash ({@code -cert}),
 * as with Go's flag package, so command lines written for the Go server keep working.
 */
final class ServerOptions {
    static final String CERT = "cert";
    static final String KEY = "key";
    static final String DB = "db";
    static final String REQUIRE_MRSIGNER = "require-mrsigner";
    static final String ENCLAVE_SUBNET = "enclave-subnet";
    static final String NETFILTER = "netfilter";
    static final String SHADOWING = "shadowing";
    static final String IAS_ROOT_CA = "ias-root-ca";
    static final String LOOPBACK = "loopback";
    static final String TUN = "tun";
    static final String TUN_ADDRESS = "tun-address";
    static final String TUN_MTU = "tun-mtu";
    static final String PAIRING_TIMEOUT = "pairing-timeout";
    static final String HANDSHAKE_TIMEOUT = "handshake-timeout";
    static final String IDLE_TIMEOUT = "idle-timeout";
    static final String SHUTDOWN_GRACE = "shutdown-grace";
    static final String ACCEPT_QUOTE_STATUS = "accept-quote-status";
    static final String ALLOW_DEBUG_ENCLAVES = "allow-debug-enclaves";
    static final String MIN_ISV_SVN = "min-isv-svn";
    static final String MAX_REPORT_AGE = "max-report-age";
    static final String TEST_MODE = "test-mode";
    static final String TEST_DIR = "test-dir";
    static final String STATUS_LISTEN = "status-listen";
    static final String STATUS_ALLOW_REMOTE = "status-allow-remote";
    static final String HELP = "help";

    static final String USAGE = "seng-gateway [options] <tunnel_ipv4> <tunnel_port>";

    private ServerOptions() {
    }

    static Options build() {
        Options options = new Options();
        options.addOption(withFile(CERT, "server certificate (PEM, ECDSA or RSA); clients pin it. Without -cert and -key"
                + " the server generates a self-signed secp384r1 certificate and logs its fingerprint"));
        options.addOption(withFile(KEY, "private key of the server certificate (PEM)"));
        options.addOption(withFile(DB, "SQLite allowlist database (upstream schema): which enclaves may connect from"
                + " which hosts, and their enclave subnetworks. The file must exist (create it with 'db init'); its"
                + " schema is migrated and every row checked at start, and each admission reads the current rows."
                + " Without it every attested enclave is admitted into 192.168.28.0/24"));
        options.addOption(Option.builder().longOpt(ENCLAVE_SUBNET).hasArg().argName("CIDR")
                .desc("without -db: the enclave subnetwork every attested enclave gets its address from, /8 to /30;"
                        + " its first host address is the gateway (default 192.168.28.0/24, gateway 192.168.28.1)").build());
        options.addOption(Option.builder().longOpt(REQUIRE_MRSIGNER)
                .desc("with -db: admit an enclave only through apps rows whose MRSIGNER equals its own as well"
                        + " (default: MRENCLAVE alone decides, as upstream did)").build());
        options.addOption(Option.builder().longOpt(NETFILTER).desc("SENG netfilter extension (not supported yet)").build());
        options.addOption(Option.builder().longOpt(SHADOWING).desc("automatic port shadowing (not supported yet)").build());
        options.addOption(withFile(IAS_ROOT_CA, "trust anchor for IAS report signing certificates (PEM). Default:"
                + " ./Intel_SGX_Attestation_RootCA.pem when present, else the public Intel root bundled in the jar"));
        options.addOption(Option.builder().longOpt(LOOPBACK)
                .desc("use the in-process loopback gateway instead of a TUN interface: answers ping to the gateway"
                        + " address and routes between enclaves; needs no root").build());
        options.addOption(Option.builder().longOpt(TUN).hasArg().argName("NAME")
                .desc("TUN interface to attach to, or create if missing (default tunFA)").build());
        options.addOption(Option.builder().longOpt(TUN_ADDRESS).hasArg().argName("CIDR")
                .desc("assign this address to the TUN interface and bring it up, e.g. 192.168.28.1/24; repeatable."
                        + " Without it the interface is used as configured by the administrator").build());
        options.addOption(Option.builder().longOpt(TUN_MTU).hasArg().argName("BYTES")
                .desc("set the TUN interface MTU (upstream uses 1432)").build());
        options.addOption(withSeconds(PAIRING_TIMEOUT, "how long tunnel #1 waits for its address acknowledgement and"
                + " its tunnel #2 before its address is freed (default 30)"));
        options.addOption(withSeconds(HANDSHAKE_TIMEOUT, "how long one DTLS handshake may take (default 20)"));
        options.addOption(withSeconds(IDLE_TIMEOUT, "end an application tunnel after this long without a packet in"
                + " either direction; 0 turns it off (default 0, because SENG clients send no keep-alives)"));
        options.addOption(withSeconds(SHUTDOWN_GRACE, "on SIGTERM or SIGINT, how long client sessions get to end after"
                + " close_notify is sent to every client; a second signal exits at once (default 5)"));
        options.addOption(Option.builder().longOpt(ACCEPT_QUOTE_STATUS).hasArg().argName("LIST")
                .desc("comma-separated IAS quote statuses to admit (default OK,GROUP_OUT_OF_DATE); others are e.g."
                        + " CONFIGURATION_NEEDED, SW_HARDENING_NEEDED, CONFIGURATION_AND_SW_HARDENING_NEEDED").build());
        options.addOption(Option.builder().longOpt(ALLOW_DEBUG_ENCLAVES)
                .desc("admit enclaves with the DEBUG attribute, whose memory the host can read (default: refuse)").build());
        options.addOption(Option.builder().longOpt(MIN_ISV_SVN).hasArg().argName("N")
                .desc("refuse enclaves whose ISV SVN is lower (default 0)").build());
        options.addOption(withSeconds(MAX_REPORT_AGE, "refuse IAS reports older than this; 0 turns it off (default 0,"
                + " because Intel's IAS no longer issues EPID reports)"));
        options.addOption(Option.builder().longOpt(TEST_MODE)
                .desc("loopback test mode: loopback gateway, a generated server certificate and a generated test IAS"
                        + " root CA in --test-dir; listens on 127.0.0.1 12345 unless an address is given").build());
        options.addOption(Option.builder().longOpt(TEST_DIR).hasArg().argName("DIR")
                .desc("where test mode keeps its certificates and keys (default ./seng-test)").build());
        options.addOption(Option.builder().longOpt(STATUS_LISTEN).hasArg().argName("HOST:PORT")
                .desc("TCP address of the status endpoint (/metrics for Prometheus, /status, /healthz), or off"
                        + " (default 127.0.0.1:9145). It has no authentication, so a non-loopback address also"
                        + " needs --status-allow-remote").build());
        options.addOption(Option.builder().longOpt(STATUS_ALLOW_REMOTE)
                .desc("allow --status-listen on a non-loopback address; protect it with a firewall").build());
        options.addOption(Option.builder().longOpt(HELP).desc("print this help and exit").build());
        return options;
    }

    static String help() {
        StringWriter text = new StringWriter();
        PrintWriter writer = new PrintWriter(text);
        HelpFormatter formatter = HelpFormatter.builder().get();
        formatter.printHelp(writer, 100, USAGE,
                "\nRuns the SENG gateway: attested DTLS tunnels on UDP <tunnel_port> (tunnel #1) and <tunnel_port>+1"
                        + " (tunnel #2), enclave packets to and from a TUN interface.\nEvery option also works with a"
                        + " single dash, as with the Go server (-cert FILE).\n\nOptions:",
                options(), 2, 4,
                "\nOther commands: seng-gateway demo [--server HOST:PORT] [--enclaves N] [--pings N]\n"
                        + "                seng-gateway bench [--server HOST:PORT] [--enclaves N] [--churn | --hold]\n"
                        + "                seng-gateway db init|check FILE\n"
                        + "                seng-gateway subnet add|list|remove FILE ...\n"
                        + "                seng-gateway app add|list|remove FILE ...   (each with --help)\n"
                        + "                " + StatusCommand.USAGE + "\nExit codes: 0 stopped cleanly,"
                        + " 1 error (message names the file or value), 2 wrong usage.", false);
        writer.flush();
        return text.toString();
    }

    private static Options options() {
        return build();
    }

    private static Option withFile(String name, String description) {
        return Option.builder().longOpt(name).hasArg().argName("FILE").desc(description).build();
    }

    private static Option withSeconds(String name, String description) {
        return Option.builder().longOpt(name).hasArg().argName("SECONDS").desc(description).build();
    }
}
