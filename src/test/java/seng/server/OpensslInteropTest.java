package seng.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import seng.client.RaTlsCredentials;
import seng.Await;


/**
 * Interoperability with a DTLS stack that is not Bouncy Castle: OpenSSL's s_client presents an
 * RA-TLS certificate, completes the handshake and receives the IpAssignment record, once as a
 * current client and once configured like the OpenSSL 1.0.2 in the SENG Runtime (no Extended
 * Master Secret, no X25519).
 */
class OpensslInteropTest {
    /**
     * The end of every IpAssignment of the default subnetwork: netmask 255.255.255.0 (field 2) and
     * gateway 192.168.28.1 (field 3). The address in field 1 depends on which stripe of the pool
     * the client's port picks.
     */
    private static final byte[] ASSIGNMENT_TAIL = HexFormat.of().parseHex("10ffffff0718c0d1f208");
    /** Field 1 of an address in 192.168.28.0/24: tag 08, then the varint of 0x..1CA8C0. */
    private static final byte[] ASSIGNMENT_HEAD = HexFormat.of().parseHex("08c0d1");

    @TempDir
    static Path dir;

    @BeforeAll
    static void requireOpenssl() throws InterruptedException {
        boolean available;
        try {
            available = new ProcessBuilder("openssl", "version").start().waitFor(10, TimeUnit.SECONDS);
        } catch (IOException e) {
            available = false;
        }
        if (!available) {
            System.err.println("OpensslInteropTest skipped: the openssl command is not installed");
        }
        Assumptions.assumeTrue(available, "the openssl command is not installed");
    }

    @Test
    void currentOpensslClientReceivesAssignment() throws Exception {
        List<Byte> output = runClient(List.of(), null);

        assertThat(output).containsSubsequence(toList(ASSIGNMENT_HEAD));
        assertThat(output).containsSubsequence(toList(ASSIGNMENT_TAIL));
    }

    @Test
    void legacyConfiguredClientReceivesAssignment() throws Exception {
        Path config = dir.resolve("no-ems.cnf");
        Files.writeString(config, """
                openssl_conf = openssl_init
                [openssl_init]
                ssl_conf = ssl_section
                [ssl_section]
                system_default = system_default_section
                [system_default_section]
                Options = -ExtendedMasterSecret
                """);

        List<Byte> output = runClient(List.of("-curves", "P-384"), config);

        assertThat(output).containsSubsequence(toList(ASSIGNMENT_HEAD));
        assertThat(output).containsSubsequence(toList(ASSIGNMENT_TAIL));
    }

    /** Runs s_client against a fresh server until it printed the assignment or 15 s passed, and returns its output. */
    private static List<Byte> runClient(List<String> extraArguments, Path opensslConfig) throws Exception {
        RaTlsCredentials credentials = LoopbackServer.enclaveCredentials();
        Path certificate = dir.resolve("client-cert-" + System.nanoTime() + ".pem");
        Path key = dir.resolve("client-key-" + System.nanoTime() + ".pem");
        Files.writeString(certificate, pem(credentials.certificate()));
        Files.writeString(key, pem(new JcaPKCS8Generator(credentials.keyPair().getPrivate(), null)));

        try (LoopbackServer loopback = LoopbackServer.start()) {
            List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-dtls1_2", "-quiet",
                    "-connect", "127.0.0.1:" + loopback.address().getPort(), "-mtu", "1500",
                    "-cert", certificate.toString(), "-key", key.toString(),
                    "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256"));
            command.addAll(extraArguments);
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(false);
            if (opensslConfig != null) {
                builder.environment().put("OPENSSL_CONF", opensslConfig.toString());
            }
            Process client = builder.start();
            try {
                byte[] output = readUntil(client.getInputStream(), ASSIGNMENT_TAIL, 15_000);
                Await.until(() -> loopback.server.handshakes().count(1, "admitted") == 1);
                return toList(output);
            } finally {
                client.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static byte[] readUntil(InputStream input, byte[] expected, long timeoutMillis) throws Exception {
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        long deadline = System.currentTimeMillis() + timeoutMillis;
        byte[] chunk = new byte[4096];
        while (System.currentTimeMillis() < deadline && !contains(output.toByteArray(), expected)) {
            if (input.available() > 0) {
                int read = input.read(chunk);
                if (read < 0) {
                    break;
                }
                output.write(chunk, 0, read);
            } else {
                Thread.sleep(20);
            }
        }
        return output.toByteArray();
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int start = 0; start + needle.length <= haystack.length; start++) {
            for (int index = 0; index < needle.length; index++) {
                if (haystack[start + index] != needle[index]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    private static List<Byte> toList(byte[] bytes) {
        List<Byte> list = new ArrayList<>(bytes.length);
        for (byte value : bytes) {
            list.add(value);
        }
        return list;
    }

    private static String pem(Object object) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            writer.writeObject(object);
        }
        return text.toString();
    }
}
