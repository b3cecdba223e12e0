package seng.bench;

import java.io.PrintStream;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import seng.client.EnclaveIdentity;
import seng.client.RaTlsCertificateBuilder;
import seng.client.RaTlsCredentials;
import seng.client.TestIasAuthority;

/**
 * RA-TLS keys and certificates generated before a run, so no handshake timing includes them.
 * Each certificate costs an EC P-256 key pair, an RSA-2048 signature by the test IAS authority
 * and an ECDSA self-signature. The work is spread over one platform thread per core.
 */
final class CredentialPool {
    private static final long PROGRESS_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final PrivateKey[] keys;
    private final byte[][] certificates;
    private final double generationSeconds;

    private CredentialPool(PrivateKey[] keys, byte[][] certificates, double generationSeconds) {
        this.keys = keys;
        this.certificates = certificates;
        this.generationSeconds = generationSeconds;
    }

    /**
     * Generates {@code count} credentials for one enclave identity, printing progress to
     * {@code progress} every two seconds.
     */
    static CredentialPool generate(TestIasAuthority authority, int count, PrintStream progress)
            throws InterruptedException {
        PrivateKey[] keys = new PrivateKey[count];
        byte[][] certificates = new byte[count][];
        EnclaveIdentity identity = EnclaveIdentity.random();
        int workers = Math.min(count, Runtime.getRuntime().availableProcessors());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        long start = System.nanoTime();

        try (ExecutorService executor = Executors.newFixedThreadPool(workers,
                Thread.ofPlatform().name("seng-bench-certificates-", 0).factory())) {
            List<Future<?>> tasks = new ArrayList<>();
            for (int worker = 0; worker < workers; worker++) {
                tasks.add(executor.submit(() -> {
                    RaTlsCertificateBuilder builder = new RaTlsCertificateBuilder(authority, identity);
                    for (int index = next.getAndIncrement(); index < count; index = next.getAndIncrement()) {
                        RaTlsCredentials credentials = builder.build();
                        keys[index] = credentials.keyPair().getPrivate();
                        certificates[index] = credentials.certificateDer();
                        done.incrementAndGet();
                    }
                }));
            }
            awaitWithProgress(tasks, done, count, progress);
        }
        return new CredentialPool(keys, certificates, (System.nanoTime() - start) / 1e9);
    }

    private static void awaitWithProgress(List<Future<?>> tasks, AtomicInteger done, int count, PrintStream progress)
            throws InterruptedException {
        for (Future<?> task : tasks) {
            while (true) {
                try {
                    task.get(PROGRESS_INTERVAL_NANOS, TimeUnit.NANOSECONDS);
                    break;
                } catch (java.util.concurrent.TimeoutException e) {
                    progress.printf("generating certificates: %d of %d%n", done.get(), count);
                } catch (ExecutionException e) {
                    throw new IllegalStateException("certificate generation failed: " + e.getCause().getMessage(), e.getCause());
                }
            }
        }
    }

    int size() {
        return keys.length;
    }

    PrivateKey key(int index) {
        return keys[index];
    }

    /** Returns the certificate's DER encoding; callers must not modify it. */
    byte[] certificate(int index) {
        return certificates[index];
    }

    double generationSeconds() {
        return generationSeconds;
    }
}
