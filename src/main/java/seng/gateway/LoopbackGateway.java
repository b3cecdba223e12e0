package seng.gateway;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntPredicate;

import org.tinylog.Logger;

import seng.ip.IcmpEcho;
import seng.ip.InternetChecksum;
import seng.ip.Ipv4Address;
import seng.ip.Ipv4Packet;

/**
 * The gateway of the loopback test mode: an in-process stand-in for the kernel behind a TUN
 * interface, so that the whole tunnel path runs with no root and no TUN device. Like a router, it
 * <ul>
 *   <li>answers an ICMP echo request sent to one of its gateway addresses, and
 *   <li>returns a packet addressed to an enclave unchanged from {@link #read}, so that the server
 *       routes it to that enclave's tunnel; this is how enclaves reach each other.
 * </ul>
 * It drops anything else and counts it by {@link DropReason}. Unlike a router it does not decrement
 * the TTL of packets it passes on.
 *
 * <p>Packets wait for {@link #read} in a bounded queue. When the queue is full, further packets are
 * dropped and counted, as a network interface's ring would drop them.
 */
public final class LoopbackGateway implements Gateway {
    public static final int DEFAULT_MTU = 1432;
    public static final int DEFAULT_QUEUE_CAPACITY = 1024;

    private static final int MIN_MTU = 68;
    private static final int MAX_MTU = 65535;

    /** The reason a packet was dropped. */
    public enum DropReason {
        /** Not a well-formed IPv4 packet with a correct header checksum. */
        MALFORMED,
        /** Longer than the MTU. */
        TOO_LARGE,
        /**
         * Addressed to a gateway address but not an unfragmented ICMP echo request with a correct
         * checksum from an enclave address, the only packet the gateway replies to.
         */
        UNSUPPORTED_AT_GATEWAY,
        /** Addressed to neither a gateway address nor an enclave address. */
        NO_ROUTE,
        /** The read queue was full. */
        QUEUE_FULL,
        /** Longer than the buffer passed to {@link #read}. */
        READ_BUFFER_TOO_SMALL;

        /** Returns the name used in log fields and metric labels, such as {@code queue_full}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private final IntPredicate isGatewayAddress;
    private final IntPredicate isEnclaveAddress;
    private final int mtu;
    private final int queueCapacity;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition notEmpty = lock.newCondition();
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>(); // guarded by lock
    private volatile boolean closed; // written under lock

    private final LongAdder packetsWritten = new LongAdder();
    private final LongAdder echoRequestsAnswered = new LongAdder();
    private final LongAdder packetsRouted = new LongAdder();
    private final LongAdder packetsRead = new LongAdder();
    private final Map<DropReason, LongAdder> drops = new EnumMap<>(DropReason.class);

    /**
     * Creates a loopback gateway with the default MTU and queue capacity.
     *
     * @param gatewayAddresses the addresses that reply to echo requests, e.g. 192.168.28.1, in
     *     network order as {@link Ipv4Address#parse} returns them
     * @param isEnclaveAddress tests whether an address lies in an enclave subnetwork
     */
    public LoopbackGateway(Collection<Integer> gatewayAddresses, IntPredicate isEnclaveAddress) {
        this(gatewayAddresses, isEnclaveAddress, DEFAULT_MTU);
    }

    /** Creates a loopback gateway with the default queue capacity. */
    public LoopbackGateway(Collection<Integer> gatewayAddresses, IntPredicate isEnclaveAddress, int mtu) {
        this(isAnyOf(gatewayAddresses), isEnclaveAddress, mtu, DEFAULT_QUEUE_CAPACITY);
    }

    /** Creates a loopback gateway with the default queue capacity. */
    public LoopbackGateway(IntPredicate isGatewayAddress, IntPredicate isEnclaveAddress, int mtu) {
        this(isGatewayAddress, isEnclaveAddress, mtu, DEFAULT_QUEUE_CAPACITY);
    }

    /**
     * Creates a loopback gateway.
     *
     * @param isGatewayAddress tests whether an address is a gateway address, which replies to echo requests
     * @param isEnclaveAddress tests whether an address lies in an enclave subnetwork
     * @param mtu the largest packet accepted and returned, 68 to 65535
     * @param queueCapacity the number of packets that can wait for {@link #read}, at least 1
     */
    public LoopbackGateway(IntPredicate isGatewayAddress, IntPredicate isEnclaveAddress, int mtu, int queueCapacity) {
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("invalid MTU " + mtu + ": expected " + MIN_MTU + " to " + MAX_MTU);
        }
        if (queueCapacity < 1) {
            throw new IllegalArgumentException("invalid queue capacity " + queueCapacity + ": expected at least 1");
        }
        this.isGatewayAddress = Objects.requireNonNull(isGatewayAddress, "isGatewayAddress");
        this.isEnclaveAddress = Objects.requireNonNull(isEnclaveAddress, "isEnclaveAddress");
        this.mtu = mtu;
        this.queueCapacity = queueCapacity;
        for (DropReason reason : DropReason.values()) {
            drops.put(reason, new LongAdder());
        }
        Logger.info("event=loopback_gateway_started mtu={} queue_capacity={}", mtu, queueCapacity);
    }

    private static IntPredicate isAnyOf(Collection<Integer> addresses) {
        int[] candidates = addresses.stream().mapToInt(Integer::intValue).toArray();
        return address -> {
            for (int candidate : candidates) {
                if (candidate == address) {
                    return true;
                }
            }
            return false;
        };
    }

