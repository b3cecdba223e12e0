package seng.server;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.cert.CertificateEncodingException;
import java.time.Clock;
import java.time.Duration;
import java.util.function.UnaryOperator;

import seng.attest.TrustPolicy;
import seng.client.ClientOptions;
import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.RaTlsCredentials;
import seng.client.SimulatedEnclave;
import seng.client.TestIasAuthority;
import seng.dtls.DtlsSettings;
import seng.dtls.ServerCredentials;
import seng.gateway.LoopbackGateway;
import seng.pool.EnclaveNetwork;
import seng.tunnel.TunnelSettings;
import seng.Await;


/** A real server on loopback UDP with the in-process gateway and a test IAS authority, for end-to-end tests. */
public final class LoopbackServer implements AutoCloseable {
    public static final TestIasAuthority AUTHORITY = TestIasAuthority.generate();
    static final ServerCredentials CREDENTIALS = ServerCredentials.generateSelfSigned("SENG test server", Duration.ofDays(1));

    public final GatewayServer server;

    private LoopbackServer(GatewayServer server) {
        this.server = server;
    }

    public static LoopbackServer start() throws IOException {
        return start(UnaryOperator.identity());
    }

    public static LoopbackServer start(UnaryOperator<ServerConfig> customize) throws IOException {
        return new LoopbackServer(GatewayServer.start(customize.apply(defaultConfig())));
    }

    static ServerConfig defaultConfig() {
        return new ServerConfig(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), CREDENTIALS,
                TrustPolicy.builder(AUTHORITY.rootCertificate()).build(), EnclaveNetwork.withDefaultSubnet(), null,
                network -> new LoopbackGateway(network::isGatewayAddress, network::isEnclaveAddress, 1432),
                DtlsSettings.DEFAULTS.withHandshakeTimeout(Duration.ofSeconds(10)), TunnelSettings.DEFAULTS,
                Duration.ofSeconds(10), Clock.systemUTC());
    }

    static RaTlsCredentials enclaveCredentials() {
        return new RaTlsCertificateBuilder(AUTHORITY, EnclaveIdentity.random()).build();
    }

    static ClientOptions clientOptions() {
        try {
            return ClientOptions.defaults().withPinnedServerCertificate(CREDENTIALS.certificate().getEncoded());
        } catch (CertificateEncodingException e) {
            throw new IllegalStateException(e);
        }
    }

    InetSocketAddress address() {
        return server.tunnel1Address();
    }

    public SimulatedEnclave connect() throws IOException {
        return connect(enclaveCredentials());
    }

    /**
     * Connects an enclave and waits until the server has its tunnel in the data phase, so packets
     * sent to it right away are not dropped as having no tunnel yet.
     */
    public SimulatedEnclave connect(RaTlsCredentials credentials) throws IOException {
        SimulatedEnclave enclave = SimulatedEnclave.connect(address(), credentials.keyPair().getPrivate(),
                credentials.certificateDer(), clientOptions());
        try {
            Await.until(() -> server.tunnels().stream()
                    .anyMatch(tunnel -> tunnel.info().enclaveAddress() == enclave.address()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return enclave;
    }

    int freeAddresses() {
        return server.network().pools().getFirst().freeCount();
    }

    @Override
    public void close() {
        server.close();
    }
}
