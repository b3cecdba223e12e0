package seng.ops;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;

import org.tinylog.Logger;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import seng.ip.HostPort;
import seng.server.GatewayServer;

/**
 * The local status endpoint of a running server, on the JDK's built-in HTTP server: Prometheus
 * metrics at {@code /metrics}, a JSON report of the application tunnels at {@code /status} and a
 * liveness check at {@code /healthz}. It has no authentication, so it listens on a loopback
 * address unless remote access is asked for explicitly.
 *
 * <p>Each request runs on its own virtual thread and only reads counters, so scrapes do not slow
 * the tunnels.
 */
public final class StatusServer implements AutoCloseable {
    public static final int DEFAULT_PORT = 9145;

    private static final int STOP_GRACE_SECONDS = 1;
    private static final String TEXT = "text/plain; charset=utf-8";
    private static final String JSON = "application/json; charset=utf-8";
    private static final Pattern IPV4_LITERAL = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6_LITERAL = Pattern.compile("\\[[0-9A-Fa-f:.]+]");
    private static final String INDEX = """
            SENG gateway status endpoint
              /metrics  Prometheus metrics (text format 0.0.4)
              /status   application tunnels as JSON
              /healthz  liveness check
            """;

    private final HttpServer http;
    private final ExecutorService executor;
    private final GatewayServer server;
    private final Settings settings;
    private final Instant processStart;
    private final AtomicBoolean failureReported = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * The address of the endpoint and whether it may be a non-loopback one.
     *
     * @param address the TCP address, or null when the endpoint is turned off
     * @param remoteAllowed whether a non-loopback address is allowed
     */
    public record Settings(InetSocketAddress address, boolean remoteAllowed) {
        public static final Settings DEFAULT =
                new Settings(new InetSocketAddress(InetAddress.getLoopbackAddress(), DEFAULT_PORT), false);
        public static final Settings OFF = new Settings(null, false);

        /**
         * Checks the address.
         *
         * @throws IllegalArgumentException if the address is unresolved, or not a loopback address
         *     while remote access is not allowed
         */
        public Settings {
            if (address != null && address.isUnresolved()) {
                throw new IllegalArgumentException("the status endpoint address " + address + " is not resolved");
            }
            if (address != null && !remoteAllowed && !address.getAddress().isLoopbackAddress()) {
                throw new IllegalArgumentException("the status endpoint would listen on " + HostPort.format(address)
                        + ", which is not a loopback address. It has no authentication, so it listens on loopback"
                        + " only unless --status-allow-remote is given");
            }
        }

        /**
         * Parses the {@code --status-listen} value.
         *
         * @param listen {@code HOST:PORT}, {@code off}, or null for the default 127.0.0.1:9145
         * @throws IllegalArgumentException if the value is invalid or names a non-loopback
         *     address while remote access is not allowed
         */
        public static Settings parse(String listen, boolean remoteAllowed) {
            if (listen == null) {
                return remoteAllowed ? new Settings(DEFAULT.address(), true) : DEFAULT;
            }
            if (listen.equals("off")) {
                return OFF;
            }
            return new Settings(ListenAddress.parse(listen), remoteAllowed);
        }

        public boolean enabled() {
            return address != null;
        }
    }

