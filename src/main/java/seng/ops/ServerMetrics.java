package seng.ops;

import static seng.ops.PrometheusText.Type.COUNTER;
import static seng.ops.PrometheusText.Type.GAUGE;
import static seng.ops.PrometheusText.Type.HISTOGRAM;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import seng.dtls.DtlsEndpoint;
import seng.dtls.EndpointCounters;
import seng.gateway.Gateway;
import seng.gateway.LoopbackGateway;
import seng.gateway.TunInterface;
import seng.pool.AddressPool;
import seng.pool.EnclaveNetwork;
import seng.server.DurationHistogram;
import seng.server.GatewayServer;
import seng.server.HandshakeCounters;
import seng.tunnel.DropReason;
import seng.tunnel.TrafficCounters;

/**
 * Renders the counters of a running server as Prometheus metrics. Rendering reads counters and
 * copies small collections only, so a scrape never holds up a packet. The one lock it takes is
 * the loopback gateway's queue lock, which {@link LoopbackGateway#counters} holds for a moment.
 *
 * <p>No metric has a label per tunnel or per client, so the number of series stays bounded: the
 * {@code /status} endpoint is the place for one tunnel's counters.
 */
final class ServerMetrics {
    static final String FROM_ENCLAVE = "from_enclave";
    static final String TO_ENCLAVE = "to_enclave";

    private static final int[] TUNNELS = {1, 2};

    private ServerMetrics() {
    }

    static String render(GatewayServer server, Instant processStart) {
        PrometheusText text = new PrometheusText();
        text.family("process_start_time_seconds", GAUGE, "Start time of the process since the Unix epoch, in seconds.")
                .sample("process_start_time_seconds", processStart.toEpochMilli() / 1000.0);
        writeHandshakes(text, server.handshakes());
        writeTunnels(text, server);
        writeTraffic(text, server.traffic());
        writeAddresses(text, server.network());
        writeEndpoints(text, server.tunnel1Endpoint(), server.tunnel2Endpoint());
        writeGateway(text, server.gateway());
        return text.toString();
    }

    /** Returns the direction of the packets a drop reason applies to. */
    static String direction(DropReason reason) {
        return switch (reason) {
            case SPOOFED_SOURCE, MALFORMED, DATA_ON_SEND_TUNNEL -> FROM_ENCLAVE;
            case TOO_SHORT, TOO_LARGE, NO_TUNNEL -> TO_ENCLAVE;
        };
    }

    private static void writeHandshakes(PrometheusText text, HandshakeCounters handshakes) {
        // Keys are "tunnel:outcome"; the two success outcomes are listed from the start, at 0.
        Map<String, Long> outcomes = new TreeMap<>(handshakes.snapshot());
        outcomes.putIfAbsent("1:admitted", 0L);
        outcomes.putIfAbsent("2:paired", 0L);
        text.family("seng_handshakes_total", COUNTER, "Handshake and setup outcomes by tunnel: admitted (tunnel 1),"
                + " paired (tunnel 2), or the reason code of a rejection or a failed setup. An admitted tunnel 1 client"
                + " whose setup fails later is counted under both outcomes.");
        outcomes.forEach((key, count) -> {
            int colon = key.indexOf(':');
            text.sample("seng_handshakes_total", count, "tunnel", key.substring(0, colon),
                    "outcome", key.substring(colon + 1));
        });

        String name = "seng_handshake_duration_seconds";
        text.family(name, HISTOGRAM, "Duration of completed DTLS handshakes, from the verified ClientHello on.");
        double[] bounds = DurationHistogram.bounds();
        for (int tunnel : TUNNELS) {
            String tunnelLabel = Integer.toString(tunnel);
            DurationHistogram histogram = handshakes.durations(tunnel);
            long[] cumulative = histogram.cumulativeCounts();
            for (int index = 0; index < bounds.length; index++) {
                text.sample(name + "_bucket", cumulative[index], "tunnel", tunnelLabel,
                        "le", PrometheusText.format(bounds[index]));
            }
            // The count comes from the +Inf bucket, so the two agree even while a handshake is recorded.
            long count = cumulative[bounds.length];
            text.sample(name + "_bucket", count, "tunnel", tunnelLabel, "le", "+Inf");
            text.sample(name + "_sum", histogram.sumSeconds(), "tunnel", tunnelLabel);
            text.sample(name + "_count", count, "tunnel", tunnelLabel);
        }
    }

