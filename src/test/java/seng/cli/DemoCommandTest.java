package seng.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class DemoCommandTest {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @Test
    void inProcessDemoConnectsAndPings() {
        int exitCode = run("--enclaves", "2", "--pings", "1");

        assertThat(exitCode).isEqualTo(Main.EXIT_OK);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("2 enclaves attested and connected")
                .containsPattern("1\\s+192\\.168\\.28\\.\\d+\\s+192\\.168\\.28\\.1\\s+\\d");
    }

    @Test
    void missingServerIsExplained() {
        int exitCode = run("--server", "127.0.0.1:9", "--test-dir", "test-resources/no-such-dir");

        assertThat(exitCode).isEqualTo(Main.EXIT_FAILURE);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: ").doesNotContain("Exception");
    }

    @Test
    void malformedMrenclaveIsUsageError() {
        assertThat(run("--mrenclave", "abc")).isEqualTo(Main.EXIT_USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("invalid --mrenclave 'abc': expected 64 hex digits");
    }

    private int run(String... args) {
        return new DemoCommand(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }
}
