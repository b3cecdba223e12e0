package seng.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;

import seng.ops.ListenAddress;
import seng.ops.StatusClient;
import seng.ops.StatusServer;
import seng.ops.StatusTable;

/** Asks a running server's status endpoint for its application tunnels and prints them. */
final class StatusCommand {
    static final String USAGE = "seng-gateway status [--status-listen HOST:PORT] [--json]";

    private final PrintStream out;
    private final PrintStream err;

    StatusCommand() {
        this(System.out, System.err);
    }

    StatusCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        Options options = new Options();
        options.addOption(Option.builder().longOpt(ServerOptions.STATUS_LISTEN).hasArg().argName("HOST:PORT")
                .desc("the server's status endpoint, as given to the server (default 127.0.0.1:"
                        + StatusServer.DEFAULT_PORT + ")").build());
        options.addOption(Option.builder().longOpt("json").desc("print the server's JSON report unchanged").build());
        options.addOption(Option.builder().longOpt("help").desc("print this help and exit").build());

        CommandLine line;
        InetSocketAddress address;
        try {
            line = DefaultParser.builder().setAllowPartialMatching(false).get().parse(options, args);
            if (!line.getArgList().isEmpty()) {
                throw new IllegalArgumentException("unexpected argument '" + line.getArgList().getFirst() + "'");
            }
            address = line.hasOption(ServerOptions.STATUS_LISTEN)
                    ? ListenAddress.parse(line.getOptionValue(ServerOptions.STATUS_LISTEN))
                    : StatusServer.Settings.DEFAULT.address();
        } catch (ParseException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            err.println("usage: " + USAGE);
            return Main.EXIT_USAGE;
        }
        if (line.hasOption("help")) {
            out.println("usage: " + USAGE);
            out.println("Prints one row per application tunnel of the server that listens on --status-listen.");
            return Main.EXIT_OK;
        }

        StatusClient client = new StatusClient(address);
        try {
            out.print(line.hasOption("json") ? client.fetchJson() : StatusTable.format(client.fetch()));
            out.flush();
            return Main.EXIT_OK;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
    }
}
