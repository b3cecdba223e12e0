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

import seng.ip.Ipv4Address;
import seng.pool.AddressTable;

/**
 * The session lookup of every gateway packet, with 10,000 sessions in 10.8.0.0/16. Lookups walk
 * a shuffled array of addresses, so the JIT cannot fold a constant key. Reading the next key is
 * part of the reported time.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xmx1g"})
public class AddressTableBenchmark {
    private static final int SESSIONS = 10_000;
    private static final int KEYS = 4096;

    private final AddressTable<Object> table = new AddressTable<>();
    private final int[] storedAddresses = new int[KEYS];
    private final int[] freeInUsedBlock = new int[KEYS];
    private final int[] inEmptyBlock = new int[KEYS];
    private int next;

    @Setup
    public void fillTable() {
        int network = Ipv4Address.parse("10.8.0.0");
        for (int host = 2; host < SESSIONS + 2; host++) {
            table.put(network + host, new Object());
        }
        java.util.Random random = new java.util.Random(42);
        for (int index = 0; index < KEYS; index++) {
            storedAddresses[index] = network + 2 + random.nextInt(SESSIONS);
            freeInUsedBlock[index] = network + SESSIONS + 2 + random.nextInt(50_000);
            inEmptyBlock[index] = Ipv4Address.parse("172.16.0.0") + random.nextInt(65_536);
        }
    }

    private int nextIndex() {
        next = (next + 1) & (KEYS - 1);
        return next;
    }

    @Benchmark
    public Object hit() {
        return table.get(storedAddresses[nextIndex()]);
    }

    /** Looks up a free address in a /16 that contains sessions. */
    @Benchmark
    public Object missInUsedBlock() {
        return table.get(freeInUsedBlock[nextIndex()]);
    }

    /** Looks up an address outside every enclave subnetwork, as for a stray packet from the gateway side. */
    @Benchmark
    public Object missInEmptyBlock() {
        return table.get(inEmptyBlock[nextIndex()]);
    }
}