    private static void writeTunnels(PrometheusText text, GatewayServer server) {
        text.family("seng_tunnels_active", GAUGE, "Application tunnels in their data phase.")
                .sample("seng_tunnels_active", server.tunnels().size());
        text.family("seng_pairing_waiting", GAUGE, "Tunnel 1 clients that completed their handshake and wait for"
                + " their tunnel 2.")
                .sample("seng_pairing_waiting", server.waitingForPairing());
        text.family("seng_tunnels_ended_total", COUNTER, "Application tunnels that ended, by reason: tunnel1_close_notify,"
                + " tunnel2_close_notify, idle_timeout, server_shutdown, or an alert or error on either tunnel.");
        server.tunnelEnds().snapshot().forEach((reason, count) ->
                text.sample("seng_tunnels_ended_total", count, "reason", reason));
    }

    private static void writeTraffic(PrometheusText text, TrafficCounters traffic) {
        text.family("seng_tunnel_packets_total", COUNTER, "IPv4 packets forwarded through application tunnels.")
                .sample("seng_tunnel_packets_total", traffic.packetsFromEnclaves.sum(), "direction", FROM_ENCLAVE)
                .sample("seng_tunnel_packets_total", traffic.packetsToEnclaves.sum(), "direction", TO_ENCLAVE);
        text.family("seng_tunnel_bytes_total", COUNTER, "Bytes of the IPv4 packets forwarded through application"
                + " tunnels, without DTLS record overhead.")
                .sample("seng_tunnel_bytes_total", traffic.bytesFromEnclaves.sum(), "direction", FROM_ENCLAVE)
                .sample("seng_tunnel_bytes_total", traffic.bytesToEnclaves.sum(), "direction", TO_ENCLAVE);
        text.family("seng_tunnel_packets_dropped_total", COUNTER, "Tunnel packets dropped, by direction and reason.");
        for (DropReason reason : DropReason.values()) {
            text.sample("seng_tunnel_packets_dropped_total", traffic.drops(reason), "direction", direction(reason),
                    "reason", reason.code());
        }
    }

    private static void writeAddresses(PrometheusText text, EnclaveNetwork network) {
        List<AddressPool> pools = network.pools().stream()
                .sorted(Comparator.comparingLong(pool -> Integer.toUnsignedLong(pool.subnet().network())))
                .toList();
        text.family("seng_enclave_addresses_free", GAUGE, "Enclave addresses of a subnetwork that no tunnel holds.");
        for (AddressPool pool : pools) {
            text.sample("seng_enclave_addresses_free", pool.freeCount(), "subnet", pool.subnet().toString());
        }
        text.family("seng_enclave_addresses_capacity", GAUGE, "Enclave addresses of a subnetwork: all but its"
                + " network, broadcast and gateway addresses.");
        for (AddressPool pool : pools) {
            text.sample("seng_enclave_addresses_capacity", pool.subnet().capacity(), "subnet", pool.subnet().toString());
        }
    }

