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
    /** How many connections this slot has attempted; picks the next certificate. */
    int attempts;
    SimulatedEnclave enclave;
    EchoPacket probe;

    EnclaveSlot(int index, InetAddress localAddress) {
        this.index = index;
        this.localAddress = localAddress;
    }

    /** Closes the current connection, sending close_notify on both tunnels, if there is one. */
    void close() {
        if (enclave != null) {
            enclave.close();
            enclave = null;
            probe = null;
        }
    }
}
