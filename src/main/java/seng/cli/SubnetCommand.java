package seng.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import seng.ip.Ipv4Address;
import seng.ip.Ipv4Prefix;
import seng.pool.Subnet;
import seng.store.AllowlistContents;
import seng.store.AllowlistDatabase;
import seng.store.StoreException;

/** {@code seng-gateway subnet add|list|remove}: the enclave subnetworks of an allowlist file. */
final class SubnetCommand extends AdminCommand {

    SubnetCommand() {
        this(System.out, System.err);
        quietLogging();
    }

    SubnetCommand(PrintStream out, PrintStream err) {
        super("subnet", out, err);
        Options add = new Options();
        add.addOption(Option.builder().longOpt("gateway").hasArg().argName("IPV4")
                .desc("the gateway address enclaves of this subnetwork route through (default: the first host"
                        + " address, e.g. 172.16.28.1 for 172.16.28.0/26)").build());
        add.addOption(Option.builder().longOpt("id").hasArg().argName("ID")
                .desc("the row id (default: the next free one)").build());
        action("add", List.of("FILE", "CIDR"), add, "Adds an enclave subnetwork such as 172.16.28.0/26 (prefix"
                + " /8 to /30). Enclaves get every address except the network, broadcast and gateway addresses.",
                this::add);
        action("list", List.of("FILE"), new Options(), "Lists the enclave subnetworks.", this::list);
        action("remove", List.of("FILE", "ID"), new Options(), "Removes an enclave subnetwork that no app uses."
                + " Enclaves already connected keep their addresses.", this::remove);
    }

    private int add(CommandLine line, List<String> arguments) throws StoreException {
        Ipv4Prefix prefix = Ipv4Prefix.parse(arguments.get(1));
        int gateway = line.hasOption("gateway") ? Ipv4Address.parse(line.getOptionValue("gateway")) : prefix.network() + 1;
        int id = line.hasOption("id") ? rowId("--id", line.getOptionValue("id")) : 0;
        Subnet subnet = new Subnet(id, prefix.network(), prefix.prefixLength(), gateway);
        try (AllowlistDatabase database = AllowlistDatabase.open(file(arguments))) {
            Subnet added = database.addSubnet(subnet);
            out.println("added enclave subnetwork " + added.id() + ": " + added + " gateway "
                    + Ipv4Address.format(added.gateway()) + " (" + added.capacity() + " enclave addresses)");
            return Main.EXIT_OK;
        }
    }

    private int list(CommandLine line, List<String> arguments) throws StoreException {
        Path file = file(arguments);
        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            AllowlistContents contents = database.read();
            TextTable table = new TextTable("id", "subnet", "netmask", "gateway", "enclave addresses", "apps");
            for (Subnet subnet : contents.subnets()) {
                long apps = contents.apps().stream().filter(app -> app.enclaveSubnetId() == subnet.id()).count();
                table.row(subnet.id(), subnet, Ipv4Address.format(subnet.netmask()), Ipv4Address.format(subnet.gateway()),
                        subnet.capacity(), apps);
            }
            out.print(table.format());
            warnAboutInvalidRows(contents, "enclave_subnets");
            return Main.EXIT_OK;
        }
    }

    private int remove(CommandLine line, List<String> arguments) throws StoreException {
        int id = rowId("subnet id", arguments.get(1));
        try (AllowlistDatabase database = AllowlistDatabase.open(file(arguments))) {
            database.removeSubnet(id);
            out.println("removed enclave subnetwork " + id);
            return Main.EXIT_OK;
        }
    }
}
