package seng.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import seng.client.ClientOptions;
import seng.client.TestIasAuthority;
import seng.ip.Ipv4Address;

/**
 * Drives a SENG server with simulated enclaves: generates their certificates, connects them,
 * runs the ping, churn or hold phase, closes them and returns what it measured. Every enclave
 * runs on its own virtual thread; no phase logs per packet.
 */
public final class LoadGenerator {
    /** The server's certificate in a test-mode directory; the enclaves pin it. */
    static final String SERVER_CERTIFICATE_FILE = "server-cert.pem";

    /**
     * How long to wait after the last setup before sampling memory and pinging: the server
     * registers a tunnel for gateway packets only after its own side of the tunnel #2 handshake
     * ends, which may come slightly after the client's.
     */
    private static final Duration SETTLE = Duration.ofSeconds(1);
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(2);
    private static final Duration CHURN_RETRY_PAUSE = Duration.ofMillis(100);
    private static final int HOLD_PING_CONCURRENCY = 256;
    private static final int HOLD_PING_ATTEMPTS = 3;
    /** Enclaves that reconnect during the warm-up: enough to keep both processes' handshake code hot. */
    static final int WARMUP_ENCLAVES = 50;
    /** Descriptors the JVM may open besides the enclaves' sockets: jars, epoll, pipes. */
    private static final int SPARE_DESCRIPTORS = 64;

    private final BenchOptions options;
    private final PrintStream progress;

    private LoadGenerator(BenchOptions options, PrintStream progress) {
        this.options = options;
        this.progress = progress;
    }

    /**
     * Runs the load described by {@code options}, printing progress lines to {@code progress}. A
     * SIGINT or SIGTERM during the run closes every tunnel before the JVM exits.
     *
     * @throws IOException if the test directory cannot be read, the JSON file cannot be written, a
     *     source address cannot be bound, or this machine's limits cannot hold the requested number
     *     of enclaves. These are checked before the first certificate is generated.
     * @throws InterruptedException if a signal stopped the run; the JVM is exiting then
     */
    public static BenchReport run(BenchOptions options, PrintStream progress) throws IOException, InterruptedException {
        return new LoadGenerator(options, progress).run();
    }

    private BenchReport run() throws IOException, InterruptedException {
        TestIasAuthority authority = TestIasAuthority.readFrom(options.testDir());
        byte[] pinned = readCertificate(options.testDir().resolve(SERVER_CERTIFICATE_FILE));
        if (options.json() != null) {
            ReportTable.checkWritable(options.json());
        }
        checkLocalAddresses(options.localAddresses());
        checkLimits(options.enclaves(), options.localAddresses().size());
        ServerLookup lookup = findServer();
        Instant startedAt = Instant.now();

        progress.printf("generating %d certificates on %d threads%n", options.certificateCount(),
                Runtime.getRuntime().availableProcessors());
        CredentialPool credentials = CredentialPool.generate(authority, options.certificateCount(), progress);
        progress.printf("generated %d certificates in %.1f s%n", credentials.size(), credentials.generationSeconds());

        OpenTunnels openTunnels = new OpenTunnels();
        ClientOptions clientOptions = ClientOptions.defaults().withPinnedServerCertificate(pinned);
        try (Connector connector = new Connector(options.server(), clientOptions, credentials,
                options.certificatesPerEnclave(), options.connectTimeout())) {
            ShutdownCleanup cleanup = ShutdownCleanup.install(connector, openTunnels, progress);
            try {
                Measurements measured = measure(connector, openTunnels, lookup.process);
                return new BenchReport("seng-gateway bench", startedAt.toString(), MachineInfo.read(), parameters(),
                        serverStats(lookup, measured), new BenchReport.CertificateStats(credentials.size(),
                                credentials.generationSeconds()), measured.connect, measured.ping, measured.churn,
                        measured.hold, hints(measured.connect, measured.churn));
            } finally {
                cleanup.uninstall();
            }
        }
    }

