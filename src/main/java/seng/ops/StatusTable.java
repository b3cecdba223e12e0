package seng.ops;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Formats a status report for a terminal: a summary, then one aligned row per application tunnel. */
public final class StatusTable {
    private static final List<String> HEADER = List.of("ENCLAVE", "CLIENT", "T2 PORT", "APP", "MRENCLAVE",
            "CONNECTED SINCE", "AGE", "FROM ENCLAVE", "TO ENCLAVE", "DROPS");
    private static final int MEASUREMENT_DIGITS = 8;

    private StatusTable() {
    }

    public static String format(StatusReport report) {
        StringBuilder text = new StringBuilder();
        StatusReport.Server server = report.server();
        text.append("SENG gateway: tunnel #1 udp ").append(server.tunnel1())
                .append(", tunnel #2 udp ").append(server.tunnel2())
                .append(", gateway ").append(server.gateway())
                .append(", up ").append(age(server.startedAt(), server.now())).append('\n');
        for (StatusReport.SubnetStatus subnet : report.subnets()) {
            text.append(subnet.subnet()).append(": ").append(subnet.free()).append(" of ").append(subnet.capacity())
                    .append(" addresses free\n");
        }
        text.append(report.tunnels().size()).append(report.tunnels().size() == 1 ? " application tunnel" : " application tunnels")
                .append(", ").append(server.waitingForPairing()).append(" waiting for pairing\n");
        if (report.tunnels().isEmpty()) {
            return text.toString();
        }

        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (StatusReport.TunnelStatus tunnel : report.tunnels()) {
            rows.add(row(tunnel, server.now()));
        }
        text.append('\n');
        appendAligned(text, rows);
        return text.toString();
    }

    private static List<String> row(StatusReport.TunnelStatus tunnel, Instant now) {
        // Whole seconds for both columns, so that the age matches the time shown.
        Instant since = tunnel.since() == null ? null : tunnel.since().truncatedTo(ChronoUnit.SECONDS);
        return List.of(
                tunnel.enclaveAddress(),
                tunnel.tunnel1Peer(),
                port(tunnel.tunnel2Peer()),
                tunnel.appName() == null ? "-" : tunnel.appName(),
                shortMeasurement(tunnel.mrEnclave()),
                since == null ? "-" : since.toString(),
                age(since, now),
                tunnel.packetsFromEnclave() + " pkt / " + tunnel.bytesFromEnclave() + " B",
                tunnel.packetsToEnclave() + " pkt / " + tunnel.bytesToEnclave() + " B",
                drops(tunnel.drops()));
    }

    private static void appendAligned(StringBuilder text, List<List<String>> rows) {
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int column = 0; column < widths.length; column++) {
                widths[column] = Math.max(widths[column], row.get(column).length());
            }
        }
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int column = 0; column < widths.length; column++) {
                line.append(row.get(column));
                if (column < widths.length - 1) {
                    line.append(" ".repeat(widths[column] - row.get(column).length() + 2));
                }
            }
            text.append(line.toString().stripTrailing()).append('\n');
        }
    }

    private static String port(String hostPort) {
        if (hostPort == null) {
            return "-";
        }
        return hostPort.substring(hostPort.lastIndexOf(':') + 1);
    }

    /** Shortens a measurement to its first 8 hex digits and an ellipsis. */
    static String shortMeasurement(String hex) {
        if (hex == null || hex.isEmpty()) {
            return "-";
        }
        return hex.length() <= MEASUREMENT_DIGITS ? hex : hex.substring(0, MEASUREMENT_DIGITS) + "…";
    }

    /** Lists the non-zero drop counts as {@code reason=count}, or {@code -} when there are none. */
    private static String drops(Map<String, Long> drops) {
        if (drops == null) {
            return "-";
        }
        String listed = drops.entrySet().stream()
                .filter(entry -> entry.getValue() != null && entry.getValue() > 0)
                .map(entry -> entry.getKey() + "=" + entry.getValue())
                .collect(Collectors.joining(","));
        return listed.isEmpty() ? "-" : listed;
    }

    /** Formats the time between two instants with its two largest units: {@code 45s}, {@code 5m03s}, {@code 2h05m}, {@code 3d04h}. */
    static String age(Instant since, Instant now) {
        if (since == null || now == null) {
            return "-";
        }
        long seconds = Math.max(0, Duration.between(since, now).toSeconds());
        if (seconds < 60) {
            return seconds + "s";
        }
        if (seconds < 3600) {
            return String.format(Locale.ROOT, "%dm%02ds", seconds / 60, seconds % 60);
        }
        if (seconds < 86_400) {
            return String.format(Locale.ROOT, "%dh%02dm", seconds / 3600, seconds % 3600 / 60);
        }
        return String.format(Locale.ROOT, "%dd%02dh", seconds / 86_400, seconds % 86_400 / 3600);
    }
}
