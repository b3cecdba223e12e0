package seng.server;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.tinylog.Logger;

import seng.attest.Attestation;
import seng.attest.AttestationException;
import seng.attest.IasReport;
import seng.attest.SgxQuote;
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
                tunnel, HostPort.format(peer), field(appName), attestation.mrEnclaveHex(), attestation.mrSignerHex(),
                field(attestation.quoteStatus()), advisoryIds(attestation.advisoryIds()), Ipv4Address.format(address));
    }

    /** Logs a client refused after its attestation passed, by the allowlist or for lack of addresses. */
    static void refused(int tunnel, InetSocketAddress peer, Attestation attestation, String reason, String detail) {
        refused(tunnel, peer, reason, attestation.mrEnclaveHex(), attestation.mrSignerHex(), attestation.quoteStatus(),
                attestation.advisoryIds(), detail);
    }

    /**
     * Logs a client whose attestation failed, with the enclave's identity when the failing check
     * came after the report's signature was verified.
     */
    static void refused(int tunnel, InetSocketAddress peer, AttestationException failure) {
        refused(tunnel, peer, failure.reason().code(),
                failure.quote().map(SgxQuote::mrEnclaveHex).orElse(null),
                failure.quote().map(SgxQuote::mrSignerHex).orElse(null),
                failure.report().map(IasReport::isvEnclaveQuoteStatus).orElse(null),
                failure.report().map(IasReport::advisoryIds).orElse(List.of()),
                failure.getMessage());
    }

    /** Logs a client refused before any attestation, such as a tunnel #2 without its tunnel #1. */
    static void refused(int tunnel, InetSocketAddress peer, String reason, String detail) {
        refused(tunnel, peer, reason, null, null, null, List.of(), detail);
    }

    private static void refused(int tunnel, InetSocketAddress peer, String reason, String mrEnclave, String mrSigner,
            String quoteStatus, List<String> advisoryIds, String detail) {
        Logger.info("event=admission decision=refused reason={} tunnel={} peer={} app=- mrenclave={} mrsigner={}"
                        + " quote_status={} advisory_ids={} enclave=- detail=\"{}\"",
                field(reason), tunnel, HostPort.format(peer), field(mrEnclave), field(mrSigner), field(quoteStatus),
                advisoryIds(advisoryIds), quoted(detail));
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
                field(tunnel.info().appName()), tunnel.info().mrEnclave(),
                Duration.between(since, Instant.now()).toMillis() / 1000.0,
                counters.packetsFromEnclaves.sum(), counters.bytesFromEnclaves.sum(),
                counters.packetsToEnclaves.sum(), counters.bytesToEnclaves.sum(),
                drops.isEmpty() ? "-" : drops);
    }

    private static String advisoryIds(List<String> advisoryIds) {
        return advisoryIds.isEmpty() ? "-" : field(String.join(",", advisoryIds));
    }

    /**
     * Returns a value that stays one field of one line: "-" when empty, and every character that
     * could end the field or the line (space, quote, equals sign, control) replaced by '_'. App
     * names come from the allowlist file, which a careless edit could fill with anything.
     */
    private static String field(String value) {
        if (value == null || value.isEmpty()) {
            return "-";
        }
        StringBuilder safe = new StringBuilder(value.length());
        value.codePoints().forEach(character -> safe.appendCodePoint(
                Character.isISOControl(character) || Character.isWhitespace(character) || character == '"'
                        || character == '=' ? '_' : character));
        return safe.toString();
    }

    /** Keeps a client-influenced sentence on one line and inside its quotes. */
    private static String quoted(String text) {
        if (text == null) {
            return "";
        }
        StringBuilder safe = new StringBuilder(text.length());
        text.codePoints().forEach(character -> safe.appendCodePoint(
                character == '"' ? '\'' : Character.isISOControl(character) ? ' ' : character));
        return safe.toString();
    }
}
