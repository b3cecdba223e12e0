package seng.ops;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import seng.ip.HostPort;

/** Fetches the {@code /status} report of a running server from its status endpoint. */
public final class StatusClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

    private final InetSocketAddress address;

    public StatusClient(InetSocketAddress address) {
        this.address = address;
    }

    /**
     * Fetches the report as the JSON text the server sent.
     *
     * @throws IOException if the connection fails or times out, or the server returns an HTTP
     *     error; the message names the cause for the operator
     */
    public String fetchJson() throws IOException {
        String where = HostPort.format(address);
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + where + "/status"))
                .timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .GET()
                .build();
        try (HttpClient client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .proxy(HttpClient.Builder.NO_PROXY)
                .build()) {
            HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() != 200) {
                throw new IOException("the status endpoint on " + where + " returned HTTP " + response.statusCode()
                        + ": " + response.body().lines().findFirst().orElse("(no message)"));
            }
            return response.body();
        } catch (ConnectException e) {
            throw new IOException("no server answers on " + where + "; is it running, and with which --status-listen?", e);
        } catch (HttpConnectTimeoutException e) {
            throw new IOException("connecting to " + where + " timed out after " + CONNECT_TIMEOUT.toSeconds()
                    + " s; is --status-listen the address the server listens on?", e);
        } catch (HttpTimeoutException e) {
            throw new IOException("the status endpoint on " + where + " did not respond within "
                    + REQUEST_TIMEOUT.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for " + where);
        }
    }

    /**
     * Fetches and parses the report.
     *
     * @throws IOException as {@link #fetchJson}, or if the response is not a status report
     */
    public StatusReport fetch() throws IOException {
        String json = fetchJson();
        try {
            return StatusReport.fromJson(json);
        } catch (IllegalArgumentException e) {
            throw new IOException("the server on " + HostPort.format(address) + " sent " + e.getMessage(), e);
        }
    }
}
