package seng.server;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;

/**
 * The server as a child process, started through an optional command prefix (such as
 * {@code ip netns exec NAME} or {@code setpriv ...}), with its log collected for assertions.
 * The server certificate and the test IAS root are written to {@code dir} first.
 */
final class ServerProcess implements AutoCloseable {
    final Process process;
    private final StringWriter log;
    private final Thread logCollector;

    private ServerProcess(Process process, StringWriter log, Thread logCollector) {
        this.process = process;
        this.log = log;
        this.logCollector = logCollector;
    }

    /**
     * Starts the server and waits for its start line.
     *
     * @param classpath the classpath the child uses; the test's own unless a copy readable by
     *     another user is needed
     * @throws AssertionError if the server did not log its start within 30 s; the log is in the message
     */
    static ServerProcess start(List<String> prefix, String classpath, Path dir, List<String> serverArguments)
            throws Exception {
        Process process = launch(prefix, classpath, dir, serverArguments);
        StringWriter log = new StringWriter();
        CountDownLatch started = new CountDownLatch(1);
        Thread collector = Thread.ofPlatform().daemon(true).name("server-process-log")
                .start(() -> collect(process, log, started));
        if (!started.await(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not start: " + String.join(" ", serverArguments) + "\n" + log);
        }
        return new ServerProcess(process, log, collector);
    }

    /** Runs the server until it exits by itself, for start-up failures, and returns its exit code and output. */
    static Ended runToExit(List<String> prefix, String classpath, Path dir, List<String> serverArguments)
            throws Exception {
        Process process = launch(prefix, classpath, dir, serverArguments);
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not exit:\n" + output);
        }
        return new Ended(process.exitValue(), output);
    }

    record Ended(int exitCode, String output) {
    }

    private static Process launch(List<String> prefix, String classpath, Path dir, List<String> serverArguments)
            throws IOException {
        writeCredentials(dir);
        List<String> command = new ArrayList<>(prefix);
        command.addAll(List.of(ProcessHandle.current().info().command().orElse("java"),
                "--enable-preview", "--enable-native-access=ALL-UNNAMED",
                // The server's own logging setup: the tests' one writes to a file the child must not touch.
                "-Dtinylog.configuration=tinylog.properties",
                "-cp", classpath, "seng.cli.Main",
                "--ias-root-ca", dir.resolve("ias-root.pem").toString(),
                "-cert", dir.resolve("server-cert.pem").toString(), "-key", dir.resolve("server-key.pem").toString(),
                "--status-listen", "off"));
        command.addAll(serverArguments);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void writeCredentials(Path dir) throws IOException {
        Path certificate = dir.resolve("server-cert.pem");
        if (Files.exists(certificate)) {
            return;
        }
        Path key = dir.resolve("server-key.pem");
        LoopbackServer.CREDENTIALS.writePem(certificate, key);
        // A throwaway test key: the server may run as another user, which must read it.
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(LoopbackServer.AUTHORITY.rootCertificate());
        }
        Files.writeString(dir.resolve("ias-root.pem"), text.toString());
    }

    private static void collect(Process process, StringWriter log, CountDownLatch started) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                synchronized (log) {
                    log.write(line + "\n");
                }
                System.err.println("[server] " + line);
                if (line.contains("event=server_started")) {
                    started.countDown();
                }
            }
        } catch (IOException e) {
            // The process ended; its output is complete.
        }
    }

    String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    /** Sends SIGTERM, waits for the exit and for the last lines of the log. */
    int stop(long timeoutSeconds) throws InterruptedException {
        // Through the handle, because Process.destroy() also closes the pipes and the last log lines would be lost.
        process.toHandle().destroy();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server did not stop within " + timeoutSeconds + " s after SIGTERM:\n" + log());
        }
        logCollector.join(5_000);
        return process.exitValue();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
