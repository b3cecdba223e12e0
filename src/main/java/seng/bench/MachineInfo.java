package seng.bench;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The machine and JVM a run was measured on, so reports from different machines are not compared
 * by mistake.
 *
 * @param memoryTotalKb MemTotal of /proc/meminfo, or -1 where it cannot be read
 */
public record MachineInfo(int processors, String cpuModel, long memoryTotalKb, String os, String jvm) {

    static MachineInfo read() {
        String model;
        long memory;
        try {
            model = ProcFiles.cpuModel(ProcFiles.read(Path.of("/proc/cpuinfo")));
            memory = ProcFiles.memTotalKb(ProcFiles.read(Path.of("/proc/meminfo")));
        } catch (IOException | RuntimeException e) {
            model = "unknown";
            memory = -1;
        }
        return new MachineInfo(Runtime.getRuntime().availableProcessors(), model, memory,
                System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"),
                System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                        + System.getProperty("java.runtime.version"));
    }
}