    /** The figures of one run's phases, with null for the phases that did not run. */
    private record Measurements(Long rssBefore, Long rssAfterConnect, Long rssEnd, BenchReport.ConnectStats connect,
            BenchReport.PingStats ping, BenchReport.ChurnStats churn, BenchReport.HoldStats hold) {
    }

    /** Warms up, connects every enclave, runs the phase of the mode and closes every enclave again. */
    private Measurements measure(Connector connector, OpenTunnels openTunnels, ServerProcess server)
            throws InterruptedException {
        List<EnclaveSlot> slots = new ArrayList<>();
        for (int index = 0; index < options.enclaves(); index++) {
            slots.add(new EnclaveSlot(index, options.localAddresses().get(index % options.localAddresses().size()),
                    openTunnels));
        }
        warmUp(connector, slots, openTunnels);
        Long rssBefore = rss(server);
        BenchReport.ConnectStats connect = connectAll(connector, slots, server);
        Thread.sleep(SETTLE);
        Long rssAfterConnect = rss(server);

        BenchReport.PingStats ping = null;
        BenchReport.ChurnStats churn = null;
        BenchReport.HoldStats hold = null;
        List<EnclaveSlot> connected = connected(slots);
        try {
            if (connected.isEmpty() && options.mode() != BenchOptions.Mode.CHURN) {
                // Pinging or holding no tunnel would only report zeros, and the connect errors explain the failure.
                progress.printf("no enclave connected: skipping the %s phase%n",
                        options.mode().name().toLowerCase(Locale.ROOT));
            } else {
                switch (options.mode()) {
                    case PING -> ping = ping(connected, server);
                    case CHURN -> churn = churn(connector, slots, server);
                    case HOLD -> hold = hold(connected, server);
                }
            }
        } finally {
            closeAll(slots);
        }
        return new Measurements(rssBefore, rssAfterConnect, rss(server), connect, ping, churn, hold);
    }

    private static BenchReport.ServerStats serverStats(ServerLookup lookup, Measurements measured) {
        Long rssBefore = measured.rssBefore;
        Long rssAfterConnect = measured.rssAfterConnect;
        int connected = measured.connect.connected();
        Double perTunnel = rssBefore == null || rssAfterConnect == null || connected == 0 ? null
                : (double) (rssAfterConnect - rssBefore) / connected;
        return new BenchReport.ServerStats(lookup.process == null ? null : lookup.process.pid(),
                lookup.process == null ? null : lookup.process.source(), lookup.note, rssBefore, rssAfterConnect,
                perTunnel, measured.rssEnd);
    }

    private List<String> hints(BenchReport.ConnectStats connect, BenchReport.ChurnStats churn) {
        Set<String> kinds = new HashSet<>(connect.errors().keySet());
        if (churn != null) {
            kinds.addAll(churn.errors().keySet());
        }
        return FailureHints.explain(kinds, options.testDir(), address(options.server()));
    }

