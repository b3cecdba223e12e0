package seng.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;

/**
 * CPU time used by the load generator and by the server during one phase.
 *
 * @param benchCpuPercent CPU time of the load generator over the wall time; 100 is one core busy
 * @param serverCpuSeconds null when the server's process is not sampled
 */
public record CpuUsage(double wallSeconds, double benchCpuSeconds, double benchCpuPercent, Double serverCpuSeconds,
        Double serverCpuPercent) {

    /** A point in time to measure CPU usage from. */
    record Mark(long wallNanos, long benchCpuNanos, long serverCpuNanos) {
    }

    static Mark mark(ServerProcess server) {
        return new Mark(System.nanoTime(), benchCpuNanos(), serverCpuNanos(server));
    }

    static CpuUsage since(Mark start, ServerProcess server) {
        Mark end = mark(server);
        double wall = (end.wallNanos - start.wallNanos) / 1e9;
        double bench = (end.benchCpuNanos - start.benchCpuNanos) / 1e9;
        Double serverSeconds = start.serverCpuNanos < 0 || end.serverCpuNanos < 0 ? null
                : (end.serverCpuNanos - start.serverCpuNanos) / 1e9;
        return new CpuUsage(wall, bench, percent(bench, wall), serverSeconds,
                serverSeconds == null ? null : percent(serverSeconds, wall));
    }

    private static double percent(double cpuSeconds, double wallSeconds) {
        return wallSeconds <= 0 ? 0 : 100 * cpuSeconds / wallSeconds;
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
