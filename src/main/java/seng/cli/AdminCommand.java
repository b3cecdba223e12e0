package seng.cli;

import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.DefaultParser;
import org.apache.commons.cli.HelpFormatter;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.apache.commons.cli.ParseException;
import org.tinylog.configuration.Configuration;

import seng.store.AllowlistContents;
import seng.store.Problem;
import seng.store.StoreException;

/**
 * The frame of the allowlist admin commands ({@code db}, {@code subnet}, {@code app}): each has
 * actions such as {@code add} or {@code list}, with their own options and {@code --help}. Exit codes:
 * 0 done, 1 the data or file was rejected (the message gives the reason), 2 wrong usage.
 */
abstract class AdminCommand {
    private static final String HELP = "help";

    protected final PrintStream out;
    protected final PrintStream err;
    private final String noun;
    private final Map<String, Action> actions = new LinkedHashMap<>();

    /** Runs one action on parsed arguments; returns the exit code. */
    @FunctionalInterface
    interface Handler {
        int run(CommandLine line, List<String> arguments) throws StoreException;
    }

    /**
     * @param arguments the names of the positional arguments, e.g. {@code FILE}, {@code ID}
     * @param summary one sentence for the help text
     */
    record Action(String name, List<String> arguments, Options options, String summary, Handler handler) {
    }

    AdminCommand(String noun, PrintStream out, PrintStream err) {
        this.noun = noun;
        this.out = out;
        this.err = err;
    }

    void action(String name, List<String> arguments, Options options, String summary, Handler handler) {
        options.addOption(Option.builder().longOpt(HELP).desc("print this help and exit").build());
        actions.put(name, new Action(name, arguments, options, summary, handler));
    }

    int run(String[] args) {
        if (args.length == 0) {
            return usageError("missing action: expected one of " + String.join(", ", actions.keySet()), overview());
        }
        if (args[0].equals("--" + HELP) || args[0].equals("-h")) {
            out.print(overview());
            return Main.EXIT_OK;
        }
        Action action = actions.get(args[0]);
        if (action == null) {
            return usageError("unknown action '" + args[0] + "': expected one of " + String.join(", ", actions.keySet()),
                    overview());
        }

        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        // Checked before parsing, because the parser would first complain about missing required options.
        if (Arrays.asList(rest).contains("--" + HELP)) {
            out.print(help(action));
            return Main.EXIT_OK;
        }
        CommandLine line;
        try {
            line = DefaultParser.builder().setAllowPartialMatching(false).get().parse(action.options(), rest);
        } catch (ParseException e) {
            return usageError(e.getMessage(), usage(action));
        }
        if (line.getArgList().size() != action.arguments().size()) {
            return usageError("expected " + String.join(" ", action.arguments()) + ", got " + line.getArgList().size()
                    + " argument(s)", usage(action));
        }

        try {
            return action.handler().run(line, line.getArgList());
        } catch (StoreException | IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_FAILURE;
        }
    }

    /** Parses a row id given on the command line. */
    static int rowId(String what, String text) {
        try {
            int id = Integer.parseInt(text);
            if (id >= 1) {
                return id;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("invalid " + what + " '" + text + "': expected a whole number from 1 to "
                + Integer.MAX_VALUE);
    }

    /** Names the rows of {@code table} that a listing leaves out because they are invalid. */
    void warnAboutInvalidRows(AllowlistContents contents, String table) {
        for (Problem problem : contents.problems()) {
            if (problem.table().equals(table)) {
                err.println("warning: " + problem + " (not listed)");
            }
        }
    }

    static Path file(List<String> arguments) {
        return Path.of(arguments.getFirst());
    }

    private int usageError(String message, String usage) {
        err.println("error: " + message);
        err.print(usage);
        return Main.EXIT_USAGE;
    }

    private String usage(Action action) {
        return "usage: seng-gateway " + noun + " " + action.name() + " " + String.join(" ", action.arguments())
                + (action.options().getOptions().size() > 1 ? " [options]" : "") + "   (--help for details)\n";
    }

    private String help(Action action) {
        StringWriter text = new StringWriter();
        PrintWriter writer = new PrintWriter(text);
        HelpFormatter.builder().get().printHelp(writer, 100,
                "seng-gateway " + noun + " " + action.name() + " " + String.join(" ", action.arguments()),
                "\n" + action.summary() + "\n\nOptions:", action.options(), 2, 4,
                "\nExit codes: 0 done, 1 rejected (the message names the file, row or value), 2 wrong usage.", false);
        writer.flush();
        return text.toString();
    }

    private String overview() {
        StringBuilder text = new StringBuilder("usage: seng-gateway " + noun + " <action> ...\n\nActions:\n");
        TextTable table = new TextTable("", "", "");
        for (Action action : actions.values()) {
            table.row("  " + action.name(), String.join(" ", action.arguments()), firstSentence(action.summary()));
        }
        String rows = table.format();
        text.append(rows.substring(rows.indexOf('\n') + 1));
        text.append("\nRun 'seng-gateway ").append(noun).append(" <action> --help' for the options of an action.\n");
        return text.toString();
    }

    private static String firstSentence(String text) {
        int end = text.indexOf(". ");
        return end < 0 ? text : text.substring(0, end + 1);
    }

    /**
     * Keeps the admin commands' output to their tables and messages: the INFO lines of opening and
     * migrating the file are for the server's log. An explicit {@code -Dtinylog.writer.level} wins.
     * Called by the constructors that {@link Main} uses, not by tests, because it changes the level
     * for the whole process.
     */
    static void quietLogging() {
        if (System.getProperty("tinylog.writer.level") != null) {
            return;
        }
        try {
            Configuration.set("writer.level", "warn");
        } catch (UnsupportedOperationException e) {
            // tinylog has already logged something and its configuration is frozen: keep it
        }
    }
}
