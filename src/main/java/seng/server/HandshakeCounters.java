package seng.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Handshake outcomes by tunnel and by reason, and the durations of completed handshakes, for metrics and tests. */
public final class HandshakeCounters {
    private final ConcurrentHashMap<String, LongAdder> outcomes = new ConcurrentHashMap<>();
    private final DurationHistogram[] durations = {new DurationHistogram(), new DurationHistogram()};

    /**
     * Counts one outcome.
     *
     * @param tunnel 1 or 2
     * @param outcome {@code admitted}, {@code paired} or the reason code of a failure
     */
    void record(int tunnel, String outcome) {
        outcomes.computeIfAbsent(key(tunnel, outcome), key -> new LongAdder()).increment();
    }

    /** Records how long a completed handshake of tunnel 1 or 2 took, from the verified ClientHello on. */
    void recordDuration(int tunnel, long nanos) {
        durations[tunnel - 1].record(nanos);
    }

    public DurationHistogram durations(int tunnel) {
        return durations[tunnel - 1];
    }

    public long count(int tunnel, String outcome) {
        LongAdder adder = outcomes.get(key(tunnel, outcome));
        return adder == null ? 0 : adder.sum();
    }

    /** Returns a snapshot keyed by {@code tunnel:outcome}. */
    public Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new TreeMap<>();
        outcomes.forEach((key, adder) -> snapshot.put(key, adder.sum()));
        return snapshot;
    }

    private static String key(int tunnel, String outcome) {
        return tunnel + ":" + outcome;
    }
}
