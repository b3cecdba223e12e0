package seng.cli;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

import org.tinylog.Logger;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT handling for the server process. The first signal starts a graceful stop on
 * its own thread; a second one, or a stop that overruns its grace period by more than a margin,
 * ends the process at once. Replacing the JVM's own handlers is what lets a clean stop exit with
 * code 0 instead of 128 + the signal number.
 *
 * <p>The handlers are installed before the server starts, so a signal during start-up is not
 * lost: the stop then runs as soon as {@link #onStop} hands it over.
 */
final class ShutdownSignals {
    private static final Duration OVERRUN_MARGIN = Duration.ofSeconds(5);

    private final Duration grace;
    private final AtomicBoolean requested = new AtomicBoolean();
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile Runnable stop;

    private ShutdownSignals(Duration grace) {
        this.grace = grace;
    }

    /** Installs the handlers; the stop handed to {@link #onStop} must finish within {@code grace}. */
    static ShutdownSignals install(Duration grace) {
        ShutdownSignals signals = new ShutdownSignals(grace);
        Signal.handle(new Signal("TERM"), signals::handle);
        Signal.handle(new Signal("INT"), signals::handle);
        return signals;
    }

    /** Sets what a signal stops, and runs it right away if a signal already came. */
    void onStop(Runnable action) {
        stop = action;
        if (requested.get()) {
            startStop();
        }
    }

    private void handle(Signal signal) {
        if (!requested.compareAndSet(false, true)) {
            Logger.warn("event=shutdown_forced signal=SIG{} detail=\"second signal; exiting without cleanup\"", signal.getName());
            Runtime.getRuntime().halt(128 + signal.getNumber());
        }
        Logger.info("event=shutdown_requested signal=SIG{} grace_s={}", signal.getName(), grace.toSeconds());
        Thread.ofPlatform().daemon(true).name("seng-shutdown-watchdog").start(this::haltIfOverrun);
        if (stop != null) {
            startStop();
        }
    }

    private void startStop() {
        if (started.compareAndSet(false, true)) {
            Thread.ofPlatform().name("seng-shutdown").start(stop);
        }
    }

    private void haltIfOverrun() {
        try {
            Thread.sleep(grace.plus(OVERRUN_MARGIN));
        } catch (InterruptedException e) {
            return;
        }
        Logger.error("event=shutdown_forced detail=\"the graceful stop took longer than {} s\"",
                grace.plus(OVERRUN_MARGIN).toSeconds());
        Runtime.getRuntime().halt(Main.EXIT_FAILURE);
    }
}
