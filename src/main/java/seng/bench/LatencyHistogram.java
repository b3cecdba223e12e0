package seng.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.AtomicHistogram;

/**
 * Durations recorded by many threads at once, with three significant digits from 1 µs to
 * {@link #HIGHEST_NANOS}. Recording takes no lock and never allocates. Longer durations are
 * recorded as the highest value and counted in {@link LatencySummary#clamped()}.
 */
final class LatencyHistogram {
    static final long HIGHEST_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final long LOWEST_NANOS = TimeUnit.MICROSECONDS.toNanos(1);

    private final AtomicHistogram histogram = new AtomicHistogram(LOWEST_NANOS, HIGHEST_NANOS, 3);
    private final LongAdder clamped = new LongAdder();

    void record(long nanos) {
        if (nanos > HIGHEST_NANOS) {
            clamped.increment();
            nanos = HIGHEST_NANOS;
        }
        histogram.recordValue(Math.max(LOWEST_NANOS, nanos));
    }

    /** Returns the percentiles of everything recorded so far, in milliseconds; all zero when empty. */
    LatencySummary summary() {
        AtomicHistogram copy = histogram.copy();
        long count = copy.getTotalCount();
        if (count == 0) {
            return LatencySummary.EMPTY;
        }
        return new LatencySummary(count,
                millis(copy.getValueAtPercentile(50)),
                millis(copy.getValueAtPercentile(90)),
                millis(copy.getValueAtPercentile(99)),
                millis(copy.getValueAtPercentile(99.9)),
                millis(copy.getMaxValue()),
                copy.getMean() / 1e6,
                clamped.sum());
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }
}
