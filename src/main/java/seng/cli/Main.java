package seng.cli;

import java.util.Arrays;

/**
 * Entry point of the jar. The first argument picks a command; anything else starts the server
 * with the command line of the Go server: {@code [options] <tunnel_ipv4> <tunnel_port>}.
 */
public final class Main {
    static final int EXIT_OK = 0;
    static final int EXIT_FAILURE = 1;
    static final int EXIT_USAGE = 2;
    /** The commands other than the server, for messages. */
    static final String COMMANDS = "demo, status, bench, db, subnet and app";

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String command = args.length == 0 ? "" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        return switch (command) {
            case "demo" -> new DemoCommand().run(rest);
            case "db" -> new DbCommand().run(rest);
            case "subnet" -> new SubnetCommand().run(rest);
            case "app" -> new AppCommand().run(rest);
            case "bench" -> new BenchCommand().run(rest);
            case "status" -> new StatusCommand().run(rest);
            default -> new ServerCommand().run(args);
        };
    }
}
