package seng.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class BenchCommandLineTest {

    private static BenchOptions parse(String... args) throws BenchUsageException {
        return BenchCommandLine.parse(args).orElseThrow();
    }

    @Test
    void defaultsPingFiftyEnclavesOnLocalServer() throws Exception {
        BenchOptions options = parse();

        assertThat(options.server().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(options.server().getPort()).isEqualTo(12345);
        assertThat(options.testDir()).isEqualTo(Path.of("seng-test"));
        assertThat(options.enclaves()).isEqualTo(50);
        assertThat(options.rampUp()).isZero();
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(10));
        assertThat(options.pingRate()).isZero();
        assertThat(options.payload()).isEqualTo(56);
        assertThat(options.pingTimeout()).isEqualTo(Duration.ofSeconds(2));
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.mode()).isEqualTo(BenchOptions.Mode.PING);
        assertThat(options.certificatesPerEnclave()).isEqualTo(1);
        assertThat(options.serverPid()).isEqualTo(BenchOptions.AUTO_PID);
        assertThat(options.json()).isNull();
        assertThat(options.localAddresses()).containsExactly(InetAddress.getByName("127.0.0.1"));
    }

    @Test
    void everyOptionIsApplied() throws Exception {
        BenchOptions options = parse("--server", "127.0.0.1:23456", "--test-dir", "/tmp/pki", "--enclaves", "200",
                "--ramp-up", "2.5", "--duration", "30", "--ping-rate", "100", "--payload", "1400", "--ping-timeout", "500",
                "--connect-timeout", "12", "--certificates-per-enclave", "3", "--server-pid", "4242", "--json", "out.json",
                "--local-addresses", "3");

        assertThat(options.server().getPort()).isEqualTo(23456);
        assertThat(options.testDir()).isEqualTo(Path.of("/tmp/pki"));
        assertThat(options.enclaves()).isEqualTo(200);
        assertThat(options.rampUp()).isEqualTo(Duration.ofMillis(2500));
        assertThat(options.duration()).isEqualTo(Duration.ofSeconds(30));
        assertThat(options.pingRate()).isEqualTo(100);
        assertThat(options.payload()).isEqualTo(1400);
        assertThat(options.pingTimeout()).isEqualTo(Duration.ofMillis(500));
        assertThat(options.connectTimeout()).isEqualTo(Duration.ofSeconds(12));
        assertThat(options.certificatesPerEnclave()).isEqualTo(3);
        assertThat(options.certificateCount()).isEqualTo(600);
        assertThat(options.serverPid()).isEqualTo(4242);
        assertThat(options.json()).isEqualTo(Path.of("out.json"));
        assertThat(options.localAddresses()).containsExactly(InetAddress.getByName("127.0.0.1"),
                InetAddress.getByName("127.0.0.2"), InetAddress.getByName("127.0.0.3"));
    }

    @Test
    void churnRotatesFourCertificatesByDefault() throws Exception {
        BenchOptions options = parse("--churn", "--enclaves", "10");

        assertThat(options.mode()).isEqualTo(BenchOptions.Mode.CHURN);
        assertThat(options.certificatesPerEnclave()).isEqualTo(4);
        assertThat(options.certificateCount()).isEqualTo(40);
    }

    @Test
    void holdAndNoPidAreParsed() throws Exception {
        BenchOptions options = parse("--hold", "--server-pid", "none", "--local-addresses", "127.0.0.5, 127.0.0.9");

        assertThat(options.mode()).isEqualTo(BenchOptions.Mode.HOLD);
        assertThat(options.serverPid()).isEqualTo(BenchOptions.NO_PID);
        assertThat(options.localAddresses()).containsExactly(InetAddress.getByName("127.0.0.5"),
                InetAddress.getByName("127.0.0.9"));
    }

    @Test
    void helpGivesNoOptions() throws Exception {
        assertThat(BenchCommandLine.parse(new String[]{"--help"})).isEmpty();
        assertThat(BenchCommandLine.help()).contains("--churn", "--hold", "--server-pid", "--local-addresses");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "--enclaves 0                 | invalid --enclaves 0: expected 1 to 100000",
        "--enclaves many              | invalid --enclaves 'many': not a whole number",
        "--payload 7                  | invalid --payload 7: expected 8 to 1400",
        "--ping-rate -1               | invalid --ping-rate -1",
        "--duration 0                 | invalid --duration 0: expected more than 0 to 86400 seconds",
        "--ramp-up -1                 | invalid --ramp-up -1",
        "--ramp-up soon               | invalid --ramp-up 'soon': not a number of seconds",
        "--server localhost           | invalid --server 'localhost': expected HOST:PORT",
        "--server 127.0.0.1:65535     | invalid --server 65535: expected 1 to 65534",
        "--server-pid -3              | invalid --server-pid -3",
        "--local-addresses 0          | invalid --local-addresses 0: expected 1 to 254",
        "--local-addresses 127.0.0.x  | invalid --local-addresses '127.0.0.x'",
        "--churn --hold               | --churn and --hold exclude each other",
        "--enclave 5                  | Unrecognized option: --enclave",
        "extra                        | unexpected argument 'extra'"})
    void invalidArgumentsAreRejected(String arguments, String message) {
        assertThatThrownBy(() -> BenchCommandLine.parse(arguments.trim().split(" +")))
                .isInstanceOf(BenchUsageException.class)
                .hasMessageContaining(message);
    }
}
