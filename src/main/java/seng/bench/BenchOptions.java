package seng.bench;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The settings of one load-generator run, already checked by {@link BenchCommandLine}.
 *
 * @param server the address of tunnel #1; tunnel #2 is the next port
 * @param testDir the server's test-mode directory with its certificate and the test IAS authority
 * @param enclaves how many enclaves connect at the start
 * @param rampUp over how long the connection starts are spread evenly; zero starts all at once
 * @param warmup how long a few enclaves reconnect in a loop before anything is measured, so that
 *     both JVMs have compiled the handshake code; zero skips it
 * @param duration how long the ping phase, the churn loop or the idle hold lasts
 * @param pingRate pings per second per enclave, or 0 for a closed loop: the next ping as soon as
 *     the reply is in
 * @param payload ICMP echo payload bytes per ping, at least {@link EchoPacket#MIN_PAYLOAD}
 * @param pingTimeout after this long without its reply a ping counts as lost
 * @param connectTimeout after this long an enclave's two handshakes and address setup count as timed out
 * @param certificatesPerEnclave how many certificates each enclave rotates through when it reconnects
 * @param serverPid the server's PID, {@link #AUTO_PID} to look for the process holding the UDP
 *     port, or {@link #NO_PID} to sample nothing
 * @param json where to write the JSON report, or null for none
 * @param localAddresses the source addresses, used round-robin by enclave
 */
public record BenchOptions(
        InetSocketAddress server,
        Path testDir,
        int enclaves,
        Duration rampUp,
        Duration warmup,
        Duration duration,
        int pingRate,
        int payload,
        Duration pingTimeout,
        Duration connectTimeout,
        Mode mode,
        int certificatesPerEnclave,
        long serverPid,
        Path json,
        List<InetAddress> localAddresses) {

    static final long AUTO_PID = 0;
    static final long NO_PID = -1;

    /** The phase that follows the connection of all enclaves. */
    public enum Mode {
        /** Every enclave pings the gateway address for the duration. */
        PING,
        /** Every enclave closes and reconnects, again and again, for the duration. */
        CHURN,
        /** The tunnels stay idle for the duration while the server's CPU time is sampled, then each pings once. */
        HOLD
    }

    public BenchOptions {
        localAddresses = List.copyOf(localAddresses);
    }

    /** Returns how many certificates the run generates before any timing starts. */
    int certificateCount() {
        return enclaves * certificatesPerEnclave;
    }
}
