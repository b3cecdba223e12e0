package seng.bench;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Closes every tunnel of a run when the JVM shuts down before the run has ended, as it does on
 * SIGINT (Ctrl-C) or SIGTERM. The server has no idle timeout by default, so tunnels left open would
 * keep their addresses, and the next run could be refused for lack of addresses. Connections still
 * being set up get the rest of the time to finish and are closed then.
 */
final class ShutdownCleanup {
    /** How long the cleanup may delay the exit. */
    static final Duration TIMEOUT = Duration.ofSeconds(3);

    private final Connector connector;
    private final OpenTunnels openTunnels;
    private final PrintStream progress;
    private final Thread hook;

    private ShutdownCleanup(Connector connector, OpenTunnels openTunnels, PrintStream progress) {
        this.connector = connector;
        this.openTunnels = openTunnels;
        this.progress = progress;
        this.hook = Thread.ofPlatform().name("seng-bench-shutdown").unstarted(this::cleanUp);
    }

    /** Registers the cleanup as a shutdown hook until {@link #uninstall}. */
    static ShutdownCleanup install(Connector connector, OpenTunnels openTunnels, PrintStream progress) {
        ShutdownCleanup cleanup = new ShutdownCleanup(connector, openTunnels, progress);
        Runtime.getRuntime().addShutdownHook(cleanup.hook);
        return cleanup;
    }

    private void cleanUp() {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        progress.printf("stopping: closing every tunnel before exiting, within %d s%n", TIMEOUT.toSeconds());
        connector.stop();
        try {
            openTunnels.closeAll(deadline);
            // An attempt that ends now closes its new tunnel at once, because closeAll has begun.
            int attemptsLeft = connector.awaitAttempts(deadline);
            progress.printf("stopped after closing %s with close_notify; no report, because the run did not finish%n",
                    tunnels(openTunnels.closedSinceCloseAll()));
            if (openTunnels.size() > 0 || attemptsLeft > 0) {
                progress.printf("warning: after %d s, %s still open and %d connection attempts still running. The"
                        + " server frees a tunnel #1 whose tunnel #2 never comes after its pairing timeout, but keeps a"
                        + " tunnel whose setup finished until it restarts, unless it runs with --idle-timeout.%n",
                        TIMEOUT.toSeconds(), tunnels(openTunnels.size()), attemptsLeft);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        progress.flush();
    }

    private static String tunnels(long count) {
        return count + (count == 1 ? " tunnel" : " tunnels");
    }

    /**
     * Removes the shutdown hook at the end of a run. If the JVM is shutting down already, waits for
     * the cleanup instead, so that no report from a half-closed run is printed before the exit.
     *
     * @throws InterruptedException if the JVM is shutting down
     */
    void uninstall() throws InterruptedException {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            hook.join();
            throw new InterruptedException("the run was stopped by a signal");
        }
    }
}
