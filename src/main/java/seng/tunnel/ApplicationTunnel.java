package seng.tunnel;

import java.io.IOException;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.StructuredTaskScope;
import java.util.concurrent.StructuredTaskScope.Joiner;
import java.util.concurrent.atomic.AtomicReference;

import org.tinylog.Logger;

import seng.dtls.DtlsConnection;
import seng.gateway.Gateway;
import seng.ip.HostPort;
import seng.ip.Ipv4Address;
import seng.ip.Ipv4Packet;

/**
 * One shielded application's pair of tunnels in the data phase. Tunnel #1 carries enclave
 * packets to the gateway, after the source check; tunnel #2 carries gateway packets, queued by
 * the gateway reader, to the enclave. Three virtual threads in one structured scope do the work,
 * and the first of them to end for any reason ends the other two.
 */
public final class ApplicationTunnel {
    private static final byte[] STOP = new byte[0];
    private static final int RECEIVE_BUFFER = 2048;
    /** Tells {@link DtlsConnection#receive} to wait until a record arrives or the connection ends. */
    private static final int UNTIL_RECORD = 0;

    private final TunnelInfo info;
    private final DtlsConnection tunnel1;
    private final DtlsConnection tunnel2;
    private final Gateway gateway;
    private final TunnelSettings settings;
    private final TrafficCounters allTunnels;
    private final TrafficCounters counters = new TrafficCounters();
    private final ArrayBlockingQueue<byte[]> outbound;
    private final AtomicReference<String> endReason = new AtomicReference<>();
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
        this.outbound = new ArrayBlockingQueue<>(settings.outboundQueueCapacity());
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
        return endReason.get();
    }

    /**
     * Queues a packet from the gateway for the enclave. Never blocks: a full queue drops the
     * packet, as a network interface's ring would. Called by the gateway reader only.
     */
    public void offer(byte[] packet, int length) {
        if (length > maxOutboundPacket) {
            drop(DropReason.TOO_LARGE);
            return;
        }
        byte[] copy = Arrays.copyOf(packet, length);
        if (!outbound.offer(copy)) {
            drop(DropReason.QUEUE_FULL);
        }
    }

    /**
     * Forwards packets both ways until either tunnel closes, fails or idles out, or {@link #close}
     * is called. Returns the end reason; the caller closes the connections afterwards.
     */
    public String run() throws InterruptedException {
        String threadPrefix = "seng-tunnel-" + Ipv4Address.format(info.enclaveAddress()) + "-";
        try (var scope = StructuredTaskScope.open(Joiner.<Void>allUntil(subtask -> true),
                configuration -> configuration.withThreadFactory(Thread.ofVirtual().name(threadPrefix, 0).factory()))) {
            scope.fork(this::forwardFromEnclave);
            scope.fork(this::forwardToEnclave);
            scope.fork(this::watchSendTunnel);
            scope.join();
        }
        endReason.compareAndSet(null, "stopped");
        return endReason.get();
    }

    /** Ends the tunnel from outside, for example at shutdown. Idempotent. */
    public void close(String reason) {
        endReason.compareAndSet(null, reason);
        outbound.clear();
        outbound.offer(STOP);
        tunnel1.close();
        tunnel2.close();
    }

    private Void forwardFromEnclave() {
        byte[] buffer = new byte[RECEIVE_BUFFER];
        try {
            while (true) {
                int length = tunnel1.receive(buffer, 0, buffer.length, idleWaitMillis());
                if (length < 0) {
                    if (isIdle()) {
                        end("idle_timeout");
                        return null;
                    }
                    continue;
                }
                lastActivityNanos = System.nanoTime();
                forwardToGateway(buffer, length);
            }
        } catch (IOException e) {
            end(tunnel1.isClosed() ? "tunnel1_" + tunnel1.endReason() : "tunnel1_error");
            Logger.trace(e, "event=tunnel_receive_ended tunnel=1 enclave={}", Ipv4Address.format(info.enclaveAddress()));
        }
        return null;
    }

    private void forwardToGateway(byte[] packet, int length) throws IOException {
        if (!Ipv4Packet.isWellFormed(packet, length)) {
            drop(DropReason.MALFORMED);
            return;
        }
        if (Ipv4Packet.source(packet) != info.enclaveAddress()) {
            drop(DropReason.SPOOFED_SOURCE);
            reportSpoofing(Ipv4Packet.source(packet));
            return;
        }
        gateway.write(packet, length);
        counters.packetsFromEnclaves.increment();
        counters.bytesFromEnclaves.add(length);
        allTunnels.packetsFromEnclaves.increment();
        allTunnels.bytesFromEnclaves.add(length);
    }

    /** Logs the first spoofed packet of a tunnel; the rest are only counted. */
    private void reportSpoofing(int claimedSource) {
        if (!spoofingReported) {
            spoofingReported = true;
            Logger.warn("event=spoofed_source enclave={} claimed_source={} peer={} action=dropped note=\"further ones are only counted\"",
                    Ipv4Address.format(info.enclaveAddress()), Ipv4Address.format(claimedSource), HostPort.format(info.tunnel1Peer()));
        }
    }

    private Void forwardToEnclave() {
        try {
            while (true) {
                byte[] packet = outbound.take();
                if (packet == STOP) {
                    return null;
                }
                tunnel2.send(packet, 0, packet.length);
                lastActivityNanos = System.nanoTime();
                counters.packetsToEnclaves.increment();
                counters.bytesToEnclaves.add(packet.length);
                allTunnels.packetsToEnclaves.increment();
                allTunnels.bytesToEnclaves.add(packet.length);
            }
        } catch (InterruptedException e) {
            return null;
        } catch (IOException e) {
            end(tunnel2.isClosed() ? "tunnel2_" + tunnel2.endReason() : "tunnel2_error");
            Logger.trace(e, "event=tunnel_send_ended tunnel=2 enclave={}", Ipv4Address.format(info.enclaveAddress()));
        }
        return null;
    }

    /** Reads tunnel #2 only to notice its close_notify or a fatal alert; clients send no data there. */
    private Void watchSendTunnel() {
        byte[] buffer = new byte[RECEIVE_BUFFER];
        try {
            while (true) {
                if (tunnel2.receive(buffer, 0, buffer.length, UNTIL_RECORD) >= 0) {
                    drop(DropReason.DATA_ON_SEND_TUNNEL);
                }
            }
        } catch (IOException e) {
            end(tunnel2.isClosed() ? "tunnel2_" + tunnel2.endReason() : "tunnel2_error");
        }
        return null;
    }

    /**
     * Returns how long tunnel #1 may stay silent before the idle check is due. Without an idle
     * timeout it waits for good, so an idle tunnel costs no wakeups at all.
     */
    private int idleWaitMillis() {
        if (!settings.hasIdleTimeout()) {
            return UNTIL_RECORD;
        }
        long silentMillis = (System.nanoTime() - lastActivityNanos) / 1_000_000;
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, settings.idleTimeout().toMillis() - silentMillis));
    }

    private boolean isIdle() {
        return settings.hasIdleTimeout()
                && System.nanoTime() - lastActivityNanos > settings.idleTimeout().toNanos();
    }

    private void end(String reason) {
        endReason.compareAndSet(null, reason);
    }

    private void drop(DropReason reason) {
        counters.drop(reason);
        allTunnels.drop(reason);
    }
}
