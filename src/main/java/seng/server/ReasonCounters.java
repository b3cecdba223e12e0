package seng.server;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** Counts events by a snake_case reason code, such as why application tunnels ended. */
public final class ReasonCounters {
    private final ConcurrentHashMap<String, LongAdder> counts = new ConcurrentHashMap<>();

    void record(String reason) {
        counts.computeIfAbsent(reason, key -> new LongAdder()).increment();
    }

    public long count(String reason) {
        LongAdder adder = counts.get(reason);
        return adder == null ? 0 : adder.sum();
    }

    /** Returns a sorted snapshot of every reason seen so far. */
    public Map<String, Long> snapshot() {
        Map<String, Long> snapshot = new TreeMap<>();
        counts.forEach((reason, adder) -> snapshot.put(reason, adder.sum()));
        return snapshot;
    }
}