    private void reconnectLoop(Connector connector, List<EnclaveSlot> slots, SetupRecorder recorder, long end) {
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("seng-bench-churn-", 0).factory())) {
            for (EnclaveSlot slot : slots) {
                executor.execute(() -> {
                    while (System.nanoTime() < end && !connector.stopped()) {
                        slot.close();
                        if (!connector.connect(slot, recorder, options.payload())) {
                            pause(CHURN_RETRY_PAUSE);
                        }
                    }
                });
            }
        }
    }

    private BenchReport.ConnectStats connectAll(Connector connector, List<EnclaveSlot> slots, ServerProcess server)
            throws InterruptedException {
        SetupRecorder recorder = new SetupRecorder();
        CountDownLatch finished = new CountDownLatch(slots.size());
        progress.printf("connecting %d enclaves to %s%s%n", slots.size(), address(options.server()),
                options.rampUp().isZero() ? "" : String.format(" over %.1f s", options.rampUp().toNanos() / 1e9));
        CpuUsage.Mark mark = CpuUsage.mark(server);
        long start = mark.wallNanos();
        long rampUpNanos = options.rampUp().toNanos();

        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("seng-bench-connect-", 0).factory())) {
            for (EnclaveSlot slot : slots) {
                long startAt = start + rampUpNanos * slot.index / slots.size();
                executor.execute(() -> {
                    try {
                        sleepUntil(startAt);
                        connector.connect(slot, recorder, options.payload());
                    } catch (InterruptedException e) {
                        recorder.errors.add("interrupted");
                    } finally {
                        finished.countDown();
                    }
                });
            }
            while (!finished.await(PROGRESS_INTERVAL.toNanos(), TimeUnit.NANOSECONDS)) {
                progress.printf("connected %d of %d, failed %d%n", recorder.succeeded.sum(), slots.size(),
                        recorder.errors.total());
            }
        }
        CpuUsage cpu = CpuUsage.since(mark, server);

        int connected = recorder.succeeded.intValue();
        long last = recorder.lastSuccessNanos.get();
        double seconds = connected == 0 ? 0 : (last - start) / 1e9;
        double tunnelsPerSecond = seconds > 0 ? connected / seconds : 0;
        progress.printf("connected %d of %d enclaves%n", connected, slots.size());
        return new BenchReport.ConnectStats(slots.size(), connected, slots.size() - connected,
                recorder.errors.snapshot(), seconds, tunnelsPerSecond,
                tunnelsPerSecond * BenchReport.HANDSHAKES_PER_TUNNEL, recorder.setup.summary(),
                recorder.tunnel1.summary(), recorder.tunnel2.summary(), cpu, perTunnelMillis(cpu, connected));
    }

    private BenchReport.PingStats ping(List<EnclaveSlot> slots, ServerProcess server) {
        progress.printf("pinging the gateway through %d enclaves for %.1f s (%s)%n", slots.size(),
                options.duration().toNanos() / 1e9, pingLoop());
        PingPhase phase = new PingPhase(options.pingTimeout());
        CpuUsage.Mark mark = CpuUsage.mark(server);
        // CPU time is sampled when the sending ends, because the wait for the last replies after
        // that is mostly idle and would dilute the percentages.
        CompletableFuture<CpuUsage> sendingCpu = CompletableFuture.supplyAsync(() -> CpuUsage.since(mark, server),
                CompletableFuture.delayedExecutor(options.duration().toNanos(), TimeUnit.NANOSECONDS));
        Duration sendingWindow = phase.run(slots, options.duration(), options.pingRate());
        CpuUsage cpu = sendingCpu.join();

        double seconds = sendingWindow.toNanos() / 1e9;
        return new BenchReport.PingStats(slots.size(), pingLoop(), seconds, phase.requestsSent.sum(),
                phase.replies.sum(), phase.lost.sum(), phase.lateReplies.sum(), phase.replies.sum() / seconds,
                phase.rtt.summary(), phase.requestsSent.sum() / seconds, phase.requestBytesSent.sum() / seconds,
                phase.packetsReceived.sum() / seconds, phase.bytesReceived.sum() / seconds, phase.errors.snapshot(), cpu);
    }

    /** Reconnects a few enclaves in a loop, unmeasured, until both processes run compiled handshake code. */
    private void warmUp(Connector connector, List<EnclaveSlot> slots, OpenTunnels openTunnels) {
        if (options.warmup().isZero()) {
            return;
        }
        List<EnclaveSlot> warming = new ArrayList<>();
        for (EnclaveSlot slot : slots.subList(0, Math.min(LoadGenerator.WARMUP_ENCLAVES, slots.size()))) {
            warming.add(new EnclaveSlot(slot.index, slot.localAddress, openTunnels));
        }
        progress.printf("warming up: %d enclaves reconnect for %.1f s, not measured%n", warming.size(),
                options.warmup().toNanos() / 1e9);
        reconnectLoop(connector, warming, new SetupRecorder(), System.nanoTime() + options.warmup().toNanos());
        closeAll(warming);
    }

    private BenchReport.ChurnStats churn(Connector connector, List<EnclaveSlot> slots, ServerProcess server) {
        progress.printf("reconnecting %d enclaves in a loop for %.1f s%n", slots.size(), options.duration().toNanos() / 1e9);
        SetupRecorder recorder = new SetupRecorder();
        CpuUsage.Mark mark = CpuUsage.mark(server);
        long end = mark.wallNanos() + options.duration().toNanos();
        reconnectLoop(connector, slots, recorder, end);
        CpuUsage cpu = CpuUsage.since(mark, server);

        // Attempts still running at the end finish after it. A timed-out one must not stretch the
        // window by the connect timeout, but a successful one adds its tunnel and its time.
        double seconds = (Math.max(end, recorder.lastSuccessNanos.get()) - mark.wallNanos()) / 1e9;
        long reconnects = recorder.succeeded.sum();
        double tunnelsPerSecond = reconnects / seconds;
        return new BenchReport.ChurnStats(slots.size(), seconds, reconnects, recorder.errors.total(), tunnelsPerSecond,
                tunnelsPerSecond * BenchReport.HANDSHAKES_PER_TUNNEL, recorder.setup.summary(),
                recorder.tunnel1.summary(), recorder.tunnel2.summary(), recorder.errors.snapshot(), cpu,
                perTunnelMillis(cpu, reconnects));
    }

    private BenchReport.HoldStats hold(List<EnclaveSlot> slots, ServerProcess server) throws InterruptedException {
        progress.printf("holding %d idle tunnels for %.1f s%n", slots.size(), options.duration().toNanos() / 1e9);
        CpuUsage.Mark mark = CpuUsage.mark(server);
        Thread.sleep(options.duration());
        CpuUsage cpu = CpuUsage.since(mark, server);
        Long rssHeld = rss(server);

        progress.printf("pinging once through each of %d tunnels%n", slots.size());
        PingPhase phase = new PingPhase(options.pingTimeout());
        int[] answered = phase.pingEachOnce(slots, HOLD_PING_CONCURRENCY, HOLD_PING_ATTEMPTS);
        return new BenchReport.HoldStats(slots.size(), cpu.wallSeconds(), cpu, rssHeld, answered[0], answered[1],
                phase.errors.snapshot());
    }

    private static Double perTunnelMillis(CpuUsage cpu, long tunnels) {
        return cpu.serverCpuSeconds() == null || tunnels == 0 ? null : cpu.serverCpuSeconds() * 1000 / tunnels;
    }

    private static List<EnclaveSlot> connected(List<EnclaveSlot> slots) {
        return slots.stream().filter(slot -> slot.enclave != null).toList();
    }

    private static void closeAll(List<EnclaveSlot> slots) {
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (EnclaveSlot slot : slots) {
                executor.execute(slot::close);
            }
        }
    }

    private String pingLoop() {
        return options.pingRate() == 0 ? "closed loop" : options.pingRate() + " per second per enclave";
    }

    private BenchReport.Parameters parameters() {
        return new BenchReport.Parameters(address(options.server()), options.enclaves(),
                options.rampUp().toNanos() / 1e9, options.warmup().toNanos() / 1e9, options.duration().toNanos() / 1e9,
                options.mode().name().toLowerCase(java.util.Locale.ROOT), pingLoop(), options.payload(),
                options.payload() + 28, options.pingTimeout().toMillis(), options.connectTimeout().toNanos() / 1e9,
                options.certificatesPerEnclave(),
                options.localAddresses().stream().map(InetAddress::getHostAddress).toList());
    }

    /** The server process, or null with the reason in {@code note}. */
    private record ServerLookup(ServerProcess process, String note) {
    }

    private ServerLookup findServer() throws IOException {
        if (options.serverPid() == BenchOptions.NO_PID) {
            return new ServerLookup(null, "not sampled (--server-pid none)");
        }
        if (options.serverPid() != BenchOptions.AUTO_PID) {
            return new ServerLookup(ServerProcess.of(options.serverPid(), "option"), null);
        }
        InetAddress host = options.server().getAddress();
        if (!isLocal(host) || !(host.getAddress().length == 4)) {
            return new ServerLookup(null, "not sampled: " + host.getHostAddress() + " is not an IPv4 address of this machine");
        }
        return ServerProcess.findByUdpPort(Ipv4Address.fromBytes(host.getAddress(), 0), options.server().getPort())
                .map(process -> new ServerLookup(process, null))
                .orElseGet(() -> new ServerLookup(null, "not sampled: no process of this user holds UDP port "
                        + options.server().getPort() + " (give --server-pid)"));
    }

    private static boolean isLocal(InetAddress address) {
        try {
            return address.isLoopbackAddress() || address.isAnyLocalAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Binds a UDP socket to each source address and closes it again, sending nothing, so that an
     * address of another machine fails at once instead of failing every connection of the run.
     */
    static void checkLocalAddresses(List<InetAddress> addresses) throws IOException {
        for (InetAddress address : addresses) {
            try (DatagramChannel channel = DatagramChannel.open()) {
                channel.bind(new InetSocketAddress(address, 0));
            } catch (IOException e) {
                throw new IOException("invalid --local-addresses: binding a UDP socket to " + address.getHostAddress()
                        + " failed (" + e.getMessage() + "). Give addresses of this machine, such as 127.0.0.1 to"
                        + " 127.0.0.254.", e);
            }
        }
    }

    /**
     * Checks that this process may open two UDP sockets per enclave and that the ephemeral port
     * range is large enough for them, so a large run fails at once with advice instead of halfway through.
     */
    static void checkLimits(int enclaves, int localAddresses) throws IOException {
        long sockets = 2L * enclaves;
        long maxFiles = ProcFiles.maxOpenFiles(ProcFiles.read(Path.of("/proc/self/limits")));
        long openNow;
        try (var descriptors = Files.list(Path.of("/proc/self/fd"))) {
            openNow = descriptors.count();
        }
        if (maxFiles >= 0 && sockets + openNow + SPARE_DESCRIPTORS > maxFiles) {
            throw new IOException(enclaves + " enclaves need " + sockets + " UDP sockets, and with the " + openNow
                    + " files already open that exceeds this process's limit of " + maxFiles + " open files (ulimit -n)."
                    + " Raise the limit or run several bench processes with fewer --enclaves each.");
        }
        long ports = (long) ProcFiles.localPortCount(ProcFiles.read(Path.of("/proc/sys/net/ipv4/ip_local_port_range")))
                * localAddresses;
        if (sockets > ports) {
            throw new IOException(enclaves + " enclaves need " + sockets + " ephemeral UDP ports, but "
                    + "/proc/sys/net/ipv4/ip_local_port_range times " + localAddresses + " local address(es) gives only "
                    + ports + ". Use more --local-addresses.");
        }
    }

    private static Long rss(ServerProcess server) {
        if (server == null) {
            return null;
        }
        try {
            return server.rssKb();
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static byte[] readCertificate(Path file) throws IOException {
        try (InputStream input = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificate(input).getEncoded();
        } catch (NoSuchFileException e) {
            throw new IOException("server certificate " + file + " not found: point --test-dir at the directory the"
                    + " test-mode server uses", e);
        } catch (GeneralSecurityException e) {
            throw new IOException(file + ": invalid certificate: " + e.getMessage(), e);
        }
    }

    private static String address(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    private static void sleepUntil(long nanoTime) throws InterruptedException {
        long wait = nanoTime - System.nanoTime();
        if (wait > 0) {
            TimeUnit.NANOSECONDS.sleep(wait);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
