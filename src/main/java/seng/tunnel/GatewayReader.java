package seng.tunnel;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;

import org.tinylog.Logger;

import seng.gateway.Gateway;
import seng.ip.Ipv4Packet;
import seng.pool.AddressTable;

/**
 * Reads packets from the gateway and hands each to the application tunnel that owns its
 * destination address, which encrypts and sends it on this thread. Runs on one dedicated platform
 * thread, because the TUN read is a blocking native call that would pin a virtual thread's carrier.
 */
public final class GatewayReader implements Runnable {
    private static final int MAX_CONSECUTIVE_ERRORS = 100;

    private final Gateway gateway;
    private final AddressTable<ApplicationTunnel> addressTable;
    private final TrafficCounters traffic;
    private final Runnable onFailure;

    /**
     * @param onFailure called once if the gateway fails for good, so the server can shut down
     */
    public GatewayReader(Gateway gateway, AddressTable<ApplicationTunnel> addressTable, TrafficCounters traffic,
            Runnable onFailure) {
        this.gateway = gateway;
        this.addressTable = addressTable;
        this.traffic = traffic;
        this.onFailure = onFailure;
    }

    @Override
    public void run() {
        byte[] packet = new byte[65_535];
        int consecutiveErrors = 0;
        Logger.debug("event=gateway_reader_started gateway={}", gateway.name());
        while (true) {
            int length;
            try {
                length = gateway.read(packet);
                consecutiveErrors = 0;
            } catch (ClosedChannelException e) {
                break;
            } catch (IOException e) {
                if (++consecutiveErrors >= MAX_CONSECUTIVE_ERRORS) {
                    Logger.error("event=gateway_failed gateway={} error=\"{}\" action=\"stopping the server\"",
                            gateway.name(), e.getMessage());
                    onFailure.run();
                    break;
                }
                Logger.warn("event=gateway_read_failed gateway={} error=\"{}\"", gateway.name(), e.getMessage());
                pause(10L * consecutiveErrors);
                continue;
            }
            route(packet, length);
        }
        Logger.debug("event=gateway_reader_stopped gateway={}", gateway.name());
    }

    private void route(byte[] packet, int length) {
        if (length < Ipv4Packet.MIN_HEADER_LENGTH) {
            traffic.drop(DropReason.TOO_SHORT);
            return;
        }
        ApplicationTunnel tunnel = addressTable.get(Ipv4Packet.destination(packet));
        if (tunnel == null) {
            traffic.drop(DropReason.NO_TUNNEL);
            return;
        }
        tunnel.offer(packet, length);
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
