package seng.bench;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/** Setup times and failures of a series of connections, recorded from many threads. */
final class SetupRecorder {
    /** From the first ClientHello of tunnel #1 to the end of the tunnel #2 handshake. */
    final LatencyHistogram setup = new LatencyHistogram();
    /** Tunnel #1 handshake plus the address assignment and its acknowledgement. */
    final LatencyHistogram tunnel1 = new LatencyHistogram();
    /** Tunnel #2 handshake. */
    final LatencyHistogram tunnel2 = new LatencyHistogram();
    final ErrorCounts errors = new ErrorCounts();
    final LongAdder succeeded = new LongAdder();
    /** {@link System#nanoTime} of the latest successful setup, or {@link Long#MIN_VALUE}. */
    final AtomicLong lastSuccessNanos = new AtomicLong(Long.MIN_VALUE);

    void recordSuccess(long startNanos, long tunnel1DoneNanos, long endNanos) {
        setup.record(endNanos - startNanos);
        tunnel1.record(tunnel1DoneNanos - startNanos);
        tunnel2.record(endNanos - tunnel1DoneNanos);
        succeeded.increment();
        lastSuccessNanos.accumulateAndGet(endNanos, Math::max);
    }
}