    private static void writeEndpoints(PrometheusText text, DtlsEndpoint tunnel1, DtlsEndpoint tunnel2) {
        EndpointCounters[] counters = {tunnel1.counters(), tunnel2.counters()};
        int[] peers = {tunnel1.peerCount(), tunnel2.peerCount()};

        text.family("seng_udp_datagrams_received_total", COUNTER, "UDP datagrams received on the tunnel port.");
        for (int tunnel : TUNNELS) {
            text.sample("seng_udp_datagrams_received_total", counters[tunnel - 1].datagramsReceived.sum(),
                    "tunnel", Integer.toString(tunnel));
        }
        text.family("seng_udp_datagrams_dropped_total", COUNTER, "UDP datagrams dropped on the tunnel port before"
                + " DTLS saw them, or not sent, by reason.");
        for (int tunnel : TUNNELS) {
            EndpointCounters endpoint = counters[tunnel - 1];
            String label = Integer.toString(tunnel);
            String name = "seng_udp_datagrams_dropped_total";
            text.sample(name, endpoint.unknownPeerDrops.sum(), "tunnel", label, "reason", "unknown_peer")
                    .sample(name, endpoint.queueFullDrops.sum(), "tunnel", label, "reason", "queue_full")
                    .sample(name, endpoint.implausibleHandshakeDrops.sum(), "tunnel", label, "reason", "implausible_handshake")
                    .sample(name, endpoint.handshakeLimitDrops.sum(), "tunnel", label, "reason", "handshake_limit")
                    .sample(name, endpoint.replayedHelloDrops.sum(), "tunnel", label, "reason", "replayed_hello")
                    .sample(name, endpoint.malformedDrops.sum(), "tunnel", label, "reason", "malformed")
                    .sample(name, endpoint.peerLimitDrops.sum(), "tunnel", label, "reason", "peer_limit")
                    .sample(name, endpoint.sendBufferFullDrops.sum(), "tunnel", label, "reason", "send_buffer_full");
        }
        text.family("seng_udp_errors_total", COUNTER, "Failed socket calls on the tunnel port, by operation.");
        for (int tunnel : TUNNELS) {
            EndpointCounters endpoint = counters[tunnel - 1];
            String label = Integer.toString(tunnel);
            text.sample("seng_udp_errors_total", endpoint.receiveErrors.sum(), "tunnel", label, "operation", "receive")
                    .sample("seng_udp_errors_total", endpoint.sendErrors.sum(), "tunnel", label, "operation", "send");
        }
        text.family("seng_dtls_cookies_sent_total", COUNTER, "HelloVerifyRequests sent in reply to ClientHellos"
                + " without a valid cookie.");
        for (int tunnel : TUNNELS) {
            text.sample("seng_dtls_cookies_sent_total", counters[tunnel - 1].cookiesSent.sum(),
                    "tunnel", Integer.toString(tunnel));
        }
        text.family("seng_dtls_client_hellos_verified_total", COUNTER, "ClientHellos that returned a valid cookie.");
        for (int tunnel : TUNNELS) {
            text.sample("seng_dtls_client_hellos_verified_total", counters[tunnel - 1].helloVerified.sum(),
                    "tunnel", Integer.toString(tunnel));
        }
        text.family("seng_dtls_peers", GAUGE, "Clients with a verified cookie on the tunnel port: handshaking or"
                + " connected.");
        for (int tunnel : TUNNELS) {
            text.sample("seng_dtls_peers", peers[tunnel - 1], "tunnel", Integer.toString(tunnel));
        }
    }

    private static void writeGateway(PrometheusText text, Gateway gateway) {
        text.family("seng_gateway_info", GAUGE, "The gateway side of the server; the name is the TUN interface, or"
                + " loopback in test mode.")
                .sample("seng_gateway_info", 1, "name", gateway.name());
        switch (gateway) {
            case LoopbackGateway loopback -> writeLoopbackGateway(text, loopback.counters());
            case TunInterface tun -> writeTunGateway(text, tun.counters());
            default -> {
                // Another Gateway implementation: its counters are unknown here.
            }
        }
    }

    private static void writeLoopbackGateway(PrometheusText text, LoopbackGateway.Counters counters) {
        writeGatewayPackets(text, counters.packetsRead(), counters.echoRequestsAnswered() + counters.packetsRouted());
        text.family("seng_gateway_packets_dropped_total", COUNTER, "Packets the gateway dropped, by reason.");
        for (LoopbackGateway.DropReason reason : LoopbackGateway.DropReason.values()) {
            text.sample("seng_gateway_packets_dropped_total", counters.dropped(reason),
                    "reason", reason.label());
        }
    }

    private static void writeTunGateway(PrometheusText text, TunInterface.Counters counters) {
        writeGatewayPackets(text, counters.packetsRead(), counters.packetsWritten());
        text.family("seng_gateway_bytes_read_total", COUNTER, "Bytes of the packets read from the gateway.")
                .sample("seng_gateway_bytes_read_total", counters.bytesRead());
        text.family("seng_gateway_bytes_written_total", COUNTER, "Bytes of the packets the gateway accepted.")
                .sample("seng_gateway_bytes_written_total", counters.bytesWritten());
        String name = "seng_gateway_packets_dropped_total";
        text.family(name, COUNTER, "Packets the gateway dropped, by reason.")
                .sample(name, counters.nonIpv4Skipped(), "reason", "not_ipv4")
                .sample(name, counters.oversizedSkipped(), "reason", "read_buffer_too_small")
                .sample(name, counters.writesDropped(), "reason", "write_dropped")
                .sample(name, counters.writesRejected(), "reason", "write_rejected");
    }

    private static void writeGatewayPackets(PrometheusText text, long read, long accepted) {
        text.family("seng_gateway_packets_read_total", COUNTER, "Packets the server read from the gateway, to route"
                + " to enclaves.")
                .sample("seng_gateway_packets_read_total", read);
        text.family("seng_gateway_packets_written_total", COUNTER, "Enclave packets the gateway accepted.")
                .sample("seng_gateway_packets_written_total", accepted);
    }
}
