package seng.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import seng.dtls.ServerCredentials;

class ServerCommandTest {
    @TempDir
    static Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    static Stream<Arguments> wrongUsage() {
        return Stream.of(
                Arguments.of(new String[]{}, "expected <tunnel_ipv4> <tunnel_port>"),
                Arguments.of(new String[]{"127.0.0.1"}, "got 1 argument"),
                Arguments.of(new String[]{"bogus-command"}, "unknown command 'bogus-command': the commands are demo,"),
                Arguments.of(new String[]{"--bogus", "127.0.0.1", "12345"}, "Unrecognized option: --bogus"),
                Arguments.of(new String[]{"300.1.1.1", "12345"}, "invalid <tunnel_ipv4>"),
                Arguments.of(new String[]{"localhost", "12345"}, "invalid <tunnel_ipv4>"),
                Arguments.of(new String[]{"127.0.0.1", "65535"}, "tunnel #2 uses the next port"),
                Arguments.of(new String[]{"127.0.0.1", "http"}, "not a number"),
                Arguments.of(new String[]{"-cert", "server.pem", "127.0.0.1", "12345"}, "-cert and -key go together"),
                Arguments.of(new String[]{"--pairing-timeout", "soon", "127.0.0.1", "12345"}, "not a whole number"),
                Arguments.of(new String[]{"--pairing-timeout", "0", "127.0.0.1", "12345"}, "at least 1"),
                Arguments.of(new String[]{"--tun-address", "192.168.28.1", "127.0.0.1", "12345"}, "CIDR"),
                Arguments.of(new String[]{"--accept-quote-status", "MAYBE", "127.0.0.1", "12345"}, "MAYBE"),
                Arguments.of(new String[]{"--enclave-subnet", "10.0.0.5/16", "127.0.0.1", "12345"}, "host bits are set"),
                Arguments.of(new String[]{"--enclave-subnet", "224.0.0.0/8", "127.0.0.1", "12345"}, "not unicast"),
                Arguments.of(new String[]{"--handshake-timeout", "2147484", "127.0.0.1", "12345"}, "at most 600 seconds"),
                Arguments.of(new String[]{"--accept-quote-status", ",,", "127.0.0.1", "12345"}, "at least one quote status"),
                Arguments.of(new String[]{"--test-mode", "-cert", "x.pem"}, "does not apply to --test-mode"),
                Arguments.of(new String[]{"--enclave-subnet", "10.0.0.0/31", "127.0.0.1", "12345"}, "/8 to /30"),
                Arguments.of(new String[]{"--enclave-subnet", "10.0.0.0/16", "-db", "x.db", "127.0.0.1", "12345"},
                        "exclude each other"));
    }

    @ParameterizedTest
    @MethodSource("wrongUsage")
    void wrongUsageExitsWithTwo(String[] args, String message) {
        assertThat(run(args)).isEqualTo(Main.EXIT_USAGE);
        assertThat(err()).contains(message).contains("usage: seng-gateway");
    }

    @Test
    void missingCertificateFileIsNamed() {
        Path missing = dir.resolve("missing-cert.pem");

        assertThat(run("-cert", missing.toString(), "-key", missing.toString(), "127.0.0.1", "12345"))
                .isEqualTo(Main.EXIT_FAILURE);
        assertThat(err()).contains(missing.toString()).contains("not found").doesNotContain("Exception");
    }

    @Test
    void keyOfAnotherCertificateIsRefused() throws Exception {
        Path certificate = dir.resolve("a-cert.pem");
        Path key = dir.resolve("b-key.pem");
        ServerCredentials.generateSelfSigned("a", Duration.ofDays(1)).writePem(certificate, dir.resolve("a-key.pem"));
        ServerCredentials.generateSelfSigned("b", Duration.ofDays(1)).writePem(dir.resolve("b-cert.pem"), key);

        assertThat(run("-cert", certificate.toString(), "-key", key.toString(), "127.0.0.1", "12345"))
                .isEqualTo(Main.EXIT_FAILURE);
        assertThat(err()).contains(key.toString()).contains("does not belong");
    }

    @Test
    void garbageKeyFileIsRefused() throws Exception {
        Path certificate = dir.resolve("c-cert.pem");
        Path key = dir.resolve("garbage-key.pem");
        ServerCredentials.generateSelfSigned("c", Duration.ofDays(1)).writePem(certificate, dir.resolve("c-key.pem"));
        Files.writeString(key, "this is not a key\n");

        assertThat(run("-cert", certificate.toString(), "-key", key.toString(), "127.0.0.1", "12345"))
                .isEqualTo(Main.EXIT_FAILURE);
        assertThat(err()).contains(key.toString());
    }

    @Test
    void weakRsaServerKeyIsRefused() throws Exception {
        java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
        generator.initialize(1024);
        java.security.KeyPair keyPair = generator.generateKeyPair();
        Path certificate = dir.resolve("rsa1024-cert.pem");
        var holder = new org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder(
                new org.bouncycastle.asn1.x500.X500Name("CN=weak"), java.math.BigInteger.ONE,
                new java.util.Date(), new java.util.Date(System.currentTimeMillis() + 86_400_000L),
                new org.bouncycastle.asn1.x500.X500Name("CN=weak"), keyPair.getPublic())
                .build(new org.bouncycastle.operator.jcajce.JcaContentSignerBuilder("SHA256withRSA").build(keyPair.getPrivate()));
        java.io.StringWriter text = new java.io.StringWriter();
        try (var writer = new org.bouncycastle.openssl.jcajce.JcaPEMWriter(text)) {
            writer.writeObject(holder);
        }
        Files.writeString(certificate, text.toString());

        assertThat(run("-cert", certificate.toString(), "-key", certificate.toString(), "127.0.0.1", "12345"))
                .isEqualTo(Main.EXIT_FAILURE);
        assertThat(err()).contains("RSA key of 1024 bits is too weak");
    }

    @Test
    void unreadableIasRootIsNamed() {
        Path missing = dir.resolve("no-root.pem");

        assertThat(run("--loopback", "--ias-root-ca", missing.toString(), "127.0.0.1", "12345"))
                .isEqualTo(Main.EXIT_FAILURE);
        assertThat(err()).contains(missing.toString());
    }

    @Test
    void unimplementedFeatureFlagsAreRefused() {
        assertThat(run("-netfilter", "127.0.0.1", "12345")).isEqualTo(Main.EXIT_FAILURE);
        assertThat(err()).contains("-netfilter is not supported yet");
    }

    @Test
    void helpListsGoServerFlags() {
        assertThat(run("--help")).isEqualTo(Main.EXIT_OK);
        assertThat(out()).contains("--cert", "--key", "--db", "--ias-root-ca", "--loopback", "--tun", "--pairing-timeout")
                .contains("single dash");
    }

    @Test
    void singleDashLongOptionIsAccepted() {
        Path missing = dir.resolve("single-dash.pem");

        assertThat(run("-ias-root-ca", missing.toString(), "-loopback", "127.0.0.1", "12345")).isEqualTo(Main.EXIT_FAILURE);
        assertThat(err()).contains(missing.toString());
    }

    private int run(String... args) {
        return new ServerCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
