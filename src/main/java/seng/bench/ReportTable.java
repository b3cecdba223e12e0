package seng.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes a {@link BenchReport} as an aligned plain-text table and as JSON. */
public final class ReportTable {
    private static final String LABEL_FORMAT = "  %-16s %s%n";
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    private ReportTable() {
    }

    /**
     * Writes the report as JSON, replacing the file.
     *
     * @throws IOException with a message that names the file and the reason
     */
    public static void writeJson(BenchReport report, Path file) throws IOException {
        try {
            Files.writeString(file, JSON.writeValueAsString(report) + "\n");
        } catch (IOException e) {
            throw new IOException("failed to write the JSON report to " + file + ": " + reason(e)
                    + ". Check the --json path.", e);
        }
    }

    /**
     * Checks before a run that {@link #writeJson} will be able to write {@code file}, so that a wrong
     * path fails at once instead of after the whole run. A missing file is created and deleted again,
     * and an existing one is opened for appending and left unchanged.
     *
     * @throws IOException with a message that names the file and the reason
     */
    static void checkWritable(Path file) throws IOException {
        Path directory = file.toAbsolutePath().getParent();
        if (Files.isDirectory(file)) {
            throw new IOException("invalid --json " + file + ": it is a directory. Give a file name.");
        }
        if (directory != null && !Files.isDirectory(directory)) {
            throw new IOException("invalid --json " + file + ": directory " + directory + " not found."
                    + " Create it or give another file.");
        }
        boolean existed = Files.exists(file);
        try (FileChannel _ = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            // Opening is the whole check.
        } catch (IOException e) {
            throw new IOException("invalid --json " + file + ": " + reason(e) + ". Give a file in a writable directory.", e);
        }
        if (!existed) {
            Files.deleteIfExists(file);
        }
    }

    /** Returns why a file operation failed, in the operating system's words where it gave them. */
    private static String reason(IOException failure) {
        return switch (failure) {
            case NoSuchFileException _ -> "directory not found";
            case AccessDeniedException _ -> "permission denied";
            case FileSystemException e when e.getReason() != null -> e.getReason();
            default -> failure.getMessage() != null ? failure.getMessage() : failure.getClass().getSimpleName();
        };
    }

    static String toJson(BenchReport report) {
        return JSON.writeValueAsString(report);
    }

    public static void print(BenchReport report, PrintStream out) {
        BenchReport.Parameters parameters = report.parameters();
        MachineInfo machine = report.machine();
        out.printf("SENG gateway load test, %s, against %s%n", report.timestamp(), parameters.server());
        out.printf(LABEL_FORMAT, "machine", String.format(Locale.ROOT, "%d × %s, %.1f GiB, %s", machine.processors(),
                machine.cpuModel(), machine.memoryTotalKb() / 1024.0 / 1024.0, machine.jvm()));
        out.printf(LABEL_FORMAT, "run", String.format(Locale.ROOT, "%s, %d enclaves, warm-up %.1f s, ramp-up %.1f s,"
                + " duration %.1f s, payload %d B (IPv4 %d B)", parameters.mode(), parameters.enclaves(),
                parameters.warmupSeconds(), parameters.rampUpSeconds(), parameters.durationSeconds(),
                parameters.payloadBytes(), parameters.ipPacketBytes()));
        out.printf(LABEL_FORMAT, "certificates", String.format(Locale.ROOT, "%d generated in %.1f s before timing",
                report.certificates().count(), report.certificates().seconds()));
        printServer(report.server(), out);

        BenchReport.ConnectStats connect = report.connect();
        out.printf("%nconnect%n");
        out.printf(LABEL_FORMAT, "tunnels", String.format(Locale.ROOT, "%d of %d connected in %.2f s: %.1f tunnels per"
                + " second, %.1f handshakes per second", connect.connected(), connect.attempted(), connect.seconds(),
                connect.tunnelsPerSecond(), connect.handshakesPerSecond()));
        printLatency("setup ms", connect.setup(), out);
        printLatency("tunnel #1 ms", connect.tunnel1(), out);
        printLatency("tunnel #2 ms", connect.tunnel2(), out);
        out.printf(LABEL_FORMAT, "errors", errors(connect.errors()));
        printCpu(connect.cpu(), connect.serverCpuMsPerTunnel(), out);

        if (report.ping() != null) {
            printPing(report.ping(), out);
        }
        if (report.churn() != null) {
            printChurn(report.churn(), out);
        }
        if (report.hold() != null) {
            BenchReport.HoldStats hold = report.hold();
            out.printf("%nhold%n");
            out.printf(LABEL_FORMAT, "idle tunnels", String.format(Locale.ROOT, "%d for %.1f s", hold.tunnels(), hold.seconds()));
            printCpu(hold.cpu(), null, out);
            if (hold.rssHeldKb() != null && report.server().rssBeforeKb() != null) {
                out.printf(LABEL_FORMAT, "server RSS", String.format(Locale.ROOT, "%,d KiB at the end of the window;"
                        + " %.1f KiB per tunnel over the RSS before connecting", hold.rssHeldKb(),
                        (hold.rssHeldKb() - report.server().rssBeforeKb()) / (double) hold.tunnels()));
            }
            out.printf(LABEL_FORMAT, "answering", String.format(Locale.ROOT, "%d of %d (%d after a retry)", hold.answering(),
                    hold.tunnels(), hold.answeringAfterRetry()));
            out.printf(LABEL_FORMAT, "errors", errors(hold.errors()));
        }
        if (!report.hints().isEmpty()) {
            out.println();
            for (String hint : report.hints()) {
                out.println("hint: " + hint);
            }
        }
        out.flush();
    }

