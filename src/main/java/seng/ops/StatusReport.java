package seng.ops;

import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.json.JsonMapper;

import seng.ip.HostPort;
import seng.ip.Ipv4Address;
import seng.pool.AddressPool;
import seng.server.GatewayServer;
import seng.tunnel.ApplicationTunnel;
import seng.tunnel.DropReason;
import seng.tunnel.TrafficCounters;
import seng.tunnel.TunnelInfo;

/**
 * A snapshot of a running server for {@code /status}, serialized as JSON with snake_case names:
 * the server, its enclave subnetworks and one entry per application tunnel in its data phase,
 * sorted by enclave address.
 */
public record StatusReport(Server server, List<SubnetStatus> subnets, List<TunnelStatus> tunnels) {
    private static final JsonMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /**
     * The server as a whole.
     *
     * @param tunnel1 the UDP address of tunnel #1, such as {@code 127.0.0.1:12345}
     * @param gateway the gateway name: the TUN interface, or {@code loopback}
     * @param now when the report was taken, so that a client computes ages with the server's clock
     */
    public record Server(String tunnel1, String tunnel2, String gateway, Instant startedAt, Instant now,
            int waitingForPairing) {
    }

    /** One enclave subnetwork and how many of its addresses are free. */
    public record SubnetStatus(String subnet, String gateway, int capacity, int free) {
    }

    /**
     * One application tunnel.
     *
     * @param tunnel1Peer the client's address and port of tunnel #1; tunnel #2 comes from the same host
     * @param appName the allowlist entry that admitted the enclave, or null without a database
     * @param mrEnclave the enclave measurement, 64 hex digits
     * @param since when the tunnel entered its data phase
     * @param drops dropped packets of this tunnel by reason code, every reason listed
     */
    public record TunnelStatus(String enclaveAddress, String tunnel1Peer, String tunnel2Peer, String appName,
            String mrEnclave, String mrSigner, Instant since, long packetsFromEnclave, long bytesFromEnclave,
            long packetsToEnclave, long bytesToEnclave, Map<String, Long> drops) {
    }

    /** Takes a report of a running server. */
    static StatusReport of(GatewayServer server, Instant startedAt, Instant now) {
        Server summary = new Server(HostPort.format(server.tunnel1Address()), HostPort.format(server.tunnel2Address()),
                server.gateway().name(), startedAt, now, server.waitingForPairing());
        List<SubnetStatus> subnets = server.network().pools().stream()
                .sorted(Comparator.comparingLong(pool -> Integer.toUnsignedLong(pool.subnet().network())))
                .map(StatusReport::subnetStatus)
                .toList();
        List<TunnelStatus> tunnels = server.tunnels().stream()
                .sorted(Comparator.comparingLong(tunnel -> Integer.toUnsignedLong(tunnel.info().enclaveAddress())))
                .map(StatusReport::tunnelStatus)
                .toList();
        return new StatusReport(summary, subnets, tunnels);
    }

    private static SubnetStatus subnetStatus(AddressPool pool) {
        return new SubnetStatus(pool.subnet().toString(), Ipv4Address.format(pool.subnet().gateway()),
                pool.subnet().capacity(), pool.freeCount());
    }

    private static TunnelStatus tunnelStatus(ApplicationTunnel tunnel) {
        TunnelInfo info = tunnel.info();
        TrafficCounters counters = tunnel.counters();
        Map<String, Long> drops = new LinkedHashMap<>();
        for (DropReason reason : DropReason.values()) {
            drops.put(reason.code(), counters.drops(reason));
        }
        return new TunnelStatus(Ipv4Address.format(info.enclaveAddress()), HostPort.format(info.tunnel1Peer()),
                HostPort.format(info.tunnel2Peer()), info.appName(), info.mrEnclave(), info.mrSigner(), info.since(),
                counters.packetsFromEnclaves.sum(), counters.bytesFromEnclaves.sum(), counters.packetsToEnclaves.sum(),
                counters.bytesToEnclaves.sum(), drops);
    }

    String toJson() {
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(this);
    }

    /**
     * Parses a report. Unknown fields are skipped, so a client reads the reports of newer servers.
     *
     * @throws IllegalArgumentException if the text is not a status report
     */
    public static StatusReport fromJson(String json) {
        StatusReport report;
        try {
            report = JSON.readValue(json, StatusReport.class);
        } catch (JacksonException e) {
            throw new IllegalArgumentException("invalid status report: " + e.getOriginalMessage(), e);
        }
        if (report == null || report.server() == null || report.subnets() == null || report.tunnels() == null) {
            throw new IllegalArgumentException("invalid status report: server, subnets or tunnels is missing");
        }
        return report;
    }
}
