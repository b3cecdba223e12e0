package seng.server;

import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import org.tinylog.Logger;

import seng.attest.EvidenceVerifier;
import seng.dtls.DtlsEndpoint;
import seng.dtls.DtlsServerConfig;
import seng.dtls.PendingHandshake;
import seng.gateway.Gateway;
import seng.ip.HostPort;
import seng.pool.AddressPool;
import seng.pool.AddressTable;
import seng.pool.EnclaveNetwork;
import seng.tunnel.ApplicationTunnel;
import seng.tunnel.GatewayReader;
import seng.tunnel.PairingRegistry;
import seng.tunnel.TrafficCounters;

/**
 * A running SENG gateway server: two DTLS endpoints, the gateway with its reader thread, and one
 * virtual thread per client. {@link #start} opens everything or nothing; {@link #close} stops
 * everything in reverse order and can be called more than once.
 */
public final class GatewayServer implements AutoCloseable {
    private static final int PORT_PAIR_ATTEMPTS = 50;
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(5);
    private static final Duration COOKIE_SECRET_LIFETIME = Duration.ofMinutes(10);
    /** Handshake failure lines per reason and minute; unauthenticated clients can cause any number. */
    private static final int FAILURE_LINES_PER_MINUTE = 20;

    private final ServerConfig config;
    private final SessionContext context;
    private final ExecutorService sessions;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private DtlsEndpoint tunnel1Endpoint;
    private DtlsEndpoint tunnel2Endpoint;
    private Thread gatewayReader;
    private Thread cookieRotation;
    private volatile boolean closed;
    private volatile String failure;
    private final CountDownLatch stopped = new CountDownLatch(1);

    private GatewayServer(ServerConfig config, SessionContext context) {
        this.config = config;
        this.context = context;
        this.sessions = Executors.newThreadPerTaskExecutor(Thread.ofVirtual()
                .name("seng-session-", 0)
                .uncaughtExceptionHandler((thread, error) ->
                        Logger.error(error, "event=session_crashed thread={} error=\"{}\"", thread.getName(), error))
                .factory());
    }

    public static GatewayServer start(ServerConfig config) throws IOException {
        EnclaveNetwork network = config.network();
        AdmissionPolicy admission = config.admissionPolicy() != null
                ? config.admissionPolicy()
                : new OpenAdmission(firstPool(network));

        Gateway gateway;
        try {
            gateway = config.gatewayFactory().open(network);
        } catch (IOException | RuntimeException e) {
            admission.close();
            throw e;
        }
        SessionContext context = new SessionContext(
                DtlsServerConfig.create(config.credentials(), config.dtlsSettings()),
                new EvidenceVerifier(config.trustPolicy(), config.clock()),
                admission,
                new PairingRegistry(),
                new VerifiedCertificates(),
                new AddressTable<>(),
                ConcurrentHashMap.newKeySet(),
                gateway,
                config.tunnelSettings(),
                config.pairingTimeout(),
                new TrafficCounters(),
                new HandshakeCounters(),
                new ReasonCounters(),
                new LogRateLimit(FAILURE_LINES_PER_MINUTE));

        GatewayServer server = new GatewayServer(config, context);
        // The server owns the admission policy from here on; added first, it is closed last.
        server.opened.add(admission);
        server.opened.add(gateway);
        try {
            server.openEndpoints();
            server.startGatewayReader();
            server.startCookieRotation();
        } catch (IOException | RuntimeException e) {
            server.failure = "start failed: " + e.getMessage();
            server.close();
            throw e;
        }
        Logger.info("event=server_started tunnel1={} tunnel2={} gateway={} subnets={} admission={} certificate_sha256={}",
                HostPort.format(server.tunnel1Address()), HostPort.format(server.tunnel2Address()), gateway.name(),
                network.pools().stream().map(pool -> pool.subnet().toString()).toList(),
                config.admissionPolicy() == null ? "any_attested_enclave" : "allowlist",
                config.credentials().fingerprint());
        return server;
    }

    private static AddressPool firstPool(EnclaveNetwork network) {
        return network.pools().stream().findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no enclave subnetwork configured"));
    }

