package seng.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Parsers for the Linux {@code /proc} files the load generator reads. Each parser takes the file's
 * text, so tests can feed it sample text; {@link #read} does the I/O. Formats are those of
 * proc(5) and Documentation/filesystems/proc.rst of the Linux kernel.
 */
final class ProcFiles {
    private ProcFiles() {
    }

    /**
     * Reads a whole {@code /proc} file. These files report a size of 0, and sysctl files return
     * end-of-file to any read that does not start at offset 0, so the first read must take the
     * whole content: {@link InputStream#readAllBytes} starts with an 8 KiB buffer.
     * {@link Files#readAllBytes} would read one byte first and get only that byte.
     */
    static String read(Path file) throws IOException {
        try (InputStream input = Files.newInputStream(file)) {
            return new String(input.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    /**
     * Returns the resident set size in KiB from the {@code VmRSS:} line of {@code /proc/PID/status}.
     *
     * @throws IllegalArgumentException if the line is missing, as it is for a kernel thread or a zombie
     */
    static long vmRssKb(String status) {
        return kilobytes(status, "VmRSS:");
    }

    /** Returns {@code MemTotal} from {@code /proc/meminfo} in KiB. */
    static long memTotalKb(String meminfo) {
        return kilobytes(meminfo, "MemTotal:");
    }

    private static long kilobytes(String text, String key) {
        for (String line : text.split("\n")) {
            if (line.startsWith(key)) {
                String[] fields = line.substring(key.length()).trim().split("\\s+");
                return Long.parseLong(fields[0]);
            }
        }
        throw new IllegalArgumentException("no " + key + " line found");
    }

    /**
     * Returns utime + stime of {@code /proc/PID/stat}, in clock ticks: the CPU time of all the
     * process's threads. The command name in field 2 may contain spaces and parentheses, so the
     * fields are counted from its last closing parenthesis.
     */
    static long cpuTicks(String stat) {
        int end = stat.lastIndexOf(')');
        if (end < 0) {
            throw new IllegalArgumentException("invalid stat line: no closing parenthesis after the command name");
        }
        // After ")" come field 3 (state) onwards; utime and stime are fields 14 and 15.
        String[] fields = stat.substring(end + 1).trim().split("\\s+");
        if (fields.length < 13) {
            throw new IllegalArgumentException("invalid stat line: " + (fields.length + 2) + " fields, expected at least 15");
        }
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    /**
     * Finds the inode of a UDP socket bound to {@code port} on {@code address} or on the wildcard
     * address, in the text of {@code /proc/net/udp}.
     *
     * @param address the IPv4 address in network order, as {@link seng.ip.Ipv4Address} stores it
     */
    static OptionalLong udpSocketInode(String procNetUdp, int address, int port) {
        String[] lines = procNetUdp.split("\n");
        for (int index = 1; index < lines.length; index++) {
            String[] fields = lines[index].trim().split("\\s+");
            if (fields.length < 10) {
                continue;
            }
            String[] local = fields[1].split(":");
            if (local.length != 2 || Integer.parseInt(local[1], 16) != port) {
                continue;
            }
            int boundAddress = Integer.reverseBytes((int) Long.parseLong(local[0], 16));
            if (boundAddress == address || boundAddress == 0) {
                return OptionalLong.of(Long.parseLong(fields[9]));
            }
        }
        return OptionalLong.empty();
    }

    /** Checks whether the target of a {@code /proc/PID/fd/N} link is the socket with this inode. */
    static boolean isSocket(String linkTarget, long inode) {
        return linkTarget.equals("socket:[" + inode + "]");
    }

    /** Returns the soft limit of "Max open files" from {@code /proc/PID/limits}, or -1 for unlimited. */
    static long maxOpenFiles(String limits) {
        for (String line : limits.split("\n")) {
            if (line.startsWith("Max open files")) {
                String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                return soft.equals("unlimited") ? -1 : Long.parseLong(soft);
            }
        }
        throw new IllegalArgumentException("no 'Max open files' line found");
    }

    /** Returns the number of ports in {@code /proc/sys/net/ipv4/ip_local_port_range}, both ends included. */
    static int localPortCount(String portRange) {
        String[] fields = portRange.trim().split("\\s+");
        if (fields.length != 2) {
            throw new IllegalArgumentException("invalid port range '" + portRange.trim() + "': expected two numbers");
        }
        return Integer.parseInt(fields[1]) - Integer.parseInt(fields[0]) + 1;
    }

    /** Returns the first {@code model name} of {@code /proc/cpuinfo}, or "unknown" on CPUs that have none. */
    static String cpuModel(String cpuinfo) {
        for (String line : cpuinfo.split("\n")) {
            if (line.startsWith("model name")) {
                int colon = line.indexOf(':');
                return colon < 0 ? "unknown" : line.substring(colon + 1).trim();
            }
        }
        return "unknown";
    }
}
