package seng.bench;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import seng.ip.Ipv4Address;

/** Parses and checks the command line of {@code seng-gateway bench}. */
public final class BenchCommandLine {
    public static final String USAGE = "seng-gateway bench [--server HOST:PORT] [--enclaves N] [--duration SECONDS]"
            + " [--churn | --hold] [options]";

    private static final int MAX_ENCLAVES = 100_000;
    private static final int MAX_PAYLOAD = 1400;
    private static final int CHURN_CERTIFICATES_PER_ENCLAVE = 4;

    private BenchCommandLine() {
    }

    /**
     * Parses the arguments that follow {@code bench}.
     *
     * @return the options, or empty if {@code --help} was given
     * @throws BenchUsageException naming the option and the value at fault
     */
    public static Optional<BenchOptions> parse(String[] args) throws BenchUsageException {
        CommandLine line;
        try {
            line = DefaultParser.builder().setAllowPartialMatching(false).get().parse(options(), args);
        } catch (ParseException e) {
            throw new BenchUsageException(e.getMessage());
        }
        if (line.hasOption("help")) {
            return Optional.empty();
        }
        if (!line.getArgList().isEmpty()) {
            throw new BenchUsageException("unexpected argument '" + line.getArgList().getFirst() + "'");
        }
        if (line.hasOption("churn") && line.hasOption("hold")) {
            throw new BenchUsageException("--churn and --hold exclude each other: pick one");
        }
        BenchOptions.Mode mode = line.hasOption("churn") ? BenchOptions.Mode.CHURN
                : line.hasOption("hold") ? BenchOptions.Mode.HOLD : BenchOptions.Mode.PING;

        return Optional.of(new BenchOptions(
                server(line.getOptionValue("server", "127.0.0.1:12345")),
                Path.of(line.getOptionValue("test-dir", "seng-test")),
                integer(line, "enclaves", 50, 1, MAX_ENCLAVES),
                seconds(line, "ramp-up", "0", true),
                seconds(line, "warmup", "5", true),
                seconds(line, "duration", "10", false),
                integer(line, "ping-rate", 0, 0, 1_000_000),
                integer(line, "payload", 56, EchoPacket.MIN_PAYLOAD, MAX_PAYLOAD),
                Duration.ofMillis(integer(line, "ping-timeout", 2000, 1, 600_000)),
                seconds(line, "connect-timeout", "30", false),
                mode,
                integer(line, "certificates-per-enclave", mode == BenchOptions.Mode.CHURN ? CHURN_CERTIFICATES_PER_ENCLAVE : 1,
                        1, 1000),
                serverPid(line.getOptionValue("server-pid", "auto")),
                line.hasOption("json") ? Path.of(line.getOptionValue("json")) : null,
                localAddresses(line.getOptionValue("local-addresses", "127.0.0.1"))));
    }

    public static String help() {
        StringWriter text = new StringWriter();
        PrintWriter writer = new PrintWriter(text);
        HelpFormatter.builder().get().printHelp(writer, 100, USAGE,
                "\nLoad generator for a SENG gateway: simulated enclaves with RA-TLS certificates from the server's"
                        + " test IAS authority connect (both DTLS handshakes and the address setup), then ping the"
                        + " gateway address, reconnect in a loop (--churn) or stay idle (--hold). Certificates are"
                        + " generated before any timing starts. Prints a table and optionally writes JSON.\n\nOptions:",
                options(), 2, 4,
                "\nThe server must run in test mode (seng-gateway --test-mode) with a --test-dir readable here."
                        + " Its resident memory and CPU time are sampled through /proc when it runs on this machine."
                        + "\nExit codes: 0 run completed (failures are in the report), 1 error, 2 wrong usage,"
                        + " 130 or 143 stopped by SIGINT or SIGTERM, after closing every tunnel and without a report.",
                false);
        writer.flush();
        return text.toString();
    }

