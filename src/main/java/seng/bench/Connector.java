package seng.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import seng.client.ClientFailures;
import seng.client.ClientOptions;
import seng.client.SimulatedEnclave;

/**
 * Connects simulated enclaves, each attempt bounded by the connect timeout. The simulated
 * enclave's DTLS client has no handshake timeout of its own, so a watchdog interrupts the
 * connecting thread at the deadline. Interrupting a virtual thread closes the blocking UDP socket
 * it uses, which ends the attempt.
 */
final class Connector implements AutoCloseable {
    private static final Duration ATTEMPT_POLL = Duration.ofMillis(10);

    private final InetSocketAddress server;
    private final ClientOptions clientOptions;
    private final CredentialPool credentials;
    private final int certificatesPerEnclave;
    private final Duration timeout;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("seng-bench-watchdog").daemon(true).factory());
    private final Set<Attempt> attemptsInProgress = ConcurrentHashMap.newKeySet();
    private volatile boolean stopped;

    Connector(InetSocketAddress server, ClientOptions clientOptions, CredentialPool credentials,
            int certificatesPerEnclave, Duration timeout) {
        this.server = server;
        this.clientOptions = clientOptions;
        this.credentials = credentials;
        this.certificatesPerEnclave = certificatesPerEnclave;
        this.timeout = timeout;
    }

    /**
     * Connects the slot with its next certificate and records the outcome. On success the slot
     * contains the new enclave and a fresh echo packet addressed to its gateway.
     *
     * @return whether the slot is connected now; always false after {@link #stop}
     */
    boolean connect(EnclaveSlot slot, SetupRecorder recorder, int payload) {
        Attempt attempt = new Attempt(Thread.currentThread());
        attemptsInProgress.add(attempt);
        try {
            // Read after the add: either this thread reads the stop, or awaitAttempts() waits for this attempt.
            return !stopped && runAttempt(slot, recorder, payload, attempt);
        } finally {
            attemptsInProgress.remove(attempt);
            attempt.finish();
            // Clears an interrupt that the watchdog sent while this attempt was ending.
            Thread.interrupted();
        }
    }

    private boolean runAttempt(EnclaveSlot slot, SetupRecorder recorder, int payload, Attempt attempt) {
        int credential = slot.index * certificatesPerEnclave + slot.attempts % certificatesPerEnclave;
        slot.attempts++;
        ClientOptions options = clientOptions.withLocalAddress(slot.localAddress);

        ScheduledFuture<?> expiry = watchdog.schedule(attempt::expire, timeout.toNanos(), TimeUnit.NANOSECONDS);
        SimulatedEnclave.Tunnel1 tunnel1 = null;
        try {
            long start = System.nanoTime();
            tunnel1 = SimulatedEnclave.openTunnel1(server, credentials.key(credential),
                    credentials.certificate(credential), options);
            long tunnel1Done = System.nanoTime();
            SimulatedEnclave enclave = tunnel1.openTunnel2();
            long end = System.nanoTime();

            if (!finishInTime(attempt)) {
                enclave.close();
                recorder.errors.add("connect_timeout");
                return false;
            }
            if (!slot.attach(enclave, payload)) {
                return false;
            }
            recorder.recordSuccess(start, tunnel1Done, end);
            return true;
        } catch (IOException | RuntimeException e) {
            boolean inTime = finishInTime(attempt);
            if (tunnel1 != null) {
                tunnel1.close();
            }
            recorder.errors.add(inTime ? ClientFailures.classify(e) : "connect_timeout");
            return false;
        } finally {
            expiry.cancel(false);
        }
    }

    /**
     * Ends the attempt's race with its deadline and clears the interrupt that a lost race leaves.
     * A channel used with the interrupt still set would be closed before it could send close_notify.
     */
    private static boolean finishInTime(Attempt attempt) {
        boolean inTime = attempt.finish();
        Thread.interrupted();
        return inTime;
    }

    /**
     * Rejects every further attempt. Those in progress go on: interrupting one would close its
     * sockets without close_notify, and the server would keep its address until the pairing timeout.
     */
    void stop() {
        stopped = true;
    }

    boolean stopped() {
        return stopped;
    }

    /**
     * Waits until no attempt is in progress any more.
     *
     * @param deadlineNanos a {@link System#nanoTime} value
     * @return how many attempts are still in progress at the deadline
     */
    int awaitAttempts(long deadlineNanos) throws InterruptedException {
        while (!attemptsInProgress.isEmpty() && System.nanoTime() < deadlineNanos) {
            Thread.sleep(ATTEMPT_POLL);
        }
        return attemptsInProgress.size();
    }

    @Override
    public void close() {
        watchdog.shutdownNow();
    }

    /** The race between an attempt's end and its deadline; whichever comes first wins. */
    private static final class Attempt {
        private final Thread thread;
        private boolean finished;
        private boolean expired;

        Attempt(Thread thread) {
            this.thread = thread;
        }

        synchronized void expire() {
            if (!finished) {
                expired = true;
                thread.interrupt();
            }
        }

        /** Marks the attempt finished; returns false if the deadline came first. */
        synchronized boolean finish() {
            finished = true;
            return !expired;
        }
    }
}
