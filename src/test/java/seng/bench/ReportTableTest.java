package seng.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTableTest {
    private static final LatencySummary NO_LATENCY = new LatencyHistogram().summary();

    @Test
    void shortPhaseHasNoCpuPercentages() {
        CpuUsage cpu = CpuUsage.between(new CpuUsage.Mark(0, 0, 0),
                new CpuUsage.Mark(6_600_000, 20_000_000, 10_000_000));

        assertThat(cpu.benchCpuSeconds()).isEqualTo(0.02);
        assertThat(cpu.serverCpuSeconds()).isEqualTo(0.01);
        assertThat(cpu.benchCpuPercent()).isNull();
        assertThat(cpu.serverCpuPercent()).isNull();
        assertThat(table(report(cpu, List.of()))).contains("load generator 0.02 s; no percentages for a phase under 1 s")
                .doesNotContain("%");
    }

    @Test
    void longPhaseHasCpuPercentages() {
        CpuUsage cpu = CpuUsage.between(new CpuUsage.Mark(0, 0, 0),
                new CpuUsage.Mark(2_000_000_000, 1_000_000_000, 500_000_000));

        assertThat(cpu.benchCpuPercent()).isEqualTo(50.0);
        assertThat(cpu.serverCpuPercent()).isEqualTo(25.0);
        assertThat(table(report(cpu, List.of()))).contains("server 0.50 s (25% of one core)",
                "load generator 1.00 s (50%)").doesNotContain("no percentages");
    }

    @Test
    void unsampledServerHasNoPercentage() {
        CpuUsage cpu = CpuUsage.between(new CpuUsage.Mark(0, 0, -1),
                new CpuUsage.Mark(2_000_000_000, 1_000_000_000, -1));

        assertThat(cpu.serverCpuSeconds()).isNull();
        assertThat(cpu.serverCpuPercent()).isNull();
        assertThat(cpu.benchCpuPercent()).isEqualTo(50.0);
    }

    @Test
    void tableShowsTunnelsAndHandshakes() {
        String table = table(report(longCpu(), List.of()));

        assertThat(table).contains("10 of 10 connected in 2.00 s: 5.0 tunnels per second, 10.0 handshakes per second");
        assertThat(table).doesNotContain("hint:");
    }

    @Test
    void tableEndsWithHints() {
        String table = table(report(longCpu(), List.of("first cause.", "second cause.")));

        assertThat(table).endsWith("\nhint: first cause.\nhint: second cause.\n");
    }

    @Test
    void jsonHoldsTunnelsAndHandshakes() {
        String json = ReportTable.toJson(report(longCpu(), List.of("a cause.")));

        assertThat(json).contains("\"tunnels_per_second\" : 5.0", "\"handshakes_per_second\" : 10.0",
                "\"hints\" : [ \"a cause.\" ]");
    }

    @Test
    void missingJsonDirectoryIsRejected(@TempDir Path directory) {
        Path file = directory.resolve("missing").resolve("report.json");

        assertThatThrownBy(() -> ReportTable.checkWritable(file))
                .isInstanceOf(IOException.class)
                .hasMessage("invalid --json " + file + ": directory " + file.getParent()
                        + " not found. Create it or give another file.");
    }

    @Test
    void directoryAsJsonFileIsRejected(@TempDir Path directory) {
        assertThatThrownBy(() -> ReportTable.checkWritable(directory))
                .isInstanceOf(IOException.class)
                .hasMessage("invalid --json " + directory + ": it is a directory. Give a file name.");
    }

    @Test
    void jsonCheckLeavesNoNewFile(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("report.json");

        ReportTable.checkWritable(file);

        assertThat(file).doesNotExist();
    }

    @Test
    void jsonCheckKeepsExistingFile(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("report.json");
        Files.writeString(file, "an earlier report\n");

        ReportTable.checkWritable(file);

        assertThat(file).hasContent("an earlier report");
    }

    @Test
    void jsonWriteFailureNamesFile(@TempDir Path directory) {
        Path file = directory.resolve("gone").resolve("report.json");

        assertThatThrownBy(() -> ReportTable.writeJson(report(longCpu(), List.of()), file))
                .isInstanceOf(IOException.class)
                .hasMessage("failed to write the JSON report to " + file + ": directory not found. Check the --json path.");
    }

    @Test
    void jsonIsWritten(@TempDir Path directory) throws IOException {
        Path file = directory.resolve("report.json");

        ReportTable.writeJson(report(longCpu(), List.of()), file);

        assertThat(Files.readString(file)).startsWith("{").contains("\"handshakes_per_second\"");
    }

    private static CpuUsage longCpu() {
        return CpuUsage.between(new CpuUsage.Mark(0, 0, 0), new CpuUsage.Mark(2_000_000_000, 1_000_000_000, 500_000_000));
    }

    /** Returns a report of ten enclaves that connected in two seconds, without a ping, churn or hold phase. */
    private static BenchReport report(CpuUsage connectCpu, List<String> hints) {
        BenchReport.Parameters parameters = new BenchReport.Parameters("127.0.0.1:12600", 10, 0, 0, 1, "ping",
                "closed loop", 56, 84, 2000, 30, 1, List.of("127.0.0.1"));
        BenchReport.ServerStats server = new BenchReport.ServerStats(null, null, "not sampled (--server-pid none)",
                null, null, null, null);
        BenchReport.ConnectStats connect = new BenchReport.ConnectStats(10, 10, 0, Map.of(), 2.0, 5.0, 10.0,
                NO_LATENCY, NO_LATENCY, NO_LATENCY, connectCpu, null);
        return new BenchReport("seng-gateway bench", "2026-01-01T00:00:00Z",
                new MachineInfo(2, "test CPU", 1024, "Linux", "test JVM"), parameters, server,
                new BenchReport.CertificateStats(10, 0.5), connect, null, null, null, hints);
    }

    private static String table(BenchReport report) {
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        ReportTable.print(report, new PrintStream(text, true, StandardCharsets.UTF_8));
        return text.toString(StandardCharsets.UTF_8);
    }
}