    private static Options options() {
        Options options = new Options();
        options.addOption(valued("server", "HOST:PORT", "UDP address of tunnel #1; tunnel #2 is the next port"
                + " (default 127.0.0.1:12345)"));
        options.addOption(valued("test-dir", "DIR", "the server's test-mode directory: its server-cert.pem is pinned"
                + " and its test IAS authority signs the enclaves' reports (default ./seng-test)"));
        options.addOption(valued("enclaves", "N", "simulated enclaves, each with two UDP sockets (default 50)"));
        options.addOption(valued("ramp-up", "SECONDS", "spread the connection starts evenly over this time;"
                + " 0 starts all at once (default 0)"));
        options.addOption(valued("warmup", "SECONDS", "before measuring, let up to " + LoadGenerator.WARMUP_ENCLAVES
                + " enclaves reconnect in a loop this long, so that the JIT compilers of both processes are done with"
                + " the handshake code; 0 measures a cold start (default 5)"));
        options.addOption(valued("duration", "SECONDS", "length of the ping phase, of the --churn loop or of the"
                + " --hold window (default 10)"));
        options.addOption(valued("ping-rate", "N", "pings per second per enclave; 0 is a closed loop that sends"
                + " the next ping as soon as the reply arrives (default 0)"));
        options.addOption(valued("payload", "BYTES", "ICMP echo payload per ping, " + EchoPacket.MIN_PAYLOAD + " to "
                + MAX_PAYLOAD + "; the IPv4 packet is 28 bytes longer (default 56)"));
        options.addOption(valued("ping-timeout", "MS", "a ping whose reply takes longer counts as lost (default 2000)"));
        options.addOption(valued("connect-timeout", "SECONDS", "an enclave whose handshakes and address setup take"
                + " longer counts as timed out (default 30)"));
        options.addOption(Option.builder().longOpt("churn").desc("after connecting, every enclave closes and"
                + " reconnects in a loop for --duration, rotating through its certificates; reports sustained"
                + " tunnels and handshakes per second").build());
        options.addOption(Option.builder().longOpt("hold").desc("after connecting, keep the tunnels idle for"
                + " --duration and report the server's CPU time, then ping once through every tunnel").build());
        options.addOption(valued("certificates-per-enclave", "N", "certificates each enclave rotates through when it"
                + " reconnects (default 1, with --churn " + CHURN_CERTIFICATES_PER_ENCLAVE + ")"));
        options.addOption(valued("server-pid", "PID", "the server process to sample memory and CPU time of;"
                + " 'auto' finds the local process holding the UDP port, 'none' samples nothing (default auto)"));
        options.addOption(valued("json", "FILE", "also write the report as JSON to this file"));
        options.addOption(valued("local-addresses", "N|LIST", "source addresses used round-robin: a count N for"
                + " 127.0.0.1 to 127.0.0.N, or a comma-separated list of IPv4 addresses (default 127.0.0.1)"));
        options.addOption(Option.builder().longOpt("help").desc("print this help and exit").build());
        return options;
    }

    private static Option valued(String name, String argument, String description) {
        return Option.builder().longOpt(name).hasArg().argName(argument).desc(description).build();
    }

    static InetSocketAddress server(String text) throws BenchUsageException {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw new BenchUsageException("invalid --server '" + text + "': expected HOST:PORT such as 127.0.0.1:12345");
        }
        int port = parseInt("server", text.substring(colon + 1), 1, 65534);
        try {
            return new InetSocketAddress(InetAddress.getByName(text.substring(0, colon)), port);
        } catch (UnknownHostException e) {
            throw new BenchUsageException("invalid --server '" + text + "': unknown host " + text.substring(0, colon));
        }
    }

    static long serverPid(String text) throws BenchUsageException {
        return switch (text) {
            case "auto" -> BenchOptions.AUTO_PID;
            case "none" -> BenchOptions.NO_PID;
            default -> parseInt("server-pid", text, 1, Integer.MAX_VALUE);
        };
    }

    static List<InetAddress> localAddresses(String text) throws BenchUsageException {
        List<InetAddress> addresses = new ArrayList<>();
        if (text.chars().allMatch(Character::isDigit)) {
            int count = parseInt("local-addresses", text, 1, 254);
            for (int host = 1; host <= count; host++) {
                addresses.add(address(Ipv4Address.parse("127.0.0." + host)));
            }
            return addresses;
        }
        for (String part : text.split(",", -1)) {
            try {
                addresses.add(address(Ipv4Address.parse(part.trim())));
            } catch (IllegalArgumentException e) {
                throw new BenchUsageException("invalid --local-addresses '" + text + "': " + e.getMessage());
            }
        }
        return addresses;
    }

    private static InetAddress address(int address) {
        try {
            return InetAddress.getByAddress(Ipv4Address.toBytes(address));
        } catch (UnknownHostException e) {
            throw new IllegalStateException("four bytes are always a valid IPv4 address", e);
        }
    }

    private static int integer(CommandLine line, String name, int defaultValue, int min, int max)
            throws BenchUsageException {
        return line.hasOption(name) ? parseInt(name, line.getOptionValue(name), min, max) : defaultValue;
    }

    private static int parseInt(String name, String text, int min, int max) throws BenchUsageException {
        int value;
        try {
            value = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new BenchUsageException("invalid --" + name + " '" + text + "': not a whole number");
        }
        if (value < min || value > max) {
            throw new BenchUsageException("invalid --" + name + " " + value + ": expected " + min + " to " + max);
        }
        return value;
    }

    /** Parses decimal seconds such as 2 or 0.5, at most one day. */
    static Duration seconds(CommandLine line, String name, String defaultText, boolean zeroAllowed)
            throws BenchUsageException {
        String text = line.getOptionValue(name, defaultText);
        BigDecimal seconds;
        try {
            seconds = new BigDecimal(text);
        } catch (NumberFormatException e) {
            throw new BenchUsageException("invalid --" + name + " '" + text + "': not a number of seconds");
        }
        if (seconds.signum() < 0 || (!zeroAllowed && seconds.signum() == 0) || seconds.compareTo(BigDecimal.valueOf(86_400)) > 0) {
            throw new BenchUsageException("invalid --" + name + " " + text + ": expected " + (zeroAllowed ? "0" : "more than 0")
                    + " to 86400 seconds");
        }
        return Duration.ofNanos(seconds.movePointRight(9).longValue());
    }
}
