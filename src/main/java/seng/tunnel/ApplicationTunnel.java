package seng.tunnel;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.tinylog.Logger;

import seng.dtls.DtlsConnection;
import seng.gateway.Gateway;
import seng.ip.HostPort;
import seng.ip.Ipv4Address;
import seng.ip.Ipv4Packet;

/**
 * One shielded application's pair of tunnels in the data phase. It owns no thread: enclave
 * packets arrive on tunnel #1 and are checked and written to the gateway on the endpoint's
 * receiver thread, and gateway packets are encrypted and sent on tunnel #2 by the gateway
 * reader. Neither path waits: the gateway takes or drops a packet, and a non-blocking socket send
 * takes or drops a datagram, so one slow enclave cannot hold up the others. The session thread
 * that set the tunnel up waits in {@link #awaitEnd} until either tunnel closes or fails, the idle
 * timeout fires, or {@link #close} is called.
 */
public final class ApplicationTunnel {
    private final TunnelInfo info;
    private final DtlsConnection tunnel1;
    private final DtlsConnection tunnel2;
    private final Gateway gateway;
    private final TunnelSettings settings;
    private final TrafficCounters allTunnels;
    private final TrafficCounters counters = new TrafficCounters();
    private final CompletableFuture<String> ended = new CompletableFuture<>();
    private final int maxOutboundPacket;
    private volatile long lastActivityNanos = System.nanoTime();
    private boolean spoofingReported;

    public ApplicationTunnel(TunnelInfo info, DtlsConnection tunnel1, DtlsConnection tunnel2, Gateway gateway,
            TunnelSettings settings, TrafficCounters allTunnels) {
        this.info = info;
        this.tunnel1 = tunnel1;
        this.tunnel2 = tunnel2;
        this.gateway = gateway;
        this.settings = settings;
        this.allTunnels = allTunnels;
        this.maxOutboundPacket = tunnel2.sendLimit();
    }

    public TunnelInfo info() {
        return info;
    }

    public TrafficCounters counters() {
        return counters;
    }

    /** Returns why the tunnel ended, or null while it runs. */
    public String endReason() {
        return ended.getNow(null);
    }

    /** Starts forwarding: from now on both tunnels' records are handled as they arrive. */
    public void start() {
        tunnel1.startInlineReceive(new DtlsConnection.RecordListener() {
            @Override
            public void record(byte[] plaintext, int length) {
                forwardToGateway(plaintext, length);
            }

            @Override
            public void ended(String reason) {
                end("tunnel1_" + reason);
            }
        });
        tunnel2.startInlineReceive(new DtlsConnection.RecordListener() {
            @Override
            public void record(byte[] plaintext, int length) {
                drop(DropReason.DATA_ON_SEND_TUNNEL);
            }

            @Override
            public void ended(String reason) {
                end("tunnel2_" + reason);
            }
        });
    }

    /**
     * Sends a packet from the gateway to the enclave on tunnel #2. Called by the gateway reader
     * only. It does not wait for the network: the socket is non-blocking, and a datagram it cannot
     * take now is dropped and counted by the endpoint, as a full network interface ring drops it.
     */
    public void offer(byte[] packet, int length) {
        if (ended.isDone()) {
            return;
        }
        if (length > maxOutboundPacket) {
            drop(DropReason.TOO_LARGE);
            return;
        }
        // Counted before sending, so that the counters already include the packet when its reply
        // ends the tunnel and the audit line reads them.
        lastActivityNanos = System.nanoTime();
        counters.packetsToEnclaves.increment();
        counters.bytesToEnclaves.add(length);
        allTunnels.packetsToEnclaves.increment();
        allTunnels.bytesToEnclaves.add(length);
        try {
            tunnel2.send(packet, 0, length);
        } catch (IOException e) {
            end(tunnel2.isClosed() ? "tunnel2_" + tunnel2.endReason() : "tunnel2_error");
            Logger.trace(e, "event=tunnel_send_failed tunnel=2 enclave={}", Ipv4Address.format(info.enclaveAddress()));
        }
    }

    /**
     * Blocks until the tunnel ends and returns why. With an idle timeout the waiting thread wakes
     * when the timeout could have passed and ends the tunnel if no packet came in either direction.
     */
    public String awaitEnd() throws InterruptedException {
        while (true) {
            try {
                if (!settings.hasIdleTimeout()) {
                    return ended.get();
                }
                return ended.get(idleWaitMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (isIdle()) {
                    end("idle_timeout");
                }
            } catch (ExecutionException e) {
                throw new IllegalStateException("the end reason never completes exceptionally", e);
            }
        }
    }

    /** Ends the tunnel from outside, for example at shutdown, and closes both connections. Idempotent. */
    public void close(String reason) {
        end(reason);
        tunnel1.close();
        tunnel2.close();
    }

    private void forwardToGateway(byte[] packet, int length) {
        if (!Ipv4Packet.isWellFormed(packet, length)) {
            drop(DropReason.MALFORMED);
            return;
        }
        if (Ipv4Packet.source(packet) != info.enclaveAddress()) {
            drop(DropReason.SPOOFED_SOURCE);
            reportSpoofing(Ipv4Packet.source(packet));
            return;
        }
        // Counted before writing, for the same reason as in offer.
        lastActivityNanos = System.nanoTime();
        counters.packetsFromEnclaves.increment();
        counters.bytesFromEnclaves.add(length);
        allTunnels.packetsFromEnclaves.increment();
        allTunnels.bytesFromEnclaves.add(length);
        try {
            gateway.write(packet, length);
        } catch (IOException e) {
            // The gateway is closing or broken; the server stops on its own, this packet is lost.
            Logger.trace(e, "event=gateway_write_failed enclave={}", Ipv4Address.format(info.enclaveAddress()));
        }
    }

    /** Logs the first spoofed packet of a tunnel; the rest are only counted. Runs on one thread only. */
    private void reportSpoofing(int claimedSource) {
        if (!spoofingReported) {
            spoofingReported = true;
            Logger.warn("event=spoofed_source enclave={} claimed_source={} peer={} action=dropped note=\"further ones are only counted\"",
                    Ipv4Address.format(info.enclaveAddress()), Ipv4Address.format(claimedSource), HostPort.format(info.tunnel1Peer()));
        }
    }

    private long idleWaitMillis() {
        long silentMillis = (System.nanoTime() - lastActivityNanos) / 1_000_000;
        return Math.max(1, settings.idleTimeout().toMillis() - silentMillis);
    }

    private boolean isIdle() {
        return System.nanoTime() - lastActivityNanos > settings.idleTimeout().toNanos();
    }

    private void end(String reason) {
        ended.complete(reason);
    }

    private void drop(DropReason reason) {
        counters.drop(reason);
        allTunnels.drop(reason);
    }
}
