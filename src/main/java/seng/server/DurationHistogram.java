package seng.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counts durations into fixed buckets, as a Prometheus histogram exposes them: the count of
 * observations at or below each upper bound, their total count and their sum. Recording takes
 * no lock.
 */
public final class DurationHistogram {
    /** Upper bounds in seconds, from 5 ms (a handshake on an idle machine) to 10 s. */
    private static final double[] BOUNDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

    private final LongAdder[] buckets = new LongAdder[BOUNDS.length + 1];
    private final LongAdder count = new LongAdder();
    private final LongAdder sumNanos = new LongAdder();

    public DurationHistogram() {
        for (int index = 0; index < buckets.length; index++) {
            buckets[index] = new LongAdder();
        }
    }

    public void record(long nanos) {
        double seconds = nanos / 1e9;
        int index = 0;
        while (index < BOUNDS.length && seconds > BOUNDS[index]) {
            index++;
        }
        buckets[index].increment();
        count.increment();
        sumNanos.add(nanos);
    }

    /** Returns the upper bounds in seconds, without the implicit +Inf bucket. */
    public static double[] bounds() {
        return BOUNDS.clone();
    }

    /** Returns, for each bound and then +Inf, how many observations were at or below it. */
    public long[] cumulativeCounts() {
        long[] cumulative = new long[buckets.length];
        long running = 0;
        for (int index = 0; index < buckets.length; index++) {
            running += buckets[index].sum();
            cumulative[index] = running;
        }
        return cumulative;
    }

    public long count() {
        return count.sum();
    }

    public double sumSeconds() {
        return sumNanos.sum() / 1e9;
    }
}
