package seng.bench;

import java.util.List;
import java.util.Map;

/**
 * Everything one load-generator run measured. The JSON file is this record written with
 * snake_case names; phases that did not run are null.
 *
 * @param hints sentences on the likely cause of the failures counted, such as a server
 *     certificate that is not the pinned one. The list is empty when no failure has a known cause.
 */
public record BenchReport(
        String tool,
        String timestamp,
        MachineInfo machine,
        Parameters parameters,
        ServerStats server,
        CertificateStats certificates,
        ConnectStats connect,
        PingStats ping,
        ChurnStats churn,
        HoldStats hold,
        List<String> hints) {

    /** Each application tunnel takes two DTLS handshakes: on port P and on port P + 1. */
    public static final int HANDSHAKES_PER_TUNNEL = 2;

    public BenchReport {
        hints = List.copyOf(hints);
    }

    /** The options of the run, in units a reader expects. */
    public record Parameters(String server, int enclaves, double rampUpSeconds, double warmupSeconds,
            double durationSeconds, String mode,
            String pingLoop, int payloadBytes, int ipPacketBytes, long pingTimeoutMs, double connectTimeoutSeconds,
            int certificatesPerEnclave, List<String> localAddresses) {
    }

    /**
     * The server process as sampled through /proc, with every field but {@code note} null when it
     * was not found.
     *
     * @param rssPerTunnelKb growth of the resident set over the connect phase, per connected
     *     application tunnel. It includes heap the JVM grew into and did not need yet.
     */
    public record ServerStats(Long pid, String pidSource, String note, Long rssBeforeKb, Long rssAfterConnectKb,
            Double rssPerTunnelKb, Long rssEndKb) {
    }

    public record CertificateStats(int count, double seconds) {
    }

    /**
     * The initial connection of every enclave.
     *
     * @param seconds from the first connection start to the last successful setup
     * @param tunnelsPerSecond application tunnels set up per second
     * @param handshakesPerSecond DTLS handshakes per second, {@link #HANDSHAKES_PER_TUNNEL} per tunnel
     * @param serverCpuMsPerTunnel server CPU time of the phase divided by the tunnels set up
     */
    public record ConnectStats(int attempted, int connected, int failed, Map<String, Long> errors, double seconds,
            double tunnelsPerSecond, double handshakesPerSecond, LatencySummary setup, LatencySummary tunnel1,
            LatencySummary tunnel2, CpuUsage cpu, Double serverCpuMsPerTunnel) {
    }

    /**
     * The ping phase. "To gateway" counts the echo requests the enclaves sent, "from gateway" every
     * packet they received on tunnel #2; bytes are IPv4 packet bytes, without DTLS overhead. Every
     * rate is over the sending window.
     *
     * @param seconds the sending window, from the first ping to the last. Replies that arrived
     *     after it but within the ping timeout count as replies.
     * @param cpu CPU time over the duration of the phase, without the wait for the last replies
     */
    public record PingStats(int enclaves, String loop, double seconds, long sent, long replies, long lost, long lateReplies,
            double roundTripsPerSecond, LatencySummary rtt, double packetsPerSecondToGateway,
            double bytesPerSecondToGateway, double packetsPerSecondFromGateway, double bytesPerSecondFromGateway,
            Map<String, Long> errors, CpuUsage cpu) {
    }

    /**
     * The reconnect loop: each enclave closes and sets up its tunnels again for the duration.
     *
     * @param seconds from the start to the end of the duration, or to the last successful setup if
     *     that came later. A failed attempt does not lengthen it.
     * @param tunnelsPerSecond application tunnels set up per second
     * @param handshakesPerSecond DTLS handshakes per second, {@link #HANDSHAKES_PER_TUNNEL} per tunnel
     */
    public record ChurnStats(int enclaves, double seconds, long reconnects, long failed, double tunnelsPerSecond,
            double handshakesPerSecond, LatencySummary setup, LatencySummary tunnel1, LatencySummary tunnel2,
            Map<String, Long> errors, CpuUsage cpu, Double serverCpuMsPerTunnel) {
    }

    /**
     * The idle window of a hold run.
     *
     * @param cpu CPU time during the idle window only
     * @param answering tunnels that returned an echo reply after the window, with up to three
     *     attempts each
     * @param answeringAfterRetry of those, how many needed more than one attempt
     * @param rssHeldKb the server's resident memory at the end of the window, while every tunnel is
     *     still up and its garbage had the window to be collected, or null if not sampled
     */
    public record HoldStats(int tunnels, double seconds, CpuUsage cpu, Long rssHeldKb, int answering,
            int answeringAfterRetry, Map<String, Long> errors) {
    }
}