    private static void printServer(BenchReport.ServerStats server, PrintStream out) {
        if (server.pid() == null) {
            out.printf(LABEL_FORMAT, "server process", server.note());
            return;
        }
        out.printf(LABEL_FORMAT, "server process", "PID " + server.pid() + " (found by " + server.pidSource() + ")");
        out.printf(LABEL_FORMAT, "server RSS", String.format(Locale.ROOT, "%s KiB before, %s KiB connected, %s KiB at the end;"
                + " %s KiB per tunnel", number(server.rssBeforeKb()), number(server.rssAfterConnectKb()),
                number(server.rssEndKb()), server.rssPerTunnelKb() == null ? "-"
                        : String.format(Locale.ROOT, "%.1f", server.rssPerTunnelKb())));
    }

    private static void printPing(BenchReport.PingStats ping, PrintStream out) {
        out.printf("%nping%n");
        out.printf(LABEL_FORMAT, "round trips", String.format(Locale.ROOT, "%.0f per second (%d enclaves, %s, %.1f s)",
                ping.roundTripsPerSecond(), ping.enclaves(), ping.loop(), ping.seconds()));
        printLatency("rtt ms", ping.rtt(), out);
        out.printf(LABEL_FORMAT, "to gateway", String.format(Locale.ROOT, "%.0f packets/s, %.2f MB/s",
                ping.packetsPerSecondToGateway(), ping.bytesPerSecondToGateway() / 1e6));
        out.printf(LABEL_FORMAT, "from gateway", String.format(Locale.ROOT, "%.0f packets/s, %.2f MB/s",
                ping.packetsPerSecondFromGateway(), ping.bytesPerSecondFromGateway() / 1e6));
        out.printf(LABEL_FORMAT, "lost", String.format(Locale.ROOT, "%d of %d sent (%d replies came after the timeout)",
                ping.lost(), ping.sent(), ping.lateReplies()));
        out.printf(LABEL_FORMAT, "errors", errors(ping.errors()));
        printCpu(ping.cpu(), null, out);
    }

    private static void printChurn(BenchReport.ChurnStats churn, PrintStream out) {
        out.printf("%nchurn%n");
        out.printf(LABEL_FORMAT, "reconnects", String.format(Locale.ROOT, "%d in %.1f s by %d enclaves: %.1f tunnels per"
                + " second, %.1f handshakes per second", churn.reconnects(), churn.seconds(), churn.enclaves(),
                churn.tunnelsPerSecond(), churn.handshakesPerSecond()));
        printLatency("setup ms", churn.setup(), out);
        printLatency("tunnel #1 ms", churn.tunnel1(), out);
        printLatency("tunnel #2 ms", churn.tunnel2(), out);
        out.printf(LABEL_FORMAT, "failed", churn.failed());
        out.printf(LABEL_FORMAT, "errors", errors(churn.errors()));
        printCpu(churn.cpu(), churn.serverCpuMsPerTunnel(), out);
    }

    private static void printLatency(String label, LatencySummary summary, PrintStream out) {
        if (summary.count() == 0) {
            out.printf(LABEL_FORMAT, label, "none recorded");
            return;
        }
        out.printf(LABEL_FORMAT, label, String.format(Locale.ROOT, "p50 %8.3f  p90 %8.3f  p99 %8.3f  p99.9 %8.3f  max %8.3f  (n %d)",
                summary.p50Ms(), summary.p90Ms(), summary.p99Ms(), summary.p999Ms(), summary.maxMs(), summary.count()));
    }

    private static void printCpu(CpuUsage cpu, Double serverMsPerTunnel, PrintStream out) {
        String server = cpu.serverCpuSeconds() == null ? "server not sampled"
                : String.format(Locale.ROOT, "server %.2f s%s", cpu.serverCpuSeconds(),
                        percent(cpu.serverCpuPercent(), " of one core"));
        String perTunnel = serverMsPerTunnel == null ? ""
                : String.format(Locale.ROOT, ", %.2f ms per tunnel", serverMsPerTunnel);
        // Both percentages are null together when the phase is too short, and then the line gives the reason.
        String tooShort = cpu.benchCpuPercent() != null ? ""
                : String.format(Locale.ROOT, "; no percentages for a phase under %.0f s", CpuUsage.MIN_PERCENT_SECONDS);
        out.printf(LABEL_FORMAT, "cpu", String.format(Locale.ROOT, "%s%s; load generator %.2f s%s%s", server, perTunnel,
                cpu.benchCpuSeconds(), percent(cpu.benchCpuPercent(), ""), tooShort));
    }

    private static String percent(Double percent, String suffix) {
        return percent == null ? "" : String.format(Locale.ROOT, " (%.0f%%%s)", percent, suffix);
    }

    static String errors(Map<String, Long> errors) {
        if (errors.isEmpty()) {
            return "none";
        }
        return errors.entrySet().stream().map(entry -> entry.getKey() + " " + entry.getValue())
                .collect(Collectors.joining(", "));
    }

    private static String number(Long value) {
        return value == null ? "-" : String.format(Locale.ROOT, "%,d", value);
    }
}
