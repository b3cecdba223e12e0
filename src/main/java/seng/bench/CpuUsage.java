package seng.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;

/**
 * CPU time used by the load generator and by the server during one phase. Both processes' CPU
 * times come in clock ticks of 10 ms (USER_HZ 100 on x86 and arm64 Linux), so a percentage over a
 * phase shorter than {@link #MIN_PERCENT_SECONDS} could be off by tens of percent, or exceed the
 * number of cores. Such phases get no percentages.
 *
 * @param benchCpuPercent CPU time of the load generator over the wall time, 100 being one core
 *     busy; null for a phase shorter than {@link #MIN_PERCENT_SECONDS}
 * @param serverCpuSeconds null when the server's process is not sampled
 * @param serverCpuPercent null when the server's process is not sampled or the phase is shorter
 *     than {@link #MIN_PERCENT_SECONDS}
 */
public record CpuUsage(double wallSeconds, double benchCpuSeconds, Double benchCpuPercent, Double serverCpuSeconds,
        Double serverCpuPercent) {

    /** The shortest phase with percentages: two ticks of error in one second are 2 % of a core. */
    static final double MIN_PERCENT_SECONDS = 1.0;

    /**
     * A point in time to measure CPU usage from.
     *
     * @param serverCpuNanos the server's CPU time, or -1 when it is not sampled
     */
    record Mark(long wallNanos, long benchCpuNanos, long serverCpuNanos) {
    }

    static Mark mark(ServerProcess server) {
        return new Mark(System.nanoTime(), benchCpuNanos(), serverCpuNanos(server));
    }

    static CpuUsage since(Mark start, ServerProcess server) {
        return between(start, mark(server));
    }

    static CpuUsage between(Mark start, Mark end) {
        double wall = (end.wallNanos - start.wallNanos) / 1e9;
        double bench = (end.benchCpuNanos - start.benchCpuNanos) / 1e9;
        Double serverSeconds = start.serverCpuNanos < 0 || end.serverCpuNanos < 0 ? null
                : (end.serverCpuNanos - start.serverCpuNanos) / 1e9;
        return new CpuUsage(wall, bench, percent(bench, wall), serverSeconds, percent(serverSeconds, wall));
    }

    private static Double percent(Double cpuSeconds, double wallSeconds) {
        return cpuSeconds == null || wallSeconds < MIN_PERCENT_SECONDS ? null : 100 * cpuSeconds / wallSeconds;
    }

    private static long benchCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    private static long serverCpuNanos(ServerProcess server) {
        if (server == null) {
            return -1;
        }
        try {
            return server.cpuNanos();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }
}
