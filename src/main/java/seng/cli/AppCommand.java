package seng.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import seng.ip.Ipv4Prefix;
import seng.pool.Subnet;
import seng.store.AllowlistContents;
import seng.store.AllowlistDatabase;
import seng.store.AppRow;
import seng.store.StoreException;

/** {@code seng-gateway app add|list|remove}: which enclaves may connect, from where, into which subnetwork. */
final class AppCommand extends AdminCommand {

    AppCommand() {
        this(System.out, System.err);
        quietLogging();
    }

    AppCommand(PrintStream out, PrintStream err) {
        super("app", out, err);
        Options add = new Options();
        add.addOption(required("name", "NAME", "the app's name, logged with each of its tunnels"));
        add.addOption(required("mrenclave", "HEX", "the enclave's MRENCLAVE: 64 hex digits"));
        add.addOption(required("mrsigner", "HEX", "the enclave's MRSIGNER: 64 hex digits (the server compares it"
                + " only with --require-mrsigner, as upstream stored but never compared it)"));
        add.addOption(required("host-subnet", "CIDR", "the client hosts the enclave may connect from, e.g."
                + " 127.0.0.0/26; 0.0.0.0/0 for any host"));
        add.addOption(required("subnet", "ID", "the enclave subnetwork (its id in 'subnet list') the enclave gets"
                + " its address from"));
        add.addOption(Option.builder().longOpt("id").hasArg().argName("ID")
                .desc("the row id (default: the next free one)").build());
        action("add", List.of("FILE"), add, "Allows an enclave from a host subnet. When several rows have the"
                + " enclave's MRENCLAVE, the row with the lowest id whose host subnet contains the client's host"
                + " decides the enclave subnetwork.", this::add);
        action("list", List.of("FILE"), new Options(), "Lists the apps, lowest id first.", this::list);
        action("remove", List.of("FILE", "ID"), new Options(), "Removes an app. Enclaves already connected keep"
                + " their tunnels; the next connection is checked against the remaining rows.", this::remove);
    }

    private static Option required(String name, String argument, String description) {
        return Option.builder().longOpt(name).hasArg().argName(argument).required().desc(description).build();
    }

    private int add(CommandLine line, List<String> arguments) throws StoreException {
        AppRow app = new AppRow(
                line.hasOption("id") ? rowId("--id", line.getOptionValue("id")) : 0,
                appName(line.getOptionValue("name")),
                AppRow.parseMeasurement("MRENCLAVE", line.getOptionValue("mrenclave").toLowerCase(Locale.ROOT)),
                AppRow.parseMeasurement("MRSIGNER", line.getOptionValue("mrsigner").toLowerCase(Locale.ROOT)),
                Ipv4Prefix.parse(line.getOptionValue("host-subnet")),
                rowId("--subnet", line.getOptionValue("subnet")));
        try (AllowlistDatabase database = AllowlistDatabase.open(file(arguments))) {
            AppRow added = database.addApp(app);
            out.println("added app " + added.id() + ": " + added.name() + " from " + added.hostSubnet()
                    + " into enclave subnetwork " + added.enclaveSubnetId());
            return Main.EXIT_OK;
        }
    }

    /** Accepts names an operator can read in a table and grep in a log: printable, without spaces, quotes or '='. */
    private static String appName(String name) {
        if (name.isEmpty() || name.length() > 64
                || !name.codePoints().allMatch(c -> c > ' ' && c != '"' && c != '=' && !Character.isISOControl(c))) {
            throw new IllegalArgumentException("invalid --name '" + name.replaceAll("\\p{Cntrl}", "?")
                    + "': use 1 to 64 printable characters without spaces, quotes or '=', such as SDK-NGINX");
        }
        return name;
    }

    private int list(CommandLine line, List<String> arguments) throws StoreException {
        try (AllowlistDatabase database = AllowlistDatabase.open(file(arguments))) {
            AllowlistContents contents = database.read();
            Map<Integer, Subnet> subnets = contents.subnets().stream()
                    .collect(Collectors.toMap(Subnet::id, Function.identity()));
            TextTable table = new TextTable("id", "name", "host subnet", "enclave subnet", "mrenclave", "mrsigner");
            for (AppRow app : contents.apps()) {
                Subnet subnet = subnets.get(app.enclaveSubnetId());
                table.row(app.id(), app.name(), app.hostSubnet(),
                        app.enclaveSubnetId() + " (" + (subnet == null ? "missing" : subnet.toString()) + ")",
                        app.mrEnclaveHex(), app.mrSignerHex());
            }
            out.print(table.format());
            warnAboutInvalidRows(contents, "apps");
            return Main.EXIT_OK;
        }
    }

    private int remove(CommandLine line, List<String> arguments) throws StoreException {
        int id = rowId("app id", arguments.get(1));
        try (AllowlistDatabase database = AllowlistDatabase.open(file(arguments))) {
            database.removeApp(id);
            out.println("removed app " + id);
            return Main.EXIT_OK;
        }
    }
}
