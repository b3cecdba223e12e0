package seng.tunnel;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import seng.dtls.DtlsConnection;

/**
 * Tunnel #1s that finished their setup and wait for their tunnel #2. A tunnel #2 pairs with the
 * waiting tunnel #1 of the same client host whose SGX quote is byte-identical: the quote binds the
 * client's key, so only the enclave that opened tunnel #1 can present it again.
 */
public final class PairingRegistry {
    private final ConcurrentHashMap<Key, Waiting> waiting = new ConcurrentHashMap<>();

    /**
     * Registers a tunnel #1 as waiting. An older tunnel #1 with the same key, left behind by a
     * client that restarted with the same certificate, stops waiting at once.
     */
    public Waiting register(InetAddress host, byte[] quote) {
        Waiting fresh = new Waiting(new Key(host, ByteBuffer.wrap(quote.clone())));
        Waiting older = waiting.put(fresh.key, fresh);
        if (older != null) {
            older.partner.complete(null);
        }
        return fresh;
    }

    /** Returns the tunnel #1 waiting for this host and quote, or null. */
    public Waiting find(InetAddress host, byte[] quote) {
        return waiting.get(new Key(host, ByteBuffer.wrap(quote)));
    }

    public int size() {
        return waiting.size();
    }

    private record Key(InetAddress host, ByteBuffer quote) {
    }

    /** One waiting tunnel #1; exactly one of {@link #pair} and the end of {@link #await} wins. */
    public final class Waiting {
        private final Key key;
        private final CompletableFuture<DtlsConnection> partner = new CompletableFuture<>();

        private Waiting(Key key) {
            this.key = key;
        }

        /**
         * Hands tunnel #2 to the waiting tunnel #1.
         *
         * @return false if tunnel #1 stopped waiting meanwhile; the caller then closes tunnel #2
         */
        public boolean pair(DtlsConnection tunnel2) {
            return waiting.remove(key, this) && partner.complete(tunnel2);
        }

        /** Checks that this tunnel #1 still waits, for a tunnel #2 that is about to pair. */
        public boolean isWaiting() {
            return waiting.get(key) == this;
        }

        /**
         * Waits for tunnel #2.
         *
         * @return tunnel #2, or null if none came within the timeout or a newer tunnel #1 took over
         */
        public DtlsConnection await(Duration timeout) throws InterruptedException {
            try {
                return partner.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return stopWaiting();
            } catch (InterruptedException e) {
                abandon();
                throw e;
            } catch (ExecutionException e) {
                throw new IllegalStateException("pairing never completes exceptionally", e);
            }
        }

        /** Stops waiting for good, closing a tunnel #2 that paired in the meantime. Idempotent. */
        public void abandon() {
            DtlsConnection late = stopWaiting();
            if (late != null) {
                late.close();
            }
        }

        /** Stops waiting; returns the tunnel #2 that won the race against the timeout, if one did. */
        private DtlsConnection stopWaiting() {
            waiting.remove(key, this);
            if (partner.complete(null)) {
                return null;
            }
            return partner.getNow(null);
        }
    }
}
