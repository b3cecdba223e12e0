package seng.bench;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

import seng.client.ClientFailures;
import seng.client.SimulatedEnclave;

/**
 * Pings the gateway address through every connected enclave's tunnels. In a closed loop, each
 * enclave sends its next echo request as soon as the reply to the last one arrived or timed out.
 * At a fixed rate, a sender and a receiver thread per enclave keep their own pace, and replies are
 * matched by the send time they carry. A reply later than the ping timeout counts as lost.
 *
 * <p>Rates are computed over the sending window only. After it, the phase waits up to the ping
 * timeout for the replies still due and counts them. The wait is left out of the window, because a
 * single lost ping would stretch it by a whole ping timeout.
 */
final class PingPhase {
    private static final int RECEIVE_BUFFER = 2048;
    private static final Duration RECEIVE_POLL = Duration.ofMillis(100);

    private final Duration pingTimeout;
    private final long pingTimeoutNanos;
    final LatencyHistogram rtt = new LatencyHistogram();
    final ErrorCounts errors = new ErrorCounts();
    final LongAdder requestsSent = new LongAdder();
    final LongAdder requestBytesSent = new LongAdder();
    final LongAdder packetsReceived = new LongAdder();
    final LongAdder bytesReceived = new LongAdder();
    final LongAdder replies = new LongAdder();
    /** Pings without a reply within the ping timeout. */
    final LongAdder lost = new LongAdder();
    /** Replies that arrived after the ping timeout; their pings count as lost. */
    final LongAdder lateReplies = new LongAdder();

    PingPhase(Duration pingTimeout) {
        this.pingTimeout = pingTimeout;
        this.pingTimeoutNanos = pingTimeout.toNanos();
    }

