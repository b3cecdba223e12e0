package seng.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import seng.client.TestIasAuthority;
import seng.dtls.ServerCredentials;
import seng.ip.Ipv4Address;
import seng.pool.AddressPool;
import seng.pool.EnclaveNetwork;

/**
 * The files of the loopback test mode, kept in one directory so that a server and simulated
 * enclaves started separately (demo, load generator) share them: the server's key and
 * certificate, and a test IAS authority the enclaves sign their reports with.
 */
record TestEnvironment(Path dir, ServerCredentials credentials, TestIasAuthority authority, PrintStream out) {
    /** The test directory of the server, the demo and the load generator when none is given. */
    static final String DEFAULT_DIR = "seng-test";

    static final String SERVER_CERTIFICATE = "server-cert.pem";
    static final String SERVER_KEY = "server-key.pem";

    /** Loads the directory's files, generating the ones that are missing. */
    static TestEnvironment prepare(Path dir, PrintStream out) throws ServerCommand.ConfigException {
        try {
            Files.createDirectories(dir);
            return new TestEnvironment(dir, serverCredentials(dir, out), authority(dir, out), out);
        } catch (IOException e) {
            throw new ServerCommand.ConfigException("cannot use test directory " + dir + ": " + describe(e));
        }
    }

    /** Names the failure: file system exceptions often carry nothing but the path as their message. */
    private static String describe(IOException e) {
        return switch (e) {
            case java.nio.file.FileAlreadyExistsException exists -> exists.getFile() + " exists and is not a directory";
            case java.nio.file.AccessDeniedException denied -> "permission denied on " + denied.getFile();
            case java.nio.file.NoSuchFileException missing -> missing.getFile() + " does not exist";
            case java.nio.file.FileSystemException other -> other.getFile() + ": "
                    + (other.getReason() != null ? other.getReason() : other.getClass().getSimpleName());
            default -> e.getMessage();
        };
    }

    private static ServerCredentials serverCredentials(Path dir, PrintStream out)
            throws IOException, ServerCommand.ConfigException {
        Path certificate = dir.resolve(SERVER_CERTIFICATE);
        Path key = dir.resolve(SERVER_KEY);
        if (Files.exists(certificate) && Files.exists(key)) {
            try {
                return ServerCredentials.load(certificate, key);
            } catch (ServerCredentials.CredentialsException e) {
                throw new ServerCommand.ConfigException(e.getMessage() + " (delete the file to generate a new one)");
            }
        }
        ServerCredentials generated = ServerCredentials.generateSelfSigned("SENG gateway test mode", Duration.ofDays(3650));
        generated.writePem(certificate, key);
        out.println("generated server certificate " + certificate + " (secp384r1, self-signed)");
        return generated;
    }

    private static TestIasAuthority authority(Path dir, PrintStream out) throws IOException {
        if (Files.exists(dir.resolve(TestIasAuthority.ROOT_CERTIFICATE_FILE))) {
            return TestIasAuthority.readFrom(dir);
        }
        TestIasAuthority authority = TestIasAuthority.generate();
        authority.writeTo(dir);
        out.println("generated test IAS root CA " + dir.resolve(TestIasAuthority.ROOT_CERTIFICATE_FILE)
                + " and its report signing key");
        return authority;
    }

    void printSummary(InetSocketAddress tunnelAddress, EnclaveNetwork network) {
        out.println("SENG gateway loopback test mode");
        out.println("  tunnel #1             udp " + tunnelAddress.getAddress().getHostAddress() + ":" + tunnelAddress.getPort());
        out.println("  tunnel #2             udp " + tunnelAddress.getAddress().getHostAddress() + ":" + (tunnelAddress.getPort() + 1));
        out.println("  server certificate    " + dir.resolve(SERVER_CERTIFICATE) + "  SHA-256 " + credentials.fingerprint());
        out.println("  trust anchor          " + dir.resolve(TestIasAuthority.ROOT_CERTIFICATE_FILE)
                + "  (test IAS root CA, not Intel's: only simulated enclaves pass)");
        for (AddressPool pool : network.pools()) {
            out.println("  enclave subnetwork    " + pool.subnet() + "  gateway " + Ipv4Address.format(pool.subnet().gateway())
                    + "  (" + pool.subnet().capacity() + " addresses)");
        }
        out.println("  gateway               in-process loopback: answers ping to the gateway address, routes between enclaves");
        // The demo reads the server's certificate and test IAS key from ./seng-test unless --test-dir names another directory.
        String testDirOption = dir.equals(Path.of(DEFAULT_DIR)) ? "" : " --test-dir " + dir;
        out.println("Try it from another terminal: ./run.sh demo --server " + tunnelAddress.getAddress().getHostAddress()
                + ":" + tunnelAddress.getPort() + testDirOption);
        out.flush();
    }
}
