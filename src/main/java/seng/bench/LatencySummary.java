package seng.bench;

/**
 * Percentiles of a set of durations, in milliseconds. Values carry the histogram's precision of
 * three significant digits, so a p99 of 12.3456 ms is reported as 12.35 ms or near it.
 *
 * @param count how many durations were recorded
 * @param clamped how many were longer than the histogram's range and recorded as its maximum
 */
public record LatencySummary(long count, double p50Ms, double p90Ms, double p99Ms, double p999Ms, double maxMs,
        double meanMs, long clamped) {
    static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0);
}
