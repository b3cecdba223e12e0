package seng.gateway;

import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Assumptions;

/**
 * A network namespace created for one test with {@code ip netns add} and deleted by {@link #close},
 * so that tests can create TUN interfaces, addresses and routes without touching the host's.
 *
 * <p>{@link #call} runs code inside the namespace on a new platform thread that first joins it with
 * setns(2). Linux keeps the network namespace per thread, so the JVM's other threads stay where
 * they are. Every TUN interface and socket that code creates belongs to the namespace for its whole
 * life, whichever thread uses it later. The thread ends after each call, so no JVM thread remains
 * in the namespace once it is deleted. This is faster than starting a JVM under
 * {@code ip netns exec}, and a failure inside reaches the test as an ordinary exception.
 */
public final class NetworkNamespace implements AutoCloseable {
    private static final int CLONE_NEWNET = 0x40000000;
    private static final long COMMAND_TIMEOUT_SECONDS = 10;
    private static final long CALL_TIMEOUT_SECONDS = 30;

    private final String name;

    private NetworkNamespace(String name) {
        this.name = name;
    }

    /**
     * Creates a namespace, or aborts the calling test with the reason (also printed to stderr) when
     * this machine cannot: not Linux, no /dev/net/tun, not root, or {@code ip netns} failing.
     */
    public static NetworkNamespace createOrSkip() {
        skipUnless(System.getProperty("os.name").startsWith("Linux"), "not running on Linux");
        skipUnless(Files.exists(Path.of("/dev/net/tun")), "/dev/net/tun does not exist");
        skipUnless(isRoot(), "not running as root, which creating network namespaces needs");

        String name = "seng-tun-test-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try {
            CommandResult result = run(List.of("ip", "netns", "add", name));
            skipUnless(result.exitCode() == 0, "'ip netns add " + name + "' failed: " + result.output().strip());
        } catch (IOException e) {
            skipUnless(false, "cannot run 'ip netns add': " + e.getMessage());
        }
        return new NetworkNamespace(name);
    }

    public String name() {
        return name;
    }

    /** Runs {@code action} on a new platform thread inside the namespace and returns its result. */
    public <T> T call(Callable<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread.ofPlatform().name("netns-" + name).start(() -> {
            try {
                enter();
                result.complete(action.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        });
        try {
            return result.get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof Exception exception) {
                throw exception;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw e;
        } catch (TimeoutException e) {
            throw new AssertionError("code in network namespace " + name + " did not finish within "
                    + CALL_TIMEOUT_SECONDS + " s", e);
        }
    }

    /**
     * Runs {@code ip ARGUMENTS} inside the namespace.
     *
     * @return the output, stdout and stderr merged
     * @throws AssertionError if the command fails or times out
     */
    public String ip(String... arguments) throws IOException {
        CommandResult result = ipResult(arguments);
        if (result.exitCode() != 0) {
            throw new AssertionError("'ip " + String.join(" ", arguments) + "' in " + name + " failed with exit code "
                    + result.exitCode() + ": " + result.output());
        }
        return result.output();
    }

    /** Runs {@code ip ARGUMENTS} inside the namespace and returns its exit code and output, whatever they are. */
    CommandResult ipResult(String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("ip", "netns", "exec", name, "ip"));
        command.addAll(List.of(arguments));
        return run(command);
    }

    /** Deletes the namespace together with the interfaces left in it. */
    @Override
    public void close() throws IOException {
        CommandResult result = run(List.of("ip", "netns", "delete", name));
        if (result.exitCode() != 0) {
            throw new IOException("'ip netns delete " + name + "' failed: " + result.output());
        }
    }

    private void enter() throws Throwable {
        int fd = LinuxNative.open("/run/netns/" + name, LinuxNative.O_RDONLY | LinuxNative.O_CLOEXEC);
        if (fd < 0) {
            throw new IOException("cannot open network namespace " + name + ": " + LinuxNative.describe(-fd));
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment callState = arena.allocate(Linker.Option.captureStateLayout());
            int result = (int) SetNs.HANDLE.invokeExact(callState, fd, CLONE_NEWNET);
            if (result < 0) {
                int errno = callState.get(JAVA_INT, SetNs.ERRNO_OFFSET);
                throw new IOException("cannot enter network namespace " + name + ": " + LinuxNative.describe(errno));
            }
        } finally {
            LinuxNative.close(fd);
        }
    }

    private static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    // Real, effective, saved and file system user ids.
                    return line.split("\\s+")[2].equals("0");
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static void skipUnless(boolean condition, String reason) {
        if (!condition) {
            System.err.println("skipping TUN interface test: " + reason);
            Assumptions.abort(reason);
        }
    }

    private static CommandResult run(List<String> command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(COMMAND_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("'" + String.join(" ", command) + "' did not finish within "
                        + COMMAND_TIMEOUT_SECONDS + " s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running '" + String.join(" ", command) + "'", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new CommandResult(process.exitValue(), output);
    }

    record CommandResult(int exitCode, String output) {
    }

    /** The setns(2) downcall, linked on first use so that skipped tests never link it. */
    @SuppressWarnings("restricted")
    private static final class SetNs {
        static final long ERRNO_OFFSET =
                Linker.Option.captureStateLayout().byteOffset(PathElement.groupElement("errno"));
        static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(
                Linker.nativeLinker().defaultLookup().find("setns").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
                Linker.Option.captureCallState("errno"));
    }
}