    /** Binds P and P + 1; with port 0, tries random pairs until both are free. */
    private void openEndpoints() throws IOException {
        InetSocketAddress requested = config.tunnelAddress();
        if (requested.getPort() != 0) {
            bindPair(requested.getPort());
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                bindPair(ThreadLocalRandom.current().nextInt(20_000, 60_000) & ~1);
                return;
            } catch (BindException e) {
                if (attempt == PORT_PAIR_ATTEMPTS) {
                    throw e;
                }
            }
        }
    }

    private void bindPair(int port) throws IOException {
        InetSocketAddress host = config.tunnelAddress();
        DtlsEndpoint first = open(new InetSocketAddress(host.getAddress(), port), this::startTunnel1Session);
        try {
            tunnel2Endpoint = open(new InetSocketAddress(host.getAddress(), port + 1), this::startTunnel2Session);
        } catch (IOException | RuntimeException e) {
            first.close();
            throw e;
        }
        tunnel1Endpoint = first;
        opened.add(tunnel1Endpoint);
        opened.add(tunnel2Endpoint);
    }

    private DtlsEndpoint open(InetSocketAddress address, Consumer<PendingHandshake> onVerifiedClient) throws IOException {
        try {
            return DtlsEndpoint.open(address, context.dtls().crypto(), config.dtlsSettings(), onVerifiedClient,
                    () -> fail("the UDP receiver of " + HostPort.format(address) + " stopped"));
        } catch (BindException e) {
            BindException named = new BindException("cannot bind UDP " + HostPort.format(address) + ": " + e.getMessage());
            named.initCause(e);
            throw named;
        }
    }

    private void startGatewayReader() {
        GatewayReader reader = new GatewayReader(context.gateway(), context.addressTable(), context.traffic(),
                () -> fail("the gateway " + context.gateway().name() + " failed"));
        gatewayReader = Thread.ofPlatform().name("seng-gateway-reader").daemon(true).start(reader);
    }

    /**
     * Replaces the cookie secret of both endpoints every {@link #COOKIE_SECRET_LIFETIME}, as RFC 6347
     * section 4.2.1 recommends; a client caught mid-exchange needs one more round trip.
     */
    private void startCookieRotation() {
        cookieRotation = Thread.ofVirtual().name("seng-cookie-rotation").start(() -> {
            try {
                while (!closed) {
                    Thread.sleep(COOKIE_SECRET_LIFETIME);
                    tunnel1Endpoint.rotateCookieSecret();
                    tunnel2Endpoint.rotateCookieSecret();
                    Logger.debug("event=cookie_secret_rotated");
                }
            } catch (InterruptedException e) {
                // The server is stopping.
            }
        });
    }

    private void startTunnel1Session(PendingHandshake pending) {
        startSession(pending, () -> new Tunnel1Session(context, pending).run());
    }

    private void startTunnel2Session(PendingHandshake pending) {
        startSession(pending, () -> new Tunnel2Session(context, pending).run());
    }

    private void startSession(PendingHandshake pending, Runnable session) {
        if (closed) {
            pending.abandon();
            return;
        }
        try {
            sessions.execute(session);
        } catch (RejectedExecutionException e) {
            pending.abandon();
        }
    }

    public InetSocketAddress tunnel1Address() {
        return localAddress(tunnel1Endpoint);
    }

    public InetSocketAddress tunnel2Address() {
        return localAddress(tunnel2Endpoint);
    }

    private static InetSocketAddress localAddress(DtlsEndpoint endpoint) {
        try {
            return endpoint.localAddress();
        } catch (IOException e) {
            throw new IllegalStateException("endpoint is closed", e);
        }
    }

    public TrafficCounters traffic() {
        return context.traffic();
    }

    public HandshakeCounters handshakes() {
        return context.handshakes();
    }

    public EnclaveNetwork network() {
        return config.network();
    }

    public Gateway gateway() {
        return context.gateway();
    }

    /** Returns the application tunnels in their data phase now. */
    public List<ApplicationTunnel> tunnels() {
        return List.copyOf(context.activeTunnels());
    }

    /** Returns how many tunnel #1 clients completed their handshake and wait for their tunnel #2. */
    public int waitingForPairing() {
        return context.pairing().size();
    }

    public DtlsEndpoint tunnel1Endpoint() {
        return tunnel1Endpoint;
    }

    public DtlsEndpoint tunnel2Endpoint() {
        return tunnel2Endpoint;
    }

    /** Returns the application tunnels' end reasons counted so far, such as {@code idle_timeout}. */
    public ReasonCounters tunnelEnds() {
        return context.tunnelEnds();
    }

    /**
     * Blocks until {@link #close} has finished, called by a signal handler or by the server itself.
     *
     * @return null after a requested stop, or what failed if the server stopped itself
     */
    public String awaitStopped() throws InterruptedException {
        stopped.await();
        return failure;
    }

    /** Stops the server because a part it cannot run without has failed. */
    private void fail(String reason) {
        failure = reason;
        Thread.ofPlatform().name("seng-failure-stop").start(this::close);
    }

    @Override
    public void close() {
        close(DEFAULT_SHUTDOWN_GRACE);
    }

    /**
     * Stops the server: no new clients, close_notify on both tunnels of every application tunnel,
     * sessions stopped (their own cleanup frees the addresses), then the sockets, the gateway and
     * the admission policy. Sessions get {@code grace} to end; every step runs even if an earlier
     * one fails, and the failures are thrown together at the end. Idempotent.
     */
    public void close(Duration grace) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        long start = System.nanoTime();
        List<ApplicationTunnel> tunnels = List.copyOf(context.activeTunnels());

        if (cookieRotation != null) {
            cookieRotation.interrupt();
        }
        for (ApplicationTunnel tunnel : tunnels) {
            tunnel.close("server_shutdown");
        }
        sessions.shutdownNow();
        boolean sessionsEnded = awaitSessions(grace);

        RuntimeException failures = new RuntimeException("server shutdown failed");
        for (AutoCloseable resource : opened.reversed()) {
            try {
                resource.close();
            } catch (Exception e) {
                failures.addSuppressed(e);
            }
        }
        joinGatewayReader();

        Logger.info("event=server_stopped tunnels_closed={} sessions_ended={} duration_ms={} failure={}",
                tunnels.size(), sessionsEnded, (System.nanoTime() - start) / 1_000_000,
                failure == null ? "-" : "\"" + failure + "\"");
        stopped.countDown();
        if (failures.getSuppressed().length > 0) {
            throw failures;
        }
    }

    private boolean awaitSessions(Duration grace) {
        try {
            if (sessions.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                return true;
            }
            Logger.warn("event=shutdown_slow detail=\"client sessions still running after {} ms; closing sockets under them\"",
                    grace.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private void joinGatewayReader() {
        if (gatewayReader == null || gatewayReader == Thread.currentThread()) {
            return;
        }
        try {
            gatewayReader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
