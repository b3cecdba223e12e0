package seng.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import seng.store.AllowlistContents;
import seng.store.AllowlistDatabase;
import seng.store.Problem;
import seng.store.StoreException;

/** {@code seng-gateway db init|check FILE}: creates, migrates and checks allowlist files. */
final class DbCommand extends AdminCommand {

    DbCommand() {
        this(System.out, System.err);
        quietLogging();
    }

    DbCommand(PrintStream out, PrintStream err) {
        super("db", out, err);
        action("init", List.of("FILE"), new Options(), "Creates an allowlist database with the current schema, or"
                + " brings an existing one to it. A file made by upstream's seng_db_creator.sql is adopted as it is:"
                + " its rows are not rewritten.", this::init);
        action("check", List.of("FILE"), new Options(), "Checks every row as the server does at start and lists"
                + " each problem with its table and row id; exits 1 if there is any.", this::check);
    }

    private int init(CommandLine line, List<String> arguments) throws StoreException {
        Path file = file(arguments);
        try (AllowlistDatabase database = AllowlistDatabase.create(file)) {
            AllowlistContents contents = database.read();
            String outcome = database.adopted() ? "adopted the upstream tables"
                    : database.migrationsApplied() == 0 ? "already up to date"
                    : "applied " + database.migrationsApplied() + " migration(s)";
            out.println(file + ": schema version " + database.schemaVersion() + ", " + outcome + "; "
                    + contents.subnets().size() + " enclave subnetwork(s), " + contents.apps().size() + " app(s)");
            printProblems(contents.problems());
            return Main.EXIT_OK;
        }
    }

    private int check(CommandLine line, List<String> arguments) throws StoreException {
        Path file = file(arguments);
        try (AllowlistDatabase database = AllowlistDatabase.open(file)) {
            AllowlistContents contents = database.read();
            if (contents.problems().isEmpty()) {
                out.println(file + ": no problems; " + contents.subnets().size() + " enclave subnetwork(s), "
                        + contents.apps().size() + " app(s)");
                return Main.EXIT_OK;
            }
            for (Problem problem : contents.problems()) {
                out.println(problem);
            }
            err.println("error: " + file + " has " + contents.problems().size() + " problem(s); the server refuses to"
                    + " start with it");
            return Main.EXIT_FAILURE;
        }
    }

    private void printProblems(List<Problem> problems) {
        for (Problem problem : problems) {
            err.println("warning: " + problem);
        }
    }
}