    /**
     * {@inheritDoc}
     *
     * <p>Skips and counts a packet longer than {@code buffer}. An interrupt ends the wait with
     * {@link InterruptedIOException} and leaves the thread's interrupt status set.
     */
    @Override
    public int read(byte[] buffer) throws IOException {
        lock.lock();
        try {
            while (true) {
                while (queue.isEmpty() && !closed) {
                    notEmpty.await();
                }
                if (closed) {
                    throw new ClosedChannelException();
                }

                byte[] packet = queue.removeFirst();
                if (packet.length > buffer.length) {
                    drop(DropReason.READ_BUFFER_TOO_SMALL, packet.length);
                    continue;
                }
                System.arraycopy(packet, 0, buffer, 0, packet.length);
                packetsRead.increment();
                return packet.length;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a packet from the loopback gateway");
        } finally {
            lock.unlock();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>Copies what it keeps, so the caller may reuse {@code packet} at once.
     */
    @Override
    public void write(byte[] packet, int length) throws IOException {
        Objects.checkFromIndexSize(0, length, packet.length);
        if (closed) {
            throw new ClosedChannelException();
        }
        packetsWritten.increment();

        if (length > mtu) {
            drop(DropReason.TOO_LARGE, length);
            return;
        }
        if (!Ipv4Packet.isWellFormed(packet, length) || !Ipv4Packet.hasValidHeaderChecksum(packet)) {
            drop(DropReason.MALFORMED, length);
            return;
        }

        int destination = Ipv4Packet.destination(packet);
        if (isGatewayAddress.test(destination)) {
            answerAtGateway(packet, length);
        } else if (isEnclaveAddress.test(destination)) {
            enqueue(Arrays.copyOf(packet, length), packetsRouted);
        } else {
            drop(DropReason.NO_ROUTE, length);
        }
    }

    private void answerAtGateway(byte[] packet, int length) throws ClosedChannelException {
        if (!isAnswerableEchoRequest(packet, length)) {
            drop(DropReason.UNSUPPORTED_AT_GATEWAY, length);
            return;
        }
        byte[] reply = Arrays.copyOf(packet, length);
        IcmpEcho.turnIntoReply(reply, length);
        enqueue(reply, echoRequestsAnswered);
    }

    private boolean isAnswerableEchoRequest(byte[] packet, int length) {
        if (!IcmpEcho.isEcho(packet, length, IcmpEcho.TYPE_ECHO_REQUEST)) {
            return false;
        }
        // The "more fragments" flag and the fragment offset: a fragment would need reassembly.
        boolean fragment = (packet[6] & 0x3F) != 0 || packet[7] != 0;
        int icmpOffset = Ipv4Packet.headerLength(packet);
        boolean validChecksum = InternetChecksum.compute(packet, icmpOffset, length - icmpOffset) == 0;
        // The reply goes back to the source, and only enclave addresses are reachable from here.
        return !fragment && validChecksum && isEnclaveAddress.test(Ipv4Packet.source(packet));
    }

    private void enqueue(byte[] packet, LongAdder counter) throws ClosedChannelException {
        lock.lock();
        try {
            if (closed) {
                throw new ClosedChannelException();
            }
            if (queue.size() >= queueCapacity) {
                drop(DropReason.QUEUE_FULL, packet.length);
                return;
            }
            queue.addLast(packet);
            counter.increment();
            notEmpty.signal();
        } finally {
            lock.unlock();
        }
    }

    private void drop(DropReason reason, int length) {
        drops.get(reason).increment();
        Logger.trace("event=loopback_gateway_drop reason={} length={}", reason, length);
    }

    @Override
    public int mtu() {
        return mtu;
    }

    @Override
    public String name() {
        return "loopback";
    }

    /** Returns a snapshot of the counters since construction. */
    public Counters counters() {
        int queued;
        lock.lock();
        try {
            queued = queue.size();
        } finally {
            lock.unlock();
        }
        Map<DropReason, Long> dropped = new EnumMap<>(DropReason.class);
        drops.forEach((reason, count) -> dropped.put(reason, count.sum()));
        return new Counters(packetsWritten.sum(), echoRequestsAnswered.sum(), packetsRouted.sum(),
                packetsRead.sum(), queued, Collections.unmodifiableMap(dropped));
    }

    /** Discards queued packets and wakes a blocked reader. */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            notEmpty.signalAll();
        } finally {
            lock.unlock();
        }
        Counters totals = counters();
        Logger.info("event=loopback_gateway_closed packets_written={} echo_requests_answered={} packets_routed={} drops={}",
                totals.packetsWritten(), totals.echoRequestsAnswered(), totals.packetsRouted(), dropsField(totals.dropped()));
    }

    /** Formats drop counts as one log field value, such as {@code queue_full:3,no_route:1}, or {@code -} for none. */
    private static String dropsField(Map<DropReason, Long> dropped) {
        StringJoiner field = new StringJoiner(",");
        dropped.forEach((reason, count) -> {
            if (count > 0) {
                field.add(reason.label() + ":" + count);
            }
        });
        return field.length() == 0 ? "-" : field.toString();
    }

    /**
     * Counters of a loopback gateway.
     *
     * @param packetsWritten packets passed to {@link #write} while open
     * @param echoRequestsAnswered echo requests whose reply was queued for {@link #read}
     * @param packetsRouted packets for enclave addresses queued for {@link #read}
     * @param packetsRead packets returned by {@link #read}
     * @param queued packets waiting for {@link #read} when the snapshot was taken
     * @param dropped the number of dropped packets for every reason
     */
    public record Counters(long packetsWritten, long echoRequestsAnswered, long packetsRouted, long packetsRead,
            int queued, Map<DropReason, Long> dropped) {

        public long dropped(DropReason reason) {
            return dropped.getOrDefault(reason, 0L);
        }
    }
}