    /**
     * Sends pings through every slot for {@code duration}, then waits for the replies still due,
     * and returns when all slots have finished.
     *
     * @return the sending window: from the start to the last send, at least {@code duration}
     */
    Duration run(List<EnclaveSlot> slots, Duration duration, int ratePerEnclave) {
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        if (ratePerEnclave == 0) {
            // The loops send nothing after the end, so the window is exactly the duration.
            closedLoops(slots, end);
            return duration;
        }
        List<Sender> senders = new ArrayList<>();
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofPlatform().name("seng-bench-ping-", 0).factory())) {
            long interval = TimeUnit.SECONDS.toNanos(1) / ratePerEnclave;
            for (EnclaveSlot slot : slots) {
                // Staggers the enclaves' send times so they do not all fire at once.
                long first = start + interval * slot.index / Math.max(1, slots.size());
                Sender sender = new Sender(slot, first, interval, end);
                senders.add(sender);
                executor.execute(sender);
                executor.execute(() -> receiveAtRate(slot, sender));
            }
        }
        // A sender that fell behind its pace sends its backlog after the end.
        long lastSend = senders.stream().mapToLong(sender -> sender.lastSendNanos).max().orElse(end);
        return Duration.ofNanos(Math.max(end, lastSend) - start);
    }

    /**
     * Sends one ping through every slot, at most {@code concurrency} at a time, and retries a
     * lost one up to {@code attempts} times in all.
     *
     * @return how many slots got a reply, and how many of those needed a retry
     */
    int[] pingEachOnce(List<EnclaveSlot> slots, int concurrency, int attempts) {
        LongAdder answered = new LongAdder();
        LongAdder retried = new LongAdder();
        Semaphore permits = new Semaphore(concurrency);
        try (ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor()) {
            for (EnclaveSlot slot : slots) {
                executor.execute(() -> {
                    permits.acquireUninterruptibly();
                    try {
                        byte[] buffer = new byte[RECEIVE_BUFFER];
                        for (int attempt = 1; attempt <= attempts; attempt++) {
                            Outcome outcome = pingOnce(slot, buffer);
                            if (outcome == Outcome.REPLY) {
                                answered.increment();
                                if (attempt > 1) {
                                    retried.increment();
                                }
                                return;
                            }
                            if (outcome == Outcome.TUNNEL_FAILED) {
                                return;
                            }
                        }
                    } finally {
                        permits.release();
                    }
                });
            }
        }
        return new int[]{answered.intValue(), retried.intValue()};
    }

    /**
     * Runs the closed loop of every slot on one selector thread per core. A thread per enclave
     * would make the kernel juggle hundreds of runnable threads on a few cores, and the wait for a
     * turn on a core, not the gateway, would set the round-trip time.
     */
    private void closedLoops(List<EnclaveSlot> slots, long end) {
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), slots.size()));
        try (ExecutorService executor = Executors.newThreadPerTaskExecutor(
                Thread.ofPlatform().name("seng-bench-ping-loop-", 0).factory())) {
            for (int thread = 0; thread < threads; thread++) {
                List<EnclaveSlot> share = new ArrayList<>();
                for (int index = thread; index < slots.size(); index += threads) {
                    share.add(slots.get(index));
                }
                executor.execute(() -> selectorLoop(share, end));
            }
        }
    }

    private void selectorLoop(List<EnclaveSlot> share, long end) {
        byte[] buffer = new byte[RECEIVE_BUFFER];
        try (Selector selector = Selector.open()) {
            List<LoopPing> pings = new ArrayList<>();
            for (EnclaveSlot slot : share) {
                LoopPing ping = new LoopPing(slot);
                try {
                    slot.enclave.watchTunnel2().register(selector, SelectionKey.OP_READ, ping);
                    pings.add(ping);
                    ping.send();
                } catch (IOException e) {
                    ping.fail(e);
                }
            }
            // After the end no ping is sent any more, but the loop goes on until every outstanding
            // ping has its reply or has timed out.
            while (anyActive(pings, System.nanoTime(), end)) {
                selector.select(10);
                for (SelectionKey key : selector.selectedKeys()) {
                    ((LoopPing) key.attachment()).receive(buffer, end);
                }
                selector.selectedKeys().clear();
                long now = System.nanoTime();
                for (LoopPing ping : pings) {
                    ping.expire(now, end);
                }
            }
        } catch (IOException e) {
            errors.add("selector_" + ClientFailures.classify(e));
        }
    }

    private static boolean anyActive(List<LoopPing> pings, long now, long end) {
        for (LoopPing ping : pings) {
            if (ping.isActive(now, end)) {
                return true;
            }
        }
        return false;
    }

    /** One enclave's outstanding ping in a selector loop; only that loop's thread touches it. */
    private final class LoopPing {
        private final EnclaveSlot slot;
        private long sentAt;
        private int sequence;
        private boolean outstanding;
        private boolean failed;

        LoopPing(EnclaveSlot slot) {
            this.slot = slot;
        }

        /** Returns whether this enclave still sends or still waits for a reply. */
        boolean isActive(long now, long end) {
            return !failed && (outstanding || now < end);
        }

        void send() {
            sentAt = System.nanoTime();
            byte[] request = slot.probe.stamp(sentAt);
            sequence = slot.probe.sequence();
            try {
                slot.enclave.send(request);
                requestsSent.increment();
                requestBytesSent.add(request.length);
                outstanding = true;
            } catch (IOException e) {
                fail(e);
            }
        }

        void receive(byte[] buffer, long end) {
            try {
                int length;
                while (!failed && (length = slot.enclave.receiveReady(buffer)) >= 0) {
                    long now = System.nanoTime();
                    packetsReceived.increment();
                    bytesReceived.add(length);
                    if (!slot.probe.isReply(buffer, length)) {
                        continue;
                    }
                    if (!outstanding || EchoPacket.sequence(buffer) != sequence) {
                        lateReplies.increment();
                        continue;
                    }
                    rtt.record(now - sentAt);
                    replies.increment();
                    outstanding = false;
                    if (now < end) {
                        send();
                    }
                }
            } catch (IOException e) {
                fail(e);
            }
        }

        /** Counts a ping without a reply within the timeout as lost and sends the next one. */
        void expire(long now, long end) {
            if (outstanding && now - sentAt > pingTimeoutNanos) {
                lost.increment();
                outstanding = false;
                if (now < end) {
                    send();
                }
            }
        }

        /** Counts the tunnel failure, and the ping it leaves without a reply as lost. */
        void fail(IOException e) {
            if (!failed) {
                failed = true;
                if (outstanding) {
                    lost.increment();
                    outstanding = false;
                }
                errors.add("tunnel_" + ClientFailures.classify(e));
            }
        }
    }

    private enum Outcome { REPLY, LOST, TUNNEL_FAILED }

    private Outcome pingOnce(EnclaveSlot slot, byte[] buffer) {
        SimulatedEnclave enclave = slot.enclave;
        EchoPacket probe = slot.probe;
        long sent = System.nanoTime();
        byte[] request = probe.stamp(sent);
        int sequence = probe.sequence();
        try {
            enclave.send(request);
            requestsSent.increment();
            requestBytesSent.add(request.length);

            long deadline = sent + pingTimeoutNanos;
            Duration wait = pingTimeout;
            while (true) {
                int length = enclave.receive(buffer, wait);
                long now = System.nanoTime();
                if (length > 0) {
                    packetsReceived.increment();
                    bytesReceived.add(length);
                    if (probe.isReply(buffer, length)) {
                        if (EchoPacket.sequence(buffer) == sequence) {
                            rtt.record(now - sent);
                            replies.increment();
                            return Outcome.REPLY;
                        }
                        lateReplies.increment();
                    }
                }
                if (now >= deadline) {
                    lost.increment();
                    return Outcome.LOST;
                }
                wait = Duration.ofNanos(deadline - now);
            }
        } catch (IOException e) {
            errors.add("tunnel_" + ClientFailures.classify(e));
            return Outcome.TUNNEL_FAILED;
        }
    }

    /** Sends at a fixed pace; the pace is kept even when sends fall behind, so no backlog is skipped. */
    private final class Sender implements Runnable {
        private final EnclaveSlot slot;
        private final long first;
        private final long interval;
        private final long end;
        private volatile long sent;
        private volatile long lastSendNanos = Long.MIN_VALUE;
        private volatile boolean finished;

        Sender(EnclaveSlot slot, long first, long interval, long end) {
            this.slot = slot;
            this.first = first;
            this.interval = interval;
            this.end = end;
        }

        @Override
        public void run() {
            EchoPacket probe = slot.probe;
            try {
                for (long next = first; next < end; next += interval) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        LockSupport.parkNanos(wait);
                    }
                    long now = System.nanoTime();
                    byte[] request = probe.stamp(now);
                    slot.enclave.send(request);
                    requestsSent.increment();
                    requestBytesSent.add(request.length);
                    sent++;
                    lastSendNanos = now;
                }
            } catch (IOException e) {
                errors.add("tunnel_" + ClientFailures.classify(e));
            } finally {
                finished = true;
            }
        }
    }

    /** Receives replies until the sender has finished and every reply is in or overdue. */
    private void receiveAtRate(EnclaveSlot slot, Sender sender) {
        byte[] buffer = new byte[RECEIVE_BUFFER];
        EchoPacket probe = slot.probe;
        long received = 0;
        long onTime = 0;
        long finishedAt = Long.MAX_VALUE;
        try {
            while (true) {
                if (finishedAt == Long.MAX_VALUE && sender.finished) {
                    finishedAt = System.nanoTime();
                }
                if (finishedAt != Long.MAX_VALUE
                        && (received >= sender.sent || System.nanoTime() - finishedAt > pingTimeoutNanos)) {
                    break;
                }
                int length = slot.enclave.receive(buffer, RECEIVE_POLL);
                if (length <= 0) {
                    continue;
                }
                long now = System.nanoTime();
                packetsReceived.increment();
                bytesReceived.add(length);
                if (!probe.isReply(buffer, length)) {
                    continue;
                }
                received++;
                long roundTrip = now - EchoPacket.sendNanos(buffer);
                if (roundTrip > pingTimeoutNanos) {
                    lateReplies.increment();
                } else {
                    rtt.record(roundTrip);
                    replies.increment();
                    onTime++;
                }
            }
        } catch (IOException e) {
            errors.add("tunnel_" + ClientFailures.classify(e));
        }
        lost.add(sender.sent - onTime);
    }
}
