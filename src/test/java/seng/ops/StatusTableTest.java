package seng.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class StatusTableTest {
    private static final Instant NOW = Instant.parse("2025-06-01T10:05:03Z");

    @Test
    void rowsAreAlignedUnderTheHeader() {
        StatusReport report = new StatusReport(server(), List.of(new StatusReport.SubnetStatus("192.168.28.0/24",
                "192.168.28.1", 253, 251)), List.of(
                tunnel("192.168.28.2", "127.0.0.1:41082", "127.0.0.1:41083", null, Map.of("spoofed_source", 3L)),
                tunnel("192.168.28.130", "10.1.2.3:5000", "10.1.2.3:5001", "web shop", Map.of())));

        String[] lines = StatusTable.format(report).split("\n");

        assertThat(lines[0]).isEqualTo("SENG gateway: tunnel #1 udp 127.0.0.1:12345, tunnel #2 udp 127.0.0.1:12346,"
                + " gateway loopback, up 1h05m");
        assertThat(lines[1]).isEqualTo("192.168.28.0/24: 251 of 253 addresses free");
        assertThat(lines[2]).isEqualTo("2 application tunnels, 0 waiting for pairing");
        assertThat(lines[3]).isEmpty();
        String header = lines[4];
        assertThat(header).startsWith("ENCLAVE         CLIENT           T2 PORT  APP       MRENCLAVE  CONNECTED SINCE");
        assertThat(lines[5]).startsWith("192.168.28.2    127.0.0.1:41082  41083    -         00112233…  2025-06-01T10:00:00Z  5m03s");
        assertThat(lines[5]).endsWith("5 pkt / 420 B  4 pkt / 400 B  spoofed_source=3");
        assertThat(lines[6]).startsWith("192.168.28.130  10.1.2.3:5000    5001     web shop  00112233…");
        assertThat(lines[6]).endsWith("  -");
        for (int index = 5; index <= 6; index++) {
            assertThat(lines[index].indexOf("2025-06-01")).isEqualTo(header.indexOf("CONNECTED SINCE"));
            assertThat(lines[index].indexOf(" pkt")).isGreaterThan(header.indexOf("FROM ENCLAVE") - 1);
        }
    }

    @Test
    void emptyServerPrintsOnlyTheSummary() {
        StatusReport report = new StatusReport(server(), List.of(), List.of());

        assertThat(StatusTable.format(report)).endsWith("0 application tunnels, 0 waiting for pairing\n")
                .doesNotContain("ENCLAVE");
    }

    @Test
    void ageUsesItsTwoLargestUnits() {
        Instant start = Instant.parse("2025-06-01T00:00:00Z");

        assertThat(StatusTable.age(start, start.plusSeconds(45))).isEqualTo("45s");
        assertThat(StatusTable.age(start, start.plusSeconds(303))).isEqualTo("5m03s");
        assertThat(StatusTable.age(start, start.plusSeconds(7_500))).isEqualTo("2h05m");
        assertThat(StatusTable.age(start, start.plusSeconds(273_600))).isEqualTo("3d04h");
        assertThat(StatusTable.age(start, start.minusSeconds(5))).isEqualTo("0s");
    }

    @Test
    void measurementIsShortened() {
        assertThat(StatusTable.shortMeasurement("0123456789abcdef")).isEqualTo("01234567…");
        assertThat(StatusTable.shortMeasurement("0123")).isEqualTo("0123");
        assertThat(StatusTable.shortMeasurement(null)).isEqualTo("-");
    }

    private static StatusReport.Server server() {
        return new StatusReport.Server("127.0.0.1:12345", "127.0.0.1:12346", "loopback",
                Instant.parse("2025-06-01T09:00:00Z"), NOW, 0);
    }

    private static StatusReport.TunnelStatus tunnel(String address, String peer1, String peer2, String app,
            Map<String, Long> nonZeroDrops) {
        Map<String, Long> drops = new LinkedHashMap<>();
        drops.put("spoofed_source", 0L);
        drops.put("malformed", 0L);
        drops.putAll(nonZeroDrops);
        return new StatusReport.TunnelStatus(address, peer1, peer2, app, "00112233445566778899aabbccddeeff",
                "ff", Instant.parse("2025-06-01T10:00:00.250Z"), 5, 420, 4, 400, drops);
    }
}
