package seng.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;

import org.tinylog.Logger;

import seng.attest.Attestation;
import seng.ip.HostPort;
import seng.ip.Ipv4Address;
import seng.tunnel.ApplicationTunnel;
import seng.tunnel.DropReason;
import seng.tunnel.TrafficCounters;

/**
 * The audit trail: one {@code info} line per admission decision and per tunnel end, with
 * {@code key=value} fields an operator can grep. Every field is always present, "-" when unknown.
 */
final class AuditLog {
    private AuditLog() {
    }

    static void admitted(int tunnel, InetSocketAddress peer, Attestation attestation, String appName, int address) {
        Logger.info("event=admission decision=admitted reason=- tunnel={} peer={} app={} mrenclave={} mrsigner={}"
                        + " quote_status={} advisory_ids={} enclave={}",
                tunnel, HostPort.format(peer), orDash(appName), attestation.mrEnclaveHex(), attestation.mrSignerHex(),
                attestation.quoteStatus(), advisoryIds(attestation), Ipv4Address.format(address));
    }

    /** Logs a refused client; {@code attestation} is null when the evidence itself failed. */
    static void refused(int tunnel, InetSocketAddress peer, Attestation attestation, String reason, String detail) {
        Logger.info("event=admission decision=refused reason={} tunnel={} peer={} app=- mrenclave={} mrsigner={}"
                        + " quote_status={} advisory_ids={} enclave=- detail=\"{}\"",
                reason, tunnel, HostPort.format(peer),
                attestation == null ? "-" : attestation.mrEnclaveHex(),
                attestation == null ? "-" : attestation.mrSignerHex(),
                attestation == null ? "-" : attestation.quoteStatus(),
                attestation == null ? "-" : advisoryIds(attestation),
                quoted(detail));
    }

    static void tunnelEnded(ApplicationTunnel tunnel, String reason) {
        TrafficCounters counters = tunnel.counters();
        Instant since = tunnel.info().since();
        StringBuilder drops = new StringBuilder();
        for (DropReason dropReason : DropReason.values()) {
            long count = counters.drops(dropReason);
            if (count > 0) {
                drops.append(drops.isEmpty() ? "" : ",").append(dropReason.code()).append(':').append(count);
            }
        }
        Logger.info("event=tunnel_ended reason={} enclave={} peer={} app={} mrenclave={} duration_s={}"
                        + " packets_from_enclave={} bytes_from_enclave={} packets_to_enclave={} bytes_to_enclave={} drops={}",
                reason, Ipv4Address.format(tunnel.info().enclaveAddress()), HostPort.format(tunnel.info().tunnel1Peer()),
                orDash(tunnel.info().appName()), tunnel.info().mrEnclave(),
                Duration.between(since, Instant.now()).toMillis() / 1000.0,
                counters.packetsFromEnclaves.sum(), counters.bytesFromEnclaves.sum(),
                counters.packetsToEnclaves.sum(), counters.bytesToEnclaves.sum(),
                drops.isEmpty() ? "-" : drops);
    }

    private static String advisoryIds(Attestation attestation) {
        return attestation.advisoryIds().isEmpty() ? "-" : String.join(",", attestation.advisoryIds());
    }

    private static String orDash(String value) {
        return value == null || value.isEmpty() ? "-" : value;
    }

    /** Keeps a client-influenced sentence on one line and inside its quotes. */
    private static String quoted(String text) {
        return text == null ? "" : text.replace('"', '\'').replace('\n', ' ').replace('\r', ' ');
    }
}