    private StatusServer(HttpServer http, ExecutorService executor, GatewayServer server, Settings settings) {
        this.http = http;
        this.executor = executor;
        this.server = server;
        this.settings = settings;
        this.processStart = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());
    }

    /**
     * Starts the endpoint for a running server. With the endpoint turned off it returns a status
     * server that listens nowhere and whose {@link #close} does nothing.
     *
     * @throws IOException if the address cannot be bound; the message names the options that
     *     choose another address or turn the endpoint off
     */
    /**
     * Bounds what slow or many clients can hold, through the JDK HTTP server's own settings: at
     * most 64 connections, 10 s to send a request, 100 header lines. Without them, clients that
     * trickle header lines keep a file descriptor each until the process runs out. The settings
     * are read once, when the first HTTP server is created; a value given with -D wins.
     */
    private static void limitConnections() {
        setIfAbsent("jdk.httpserver.maxConnections", "64");
        setIfAbsent("sun.net.httpserver.maxReqTime", "10");
        setIfAbsent("sun.net.httpserver.maxReqHeaders", "100");
    }

    private static void setIfAbsent(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    public static StatusServer start(Settings settings, GatewayServer server) throws IOException {
        if (!settings.enabled()) {
            Logger.info("event=status_endpoint_disabled");
            return new StatusServer(null, null, server, settings);
        }
        limitConnections();
        HttpServer http;
        try {
            http = HttpServer.create(settings.address(), 0);
        } catch (IOException e) {
            BindException named = new BindException("cannot listen on " + HostPort.format(settings.address())
                    + " for the status endpoint: " + e.getMessage() + ". Choose another address with --status-listen"
                    + " HOST:PORT, or turn the endpoint off with --status-listen off");
            named.initCause(e);
            throw named;
        }
        ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofVirtual().name("seng-status-", 0).factory());
        StatusServer status = new StatusServer(http, executor, server, settings);
        http.createContext("/", status::handle);
        http.setExecutor(executor);
        http.start();

        InetSocketAddress bound = status.address();
        if (bound.getAddress().isLoopbackAddress()) {
            Logger.info("event=status_endpoint_started address={} paths=/metrics,/status,/healthz",
                    HostPort.format(bound));
        } else {
            Logger.warn("event=status_endpoint_started address={} paths=/metrics,/status,/healthz"
                    + " detail=\"not a loopback address and no authentication: restrict access with a firewall\"",
                    HostPort.format(bound));
        }
        return status;
    }

    /** Returns the bound address, with the actual port when port 0 was asked for, or null when turned off. */
    public InetSocketAddress address() {
        return http == null ? null : http.getAddress();
    }

    /** Stops accepting requests, waits up to a second for running ones, then frees the port. Idempotent. */
    @Override
    public void close() {
        if (http == null || !closed.compareAndSet(false, true)) {
            return;
        }
        InetSocketAddress bound = address();
        http.stop(STOP_GRACE_SECONDS);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
                Logger.warn("event=status_endpoint_slow_stop detail=\"requests still running after {} s\"",
                        STOP_GRACE_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Logger.info("event=status_endpoint_stopped address={}", HostPort.format(bound));
    }

    private void handle(HttpExchange exchange) {
        try (exchange) {
            int status = respond(exchange);
            Logger.debug("event=status_request method={} path={} status={} client={}", exchange.getRequestMethod(),
                    exchange.getRequestURI().getRawPath(), status, HostPort.format(exchange.getRemoteAddress()));
        } catch (IOException e) {
            Logger.debug(e, "event=status_request_aborted client={}", HostPort.format(exchange.getRemoteAddress()));
        }
    }

    private int respond(HttpExchange exchange) throws IOException {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (!settings.remoteAllowed() && !isIpLiteralOrLocalhost(host)) {
            // A browser tricked by DNS rebinding sends the attacker's host name: reject it.
            return send(exchange, 403, TEXT, "Host '" + host + "' is not an IP address or localhost; the status"
                    + " endpoint rejects other host names\n");
        }
        String path = exchange.getRequestURI().getPath();
        if (!path.equals("/") && !path.equals("/metrics") && !path.equals("/status") && !path.equals("/healthz")) {
            return send(exchange, 404, TEXT, "not found: " + path + "\n" + INDEX);
        }
        String method = exchange.getRequestMethod();
        if (!method.equals("GET") && !method.equals("HEAD")) {
            exchange.getResponseHeaders().set("Allow", "GET, HEAD");
            return send(exchange, 405, TEXT, "method " + method + " is not allowed; use GET\n");
        }

        String contentType;
        String body;
        try {
            switch (path) {
                case "/metrics" -> {
                    contentType = PrometheusText.CONTENT_TYPE;
                    body = ServerMetrics.render(server, processStart);
                }
                case "/status" -> {
                    contentType = JSON;
                    body = StatusReport.of(server, processStart, Instant.now()).toJson() + "\n";
                }
                case "/healthz" -> {
                    contentType = TEXT;
                    body = "ok\n";
                }
                default -> {
                    contentType = TEXT;
                    body = INDEX;
                }
            }
        } catch (RuntimeException e) {
            reportFailure(path, e);
            return send(exchange, 500, TEXT, "cannot render " + path + ": " + e + "\n");
        }
        return send(exchange, 200, contentType, body);
    }

    /** Logs the first failure at WARN and later ones at DEBUG, so a broken page cannot flood the log. */
    private void reportFailure(String path, RuntimeException e) {
        if (failureReported.compareAndSet(false, true)) {
            Logger.warn(e, "event=status_render_failed path={} note=\"further failures are logged at debug\"", path);
        } else {
            Logger.debug(e, "event=status_render_failed path={}", path);
        }
    }

    private static int send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(status, -1);
            return status;
        }
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
        return status;
    }

    /**
     * Checks a Host header: an IPv4 or bracketed IPv6 literal or {@code localhost}, with an
     * optional port. A request without the header passes, because a browser always sends one.
     */
    static boolean isIpLiteralOrLocalhost(String hostHeader) {
        if (hostHeader == null) {
            return true;
        }
        String host = hostHeader.trim();
        int portColon = host.lastIndexOf(':');
        if (portColon > host.lastIndexOf(']')) {
            host = host.substring(0, portColon);
        }
        return host.equalsIgnoreCase("localhost") || IPV4_LITERAL.matcher(host).matches()
                || IPV6_LITERAL.matcher(host).matches();
    }
}
