package seng.tunnel;

import java.util.concurrent.atomic.LongAdder;

/**
 * Packets and bytes in both directions and drops by reason. The server keeps one instance for
 * all tunnels and every application tunnel one of its own; each packet is counted in both.
 */
public final class TrafficCounters {
    public final LongAdder packetsFromEnclaves = new LongAdder();
    public final LongAdder bytesFromEnclaves = new LongAdder();
    public final LongAdder packetsToEnclaves = new LongAdder();
    public final LongAdder bytesToEnclaves = new LongAdder();
    private final LongAdder[] drops = new LongAdder[DropReason.values().length];

    public TrafficCounters() {
        for (int index = 0; index < drops.length; index++) {
            drops[index] = new LongAdder();
        }
    }

    public void drop(DropReason reason) {
        drops[reason.ordinal()].increment();
    }

    public long drops(DropReason reason) {
        return drops[reason.ordinal()].sum();
    }
}
