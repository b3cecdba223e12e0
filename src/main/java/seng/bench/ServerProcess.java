package seng.bench;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * The server's process on this machine, sampled through {@code /proc}: resident memory and CPU
 * time. Only works when the server runs here and this user may read its {@code /proc} entries.
 *
 * @param source how the process was found: "option" for --server-pid, "udp-port" when found by its socket
 */
record ServerProcess(long pid, String source, long nanosPerTick) {

    /** Returns the process, or fails with a message naming the PID if it does not exist. */
    static ServerProcess of(long pid, String source) throws IOException {
        if (!Files.exists(Path.of("/proc", Long.toString(pid), "status"))) {
            throw new IOException("no process with PID " + pid + " on this machine (no /proc/" + pid + "/status)");
        }
        return new ServerProcess(pid, source, readNanosPerTick());
    }

    /**
     * Finds the process that has a UDP socket bound to {@code address:port}: the socket's inode
     * from {@code /proc/net/udp}, then the process whose {@code /proc/PID/fd} links to it.
     *
     * @return empty if no such socket exists here or its owner cannot be read
     */
    static Optional<ServerProcess> findByUdpPort(int address, int port) throws IOException {
        OptionalLong inode = ProcFiles.udpSocketInode(ProcFiles.read(Path.of("/proc/net/udp")), address, port);
        if (inode.isEmpty()) {
            return Optional.empty();
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> processes = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
            for (Path process : processes) {
                long pid = Long.parseLong(process.getFileName().toString());
                if (pid != self && holdsSocket(process, inode.getAsLong())) {
                    return Optional.of(new ServerProcess(pid, "udp-port", readNanosPerTick()));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean holdsSocket(Path process, long inode) {
        try (DirectoryStream<Path> descriptors = Files.newDirectoryStream(process.resolve("fd"))) {
            for (Path descriptor : descriptors) {
                try {
                    if (ProcFiles.isSocket(Files.readSymbolicLink(descriptor).toString(), inode)) {
                        return true;
                    }
                } catch (IOException e) {
                    // The descriptor was closed while we listed the directory.
                }
            }
        } catch (IOException e) {
            // The process ended, or its descriptors are not ours to read.
        }
        return false;
    }

    long rssKb() throws IOException {
        return ProcFiles.vmRssKb(ProcFiles.read(Path.of("/proc", Long.toString(pid), "status")));
    }

    /** Returns the CPU time of all the process's threads, user and system, in nanoseconds. */
    long cpuNanos() throws IOException {
        return ProcFiles.cpuTicks(ProcFiles.read(Path.of("/proc", Long.toString(pid), "stat"))) * nanosPerTick;
    }

    /**
     * Returns the length of one clock tick of {@code /proc/PID/stat} from {@code getconf CLK_TCK}.
     * Falls back to 10 ms, the tick of Linux on x86 and arm64 (USER_HZ 100), if getconf fails.
     */
    private static long readNanosPerTick() {
        try {
            Process getconf = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String output = new String(getconf.getInputStream().readAllBytes()).trim();
            if (getconf.waitFor(5, TimeUnit.SECONDS) && getconf.exitValue() == 0) {
                return TimeUnit.SECONDS.toNanos(1) / Long.parseLong(output);
            }
        } catch (IOException | NumberFormatException e) {
            // Use the fallback below.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return TimeUnit.MILLISECONDS.toNanos(10);
    }
}
