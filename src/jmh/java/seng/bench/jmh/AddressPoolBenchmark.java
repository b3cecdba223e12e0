package seng.bench.jmh;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

import seng.ip.Ipv4Address;
import seng.pool.AddressPool;
import seng.pool.Subnet;

/**
 * One admission's address lease and its release, on a /16 pool shared by all benchmark threads.
 * With {@code hints=distinct} each thread starts at its own stripe, as clients from different
 * ports do; with {@code hints=same} all threads contend for one stripe's lock.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xmx1g"})
public class AddressPoolBenchmark {

    @State(Scope.Benchmark)
    public static class Pool {
        final AddressPool pool = new AddressPool(new Subnet(0, Ipv4Address.parse("10.8.0.0"), 16,
                Ipv4Address.parse("10.8.0.1")));
        final AtomicInteger threads = new AtomicInteger();
    }

    @State(Scope.Thread)
    public static class Caller {
        @Param({"distinct", "same"})
        public String hints;
        int hint;

        @Setup
        public void pickHint(Pool shared) {
            hint = hints.equals("same") ? 0 : shared.threads.getAndIncrement();
        }
    }

    @Benchmark
    @Threads(1)
    public int allocateRelease1Thread(Pool shared, Caller caller) {
        return allocateRelease(shared, caller);
    }

    @Benchmark
    @Threads(2)
    public int allocateRelease2Threads(Pool shared, Caller caller) {
        return allocateRelease(shared, caller);
    }

    private static int allocateRelease(Pool shared, Caller caller) {
        int address = shared.pool.allocate(caller.hint);
        shared.pool.release(address);
        return address;
    }
}
