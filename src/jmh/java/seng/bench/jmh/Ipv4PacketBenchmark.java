package seng.bench.jmh;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import seng.ip.IcmpEcho;
import seng.ip.Ipv4Address;
import seng.ip.Ipv4Packet;

/**
 * The check every enclave packet passes before it reaches the gateway: a well-formed IPv4
 * header, then the source address against the tunnel's enclave address.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xmx1g"})
public class Ipv4PacketBenchmark {
    private final int enclave = Ipv4Address.parse("192.168.28.7");
    private byte[] packet;
    private int length;

    @Setup
    public void buildPacket() {
        packet = IcmpEcho.request(enclave, Ipv4Address.parse("192.168.28.1"), 1, 1, new byte[56]);
        length = packet.length;
    }

    @Benchmark
    public boolean wellFormed() {
        return Ipv4Packet.isWellFormed(packet, length);
    }

    /** Runs the check as the tunnel does, on a packet that passes both steps. */
    @Benchmark
    public boolean wellFormedFromEnclave() {
        return Ipv4Packet.isWellFormed(packet, length) && Ipv4Packet.source(packet) == enclave;
    }
}
