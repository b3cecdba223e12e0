package seng.bench;

import java.net.InetAddress;

import seng.client.SimulatedEnclave;

/**
 * One simulated enclave of a run across its reconnections. Only the thread driving it at a given
 * time touches its fields; phases hand it over by starting and joining that thread.
 */
final class EnclaveSlot {
    final int index;
    final InetAddress localAddress;
    private final OpenTunnels openTunnels;
    /** How many connections this slot has attempted; picks the next certificate. */
    int attempts;
    SimulatedEnclave enclave;
    EchoPacket probe;

    EnclaveSlot(int index, InetAddress localAddress, OpenTunnels openTunnels) {
        this.index = index;
        this.localAddress = localAddress;
        this.openTunnels = openTunnels;
    }

    /**
     * Stores a new connection and its echo packet, unless a stop signal is closing every connection.
     *
     * @return whether the slot is connected now
     */
    boolean attach(SimulatedEnclave connected, int payload) {
        if (!openTunnels.add(connected)) {
            return false;
        }
        enclave = connected;
        probe = new EchoPacket(connected.address(), connected.gateway(), index, payload);
        return true;
    }

    /** Closes the current connection, sending close_notify on both tunnels, if there is one. */
    void close() {
        if (enclave != null) {
            openTunnels.close(enclave);
            enclave = null;
            probe = null;
        }
    }
}
