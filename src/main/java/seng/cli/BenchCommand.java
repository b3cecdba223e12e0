package seng.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Optional;

import seng.bench.BenchCommandLine;
import seng.bench.BenchOptions;
import seng.bench.BenchReport;
import seng.bench.BenchUsageException;
import seng.bench.LoadGenerator;
import seng.bench.ReportTable;

/** Runs the load generator of {@link seng.bench}: {@code seng-gateway bench [options]}. */
final class BenchCommand {
    private final PrintStream out;
    private final PrintStream err;

    BenchCommand() {
        this(System.out, System.err);
    }

    BenchCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(String[] args) {
        Optional<BenchOptions> options;
        try {
            options = BenchCommandLine.parse(args);
        } catch (BenchUsageException e) {
            err.println("error: " + e.getMessage());
            err.println("usage: " + BenchCommandLine.USAGE + "   (run with --help for all options)");
            return Main.EXIT_USAGE;
        }
        if (options.isEmpty()) {
            out.print(BenchCommandLine.help());
            return Main.EXIT_OK;
        }

        try {
            BenchReport report = LoadGenerator.run(options.get(), err);
            ReportTable.print(report, out);
            if (options.get().json() != null) {
                ReportTable.writeJson(report, options.get().json());
                err.println("JSON report written to " + options.get().json());
            }
            return Main.EXIT_OK;
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return Main.EXIT_FAILURE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            err.println("error: interrupted");
            return Main.EXIT_FAILURE;
        }
    }
}
