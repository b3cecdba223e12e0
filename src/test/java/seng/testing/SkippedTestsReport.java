package seng.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * The list of tests that did not run and why, one line each, in the file that the system property
 * {@code seng.test.skipped} names. Surefire keeps test output in per-class files, so {@code run.sh
 * test} prints this list after the run to keep the reasons on the console.
 */
public final class SkippedTestsReport implements TestExecutionListener {
    /** Surefire may run several test plans in one JVM; only the first starts a new list. */
    private static final AtomicBoolean RESET = new AtomicBoolean();

    private final Path file;

    public SkippedTestsReport() {
        String name = System.getProperty("seng.test.skipped");
        file = name == null ? null : Path.of(name);
    }

    @Override
    public void testPlanExecutionStarted(TestPlan plan) {
        if (file == null || !RESET.compareAndSet(false, true)) {
            return;
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to reset the list of skipped tests in " + file, e);
        }
    }

    @Override
    public void executionSkipped(TestIdentifier test, String reason) {
        record(test, reason);
    }

    @Override
    public void executionFinished(TestIdentifier test, TestExecutionResult result) {
        if (result.getStatus() == TestExecutionResult.Status.ABORTED) {
            record(test, result.getThrowable().map(Throwable::getMessage).orElse("aborted without a reason"));
        }
    }

    private synchronized void record(TestIdentifier test, String reason) {
        if (file == null) {
            return;
        }
        String line = name(test) + ": " + reason + System.lineSeparator();
        try {
            Files.writeString(file, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("failed to write the list of skipped tests in " + file, e);
        }
    }

    private static String name(TestIdentifier test) {
        return test.getSource()
                .filter(MethodSource.class::isInstance)
                .map(MethodSource.class::cast)
                .map(method -> method.getClassName().substring(method.getClassName().lastIndexOf('.') + 1)
                        + "." + method.getMethodName())
                .orElse(test.getDisplayName());
    }
}
