package seng.bench.jmh;

import java.io.IOException;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.crypto.util.PrivateKeyFactory;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.tls.Certificate;
import org.bouncycastle.tls.CipherSuite;
import org.bouncycastle.tls.DTLSClientProtocol;
import org.bouncycastle.tls.DTLSServerProtocol;
import org.bouncycastle.tls.DTLSTransport;
import org.bouncycastle.tls.DefaultTlsClient;
import org.bouncycastle.tls.DefaultTlsServer;
import org.bouncycastle.tls.HashAlgorithm;
import org.bouncycastle.tls.ProtocolVersion;
import org.bouncycastle.tls.ServerOnlyTlsAuthentication;
import org.bouncycastle.tls.SignatureAlgorithm;
import org.bouncycastle.tls.SignatureAndHashAlgorithm;
import org.bouncycastle.tls.TlsAuthentication;
import org.bouncycastle.tls.TlsCredentialedSigner;
import org.bouncycastle.tls.TlsServerCertificate;
import org.bouncycastle.tls.crypto.TlsCertificate;
import org.bouncycastle.tls.crypto.TlsCrypto;
import org.bouncycastle.tls.crypto.TlsCryptoParameters;
import org.bouncycastle.tls.crypto.impl.bc.BcDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.bc.BcTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaDefaultTlsCredentialedSigner;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCrypto;
import org.bouncycastle.tls.crypto.impl.jcajce.JcaTlsCryptoProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import seng.dtls.DtlsServerConfig;
import seng.dtls.DtlsSettings;
import seng.dtls.ServerCredentials;

/**
 * One DTLS 1.2 application record through Bouncy Castle: {@code send} encrypts it on one side,
 * {@code receive} decrypts it on the other, over an in-memory link. Both sides negotiate
 * TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, the suite the server picks for its EC certificate.
 * {@code crypto=jca} uses the crypto object the server itself creates
 * ({@link DtlsServerConfig#create}); {@code crypto=bc} uses Bouncy Castle's pure-Java backend
 * for comparison. The setup prints which AES-GCM implementation each side ended up with.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--enable-preview", "-Xmx1g"})
public class DtlsRecordBenchmark {
    private static final int WAIT_MILLIS = 1000;

    /**
     * The crypto backend: "seng" is the server's own (the JDK's AES-GCM without Bouncy Castle's
     * per-record parameter lookup), "jca" Bouncy Castle's stock JCA backend, "bc" its pure-Java one.
     */
    @Param({"seng", "jca", "bc"})
    public String crypto;

    /** Plaintext bytes per record: a small packet, and a full tunnel packet under a 1500-byte MTU. */
    @Param({"64", "1400"})
    public int size;

    private DTLSTransport client;
    private DTLSTransport server;
    private final byte[] plaintext = new byte[1500];
    private final byte[] buffer = new byte[2048];

    @Setup
    public void handshake() throws Exception {
        TlsCrypto clientCrypto = createCrypto();
        TlsCrypto serverCrypto = createCrypto();
        MemoryDatagramTransport[] link = MemoryDatagramTransport.pair();
        KeyPair keys = generateKeys();
        byte[] certificate = selfSigned(keys);

        try (ExecutorService executor = Executors.newSingleThreadExecutor()) {
            Future<DTLSTransport> accepted = executor.submit(() -> new DTLSServerProtocol()
                    .accept(new BenchServer(serverCrypto, keys, certificate), link[1]));
            client = new DTLSClientProtocol().connect(new BenchClient(clientCrypto), link[0]);
            server = accepted.get(30, TimeUnit.SECONDS);
        }
        new SecureRandom().nextBytes(plaintext);
        System.out.println();
        System.out.println("crypto=" + crypto + " server AES-GCM: " + CipherInspector.describe(server));
        System.out.println("crypto=" + crypto + " client AES-GCM: " + CipherInspector.describe(client));
        System.out.println("HotSpot: " + CipherInspector.aesIntrinsics());
    }

    @TearDown
    public void close() throws IOException {
        client.close();
        server.close();
    }

    private TlsCrypto createCrypto() {
        return switch (crypto) {
            case "bc" -> new BcTlsCrypto(new SecureRandom());
            case "jca" -> new JcaTlsCryptoProvider().create(new SecureRandom());
            default -> {
                ServerCredentials unused = ServerCredentials.generateSelfSigned("bench", Duration.ofDays(1));
                yield DtlsServerConfig.create(unused, DtlsSettings.DEFAULTS).crypto();
            }
        };
    }

    /** Enclave to gateway: the client encrypts, the server decrypts. */
    @Benchmark
    public int clientToServer() throws IOException {
        client.send(plaintext, 0, size);
        return server.receive(buffer, 0, buffer.length, WAIT_MILLIS);
    }

    /** Gateway to enclave: the server encrypts, the client decrypts. */
    @Benchmark
    public int serverToClient() throws IOException {
        server.send(plaintext, 0, size);
        return client.receive(buffer, 0, buffer.length, WAIT_MILLIS);
    }

    private static KeyPair generateKeys() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }

    private static byte[] selfSigned(KeyPair keys) throws Exception {
        X500Name name = new X500Name("CN=DTLS record benchmark");
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(name, BigInteger.ONE, Date.from(now.minusSeconds(60)),
                Date.from(now.plusSeconds(86_400)), name, keys.getPublic())
                .build(new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))
                .getEncoded();
    }

    private static final class BenchServer extends DefaultTlsServer {
        private final KeyPair keys;
        private final byte[] certificate;

        BenchServer(TlsCrypto crypto, KeyPair keys, byte[] certificate) {
            super(crypto);
            this.keys = keys;
            this.certificate = certificate;
        }

        @Override
        public ProtocolVersion[] getProtocolVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[]{CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
        }

        @Override
        protected TlsCredentialedSigner getECDSASignerCredentials() throws IOException {
            TlsCertificate tlsCertificate = getCrypto().createCertificate(certificate);
            Certificate chain = new Certificate(new TlsCertificate[]{tlsCertificate});
            SignatureAndHashAlgorithm algorithm = SignatureAndHashAlgorithm.getInstance(HashAlgorithm.sha256,
                    SignatureAlgorithm.ecdsa);
            TlsCryptoParameters parameters = new TlsCryptoParameters(context);
            if (getCrypto() instanceof JcaTlsCrypto jca) {
                return new JcaDefaultTlsCredentialedSigner(parameters, jca, keys.getPrivate(), chain, algorithm);
            }
            return new BcDefaultTlsCredentialedSigner(parameters, (BcTlsCrypto) getCrypto(),
                    PrivateKeyFactory.createKey(keys.getPrivate().getEncoded()), chain, algorithm);
        }
    }

    private static final class BenchClient extends DefaultTlsClient {
        BenchClient(TlsCrypto crypto) {
            super(crypto);
        }

        @Override
        public ProtocolVersion[] getProtocolVersions() {
            return ProtocolVersion.DTLSv12.only();
        }

        @Override
        protected int[] getSupportedCipherSuites() {
            return new int[]{CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256};
        }

        @Override
        public TlsAuthentication getAuthentication() {
            return new ServerOnlyTlsAuthentication() {
                @Override
                public void notifyServerCertificate(TlsServerCertificate serverCertificate) {
                    // The benchmark measures records; the certificate is its own and is not checked.
                }
            };
        }
    }
}
