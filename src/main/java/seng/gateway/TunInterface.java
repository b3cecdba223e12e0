package seng.gateway;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import org.tinylog.Logger;

import seng.gateway.InterfaceControl.ExistingInterface;
import seng.ip.Ipv4Address;
import seng.ip.Ipv4Packet;

/**
 * A Linux TUN interface ({@code IFF_TUN | IFF_NO_PI}) as the gateway: a packet written here enters
 * the kernel's IP stack as if it had arrived on the interface, and {@link #read} returns the
 * packets the kernel routes out of it. Opening it needs CAP_NET_ADMIN.
 *
 * <p>{@link #open} attaches to an existing TUN interface of that name or creates one. A created
 * interface disappears when this object is closed, but a persistent one, made with
 * {@code ip tuntap add}, stays. Nothing about the interface changes unless the caller asks for it
 * through {@link #setMtu}, {@link #addAddress} or {@link #bringUp}.
 *
 * <p>The descriptor is non-blocking. {@link #read} tries read(2) first and, when no packet is
 * queued, waits in {@code poll(2)} on the TUN descriptor and on an eventfd. {@link #close} signals
 * the eventfd, so a blocked reader wakes up and throws {@link ClosedChannelException}. Close then
 * waits, for a bounded time, until no thread is inside a call on the descriptors before it releases
 * them (see {@link CloseBarrier}).
 *
 * <p>Only IPv4 packets are returned. Anything else, such as the IPv6 router solicitations the
 * kernel sends on a new interface, is skipped and counted. A write the kernel cannot queue is
 * dropped and counted, as the {@link Gateway} contract asks. Packets are copied straight between
 * the caller's {@code byte[]} and the kernel by critical downcalls with heap access, so no native
 * memory is allocated per packet.
 *
 * <p>The interface belongs to the network namespace of the thread that calls {@link #open}.
 */
public final class TunInterface implements Gateway {
    private static final String CLONE_DEVICE = "/dev/net/tun";
    private static final long TUNSETIFF = 0x400454CAL;
    private static final long TUNGETIFF = 0x800454D2L;

    /** A woken reader leaves within microseconds, so this bound only matters if the kernel hangs. */
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private final String name;
    private final boolean persistent;
    private final int tunFd;
    private final int wakeupFd;
    private final InterfaceControl control;
    private final Arena arena;
    private final CloseBarrier barrier = new CloseBarrier();
    private final Counts counts = new Counts();
    private volatile int lastMtu;
    // Set while writes fail with EIO, so that the warning is logged once per outage.
    private final AtomicBoolean downReported = new AtomicBoolean();

    private final ReentrantLock readLock = new ReentrantLock();
    // Guarded by readLock: the poll(2) array, and the segment of the last buffer read into, kept
    // so that a reader reusing its buffer allocates nothing per packet.
    private final MemorySegment pollfds;
    private byte[] readBuffer;
    private MemorySegment readSegment;

    private TunInterface(String name, boolean persistent, int tunFd, int wakeupFd, InterfaceControl control,
            Arena arena, int mtu) {
        this.name = name;
        this.persistent = persistent;
        this.tunFd = tunFd;
        this.wakeupFd = wakeupFd;
        this.control = control;
        this.arena = arena;
        this.lastMtu = mtu;

        pollfds = arena.allocate(2 * LinuxNative.POLLFD_SIZE, 4);
        setPollfd(0, tunFd);
        setPollfd(1, wakeupFd);
    }

    /**
     * Attaches to the TUN interface {@code name}, creating it if it does not exist.
     *
     * @param name 1 to 15 printable ASCII characters other than '/', ':' and '%'
     * @throws IllegalArgumentException if the name is not a valid interface name
     * @throws IOException naming the interface and the cause, e.g. when the caller lacks
     *     CAP_NET_ADMIN, or an interface of that name exists that is not a TUN interface or that
     *     attaching would change
     */
    public static TunInterface open(String name) throws IOException {
        InterfaceRequest.encodeName(name);
        Arena arena = Arena.ofShared();
        InterfaceControl control = null;
        int tunFd = -1;
        int wakeupFd = -1;
        try {
            control = InterfaceControl.open(name);
            requireUnchangedByAttaching(name, control.findExisting());
            tunFd = openCloneDevice(name);
            boolean persistent = (attach(tunFd, name) & TunFlags.IFF_PERSIST) != 0;

            wakeupFd = LinuxNative.eventfd(0, LinuxNative.EFD_CLOEXEC | LinuxNative.EFD_NONBLOCK);
            if (wakeupFd < 0) {
                throw LinuxNative.failure("cannot create the wakeup eventfd for TUN interface " + name, -wakeupFd);
            }
            int mtu = control.mtu();

            TunInterface tun = new TunInterface(name, persistent, tunFd, wakeupFd, control, arena, mtu);
            Logger.info("event=tun_opened interface={} persistent={} mtu={}", name, persistent, mtu);
            return tun;
        } catch (Throwable failure) {
            closeAfterFailedOpen(name, tunFd, wakeupFd, control, arena);
            throw failure;
        }
    }

    /**
     * Rejects an existing interface that TUNSETIFF would refuse or change. The kernel overwrites
     * the packet information and vnet_hdr settings of a persistent interface with those requested,
     * and they stay changed after this object is closed.
     *
     * <p>NOTE: rtnetlink does not report IFF_ONE_QUEUE, so attaching clears that flag on an
     * interface made with {@code ip tuntap add ... one_queue} (seen on Linux 6.18).
     */
    private static void requireUnchangedByAttaching(String name, Optional<ExistingInterface> existing)
            throws IOException {
        if (existing.isEmpty()) {
            return;
        }
        String prefix = "cannot open TUN interface " + name + ": an interface of that name exists";
        String kind = existing.get().kind();
        if (!kind.equals("tun")) {
            throw new IOException(prefix + " and is not a TUN interface" + (kind.isEmpty() ? "" : " but " + kind));
        }
        OptionalInt reported = existing.get().tunFlags();
        if (reported.isEmpty()) {
            // Kernels before 4.15 do not report the flags, but TUNSETIFF still rejects TAP and multi-queue.
            return;
        }

        int flags = reported.getAsInt();
        if ((flags & TunFlags.IFF_TAP) != 0) {
            throw new IOException(prefix + " and is a TAP interface; the gateway needs a TUN interface");
        }
        if ((flags & TunFlags.IFF_MULTI_QUEUE) != 0) {
            throw new IOException(prefix + " and is multi-queue; the gateway needs a single-queue TUN interface");
        }
        if ((flags & TunFlags.IFF_NO_PI) == 0 || (flags & TunFlags.IFF_VNET_HDR) != 0) {
            throw new IOException(prefix + " and was created with the pi or vnet_hdr option, which attaching would"
                    + " switch off for good; recreate it without: ip tuntap del dev " + name + " mode tun && ip tuntap"
                    + " add dev " + name + " mode tun");
        }
    }

    private static int openCloneDevice(String name) throws IOException {
        int fd = LinuxNative.open(CLONE_DEVICE, LinuxNative.O_RDWR | LinuxNative.O_CLOEXEC | LinuxNative.O_NONBLOCK);
        if (fd >= 0) {
            return fd;
        }
        if (fd == -LinuxNative.ENOENT || fd == -LinuxNative.ENODEV) {
            throw new IOException("cannot open TUN interface " + name + ": " + CLONE_DEVICE + ": "
                    + LinuxNative.describe(-fd) + "; load the tun kernel module (modprobe tun)");
        }
        throw LinuxNative.failure("cannot open TUN interface " + name + ": " + CLONE_DEVICE, -fd);
    }

    /**
     * Attaches the descriptor to the interface with TUNSETIFF.
     *
     * @return the interface's flags after attaching, as TUNGETIFF reports them
     */
    private static short attach(int tunFd, String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            InterfaceRequest request = new InterfaceRequest(arena, name);
            request.setFlags((short) (TunFlags.IFF_TUN | TunFlags.IFF_NO_PI));
            int result = LinuxNative.ioctl(tunFd, TUNSETIFF, request.segment());
            if (result == -LinuxNative.EINVAL) {
                throw new IOException("cannot open TUN interface " + name + ": " + LinuxNative.describe(-result)
                        + "; an interface of that name exists but is not a single-queue TUN interface");
            }
            if (result == -LinuxNative.EBUSY) {
                throw new IOException("cannot open TUN interface " + name + ": " + LinuxNative.describe(-result)
                        + "; another process has it open");
            }
            if (result < 0) {
                throw LinuxNative.failure("cannot open TUN interface " + name, -result);
            }

            result = LinuxNative.ioctl(tunFd, TUNGETIFF, request.segment());
            if (result < 0) {
                throw LinuxNative.failure("cannot read the flags of TUN interface " + name, -result);
            }
            return request.flags();
        }
    }

    private static void closeAfterFailedOpen(String name, int tunFd, int wakeupFd, InterfaceControl control,
            Arena arena) {
        if (control != null) {
            try {
                control.close();
            } catch (IOException e) {
                Logger.debug(e, "event=tun_open_cleanup_failed interface={}", name);
            }
        }
        if (wakeupFd >= 0) {
            LinuxNative.close(wakeupFd);
        }
        if (tunFd >= 0) {
            LinuxNative.close(tunFd);
        }
        arena.close();
    }

    /**
     * {@inheritDoc}
     *
     * <p>Skips and counts packets that are not IPv4, and packets longer than {@code buffer}.
     *
     * @throws IllegalArgumentException if {@code buffer} is shorter than an IPv4 header (20 bytes)
     */
    @Override
    public int read(byte[] buffer) throws IOException {
        if (buffer.length < Ipv4Packet.MIN_HEADER_LENGTH) {
            throw new IllegalArgumentException("read buffer of " + buffer.length
                    + " bytes is shorter than an IPv4 header; pass at least mtu() bytes");
        }
        barrier.enter();
        readLock.lock();
        try {
            MemorySegment target = segmentFor(buffer);
            while (true) {
                // A flood of skipped packets must not keep a closed reader busy.
                if (barrier.isClosed()) {
                    throw new ClosedChannelException();
                }

                long result = LinuxNative.read(tunFd, target, buffer.length);
                if (result >= 0) {
                    if (isDeliverable(buffer, result)) {
                        return (int) result;
                    }
                } else if (result == -LinuxNative.EAGAIN) {
                    awaitReadable();
                } else if (result == -LinuxNative.EBADFD) {
                    throw new IOException("cannot read from TUN interface " + name + ": "
                            + LinuxNative.describe(LinuxNative.EBADFD) + "; the interface was deleted");
                } else if (result != -LinuxNative.EINTR) {
                    throw LinuxNative.failure("cannot read from TUN interface " + name, (int) -result);
                }
            }
        } finally {
            readLock.unlock();
            barrier.exit();
        }
    }

    private MemorySegment segmentFor(byte[] buffer) {
        if (buffer != readBuffer) {
            readBuffer = buffer;
            readSegment = MemorySegment.ofArray(buffer);
        }
        return readSegment;
    }

    private boolean isDeliverable(byte[] buffer, long length) {
        if (length == 0 || Ipv4Packet.version(buffer) != 4) {
            counts.nonIpv4Skipped.increment();
            return false;
        }
        // The kernel cuts a packet longer than the buffer short and returns only the bytes copied,
        // so the IPv4 total length is what reveals it.
        if (length >= 4 && Ipv4Packet.totalLength(buffer) > length) {
            counts.oversizedSkipped.increment();
            Logger.trace("event=tun_read_oversized interface={} buffer_length={}", name, buffer.length);
            return false;
        }
        counts.packetsRead.increment();
        counts.bytesRead.add(length);
        return true;
    }

    /** Blocks until the TUN descriptor or the wakeup eventfd is readable. */
    private void awaitReadable() throws IOException {
        int result = LinuxNative.poll(pollfds, 2, -1);
        if (result < 0 && result != -LinuxNative.EINTR) {
            throw LinuxNative.failure("cannot wait for packets on TUN interface " + name, -result);
        }
        // Only close() signals the eventfd, and it closes the barrier first.
        if (barrier.isClosed()) {
            throw new ClosedChannelException();
        }
    }

    /**
     * {@inheritDoc}
     *
     * <p>A packet the kernel cannot queue right now (EAGAIN, ENOBUFS, EINTR) is dropped and counted in
     * {@link Counters#writesDropped}. One it refuses (EINVAL for a packet that is neither IPv4 nor
     * IPv6, EMSGSIZE, EIO while the interface is down) is dropped and counted in
     * {@link Counters#writesRejected}.
     */
    @Override
    public void write(byte[] packet, int length) throws IOException {
        Objects.checkFromIndexSize(0, length, packet.length);
        barrier.enter();
        try {
            long result = LinuxNative.write(tunFd, MemorySegment.ofArray(packet), length);
            if (result >= 0) {
                counts.packetsWritten.increment();
                counts.bytesWritten.add(length);
                if (downReported.get() && downReported.compareAndSet(true, false)) {
                    Logger.info("event=tun_writable_again interface={}", name);
                }
                return;
            }

            int errno = (int) -result;
            switch (errno) {
                case LinuxNative.EAGAIN, LinuxNative.ENOBUFS, LinuxNative.EINTR -> {
                    counts.writesDropped.increment();
                    Logger.trace("event=tun_write_dropped interface={} length={}", name, length);
                }
                case LinuxNative.EINVAL, LinuxNative.EMSGSIZE, LinuxNative.EIO -> {
                    counts.writesRejected.increment();
                    if (errno == LinuxNative.EIO && downReported.compareAndSet(false, true)) {
                        Logger.warn("event=tun_down interface={} action=dropping_packets_until_up", name);
                    }
                    Logger.trace("event=tun_write_rejected interface={} length={} errno={}", name, length, errno);
                }
                default -> throw LinuxNative.failure("cannot write to TUN interface " + name, errno);
            }
        } finally {
            barrier.exit();
        }
    }

    /**
     * Returns the interface's current MTU, read from the kernel on every call (one ioctl), so a
     * caller on the per-packet path should keep the value. After {@link #close} it returns the
     * last value seen.
     *
     * @throws UncheckedIOException if the kernel cannot report it, e.g. because the interface was deleted
     */
    @Override
    public int mtu() {
        try {
            barrier.enter();
        } catch (ClosedChannelException e) {
            return lastMtu;
        }
        try {
            lastMtu = control.mtu();
            return lastMtu;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            barrier.exit();
        }
    }

    @Override
    public String name() {
        return name;
    }

    /** Reports whether the interface is persistent, so that it outlives this object. */
    public boolean isPersistent() {
        return persistent;
    }

    /**
     * Sets the interface's MTU.
     *
     * @throws IllegalArgumentException if {@code mtu} is outside 68 to 65535
     */
    public void setMtu(int mtu) throws IOException {
        barrier.enter();
        try {
            control.setMtu(mtu);
            lastMtu = mtu;
            Logger.info("event=tun_mtu_set interface={} mtu={}", name, mtu);
        } finally {
            barrier.exit();
        }
    }

    /**
     * Adds an IPv4 address with its prefix length, e.g. 192.168.28.1/24, which also routes that
     * subnetwork to the interface. Adding an address the interface already has is not an error.
     *
     * @param address the address in network order, as {@link Ipv4Address#parse} returns it
     * @throws IllegalArgumentException if {@code prefixLength} is outside 0 to 32
     */
    public void addAddress(int address, int prefixLength) throws IOException {
        barrier.enter();
        try {
            boolean added = control.addIpv4Address(address, prefixLength);
            Logger.info("event={} interface={} address={}/{}", added ? "tun_address_added" : "tun_address_kept",
                    name, Ipv4Address.format(address), prefixLength);
        } finally {
            barrier.exit();
        }
    }

    /** Brings the interface up. An interface that is up already stays as it is. */
    public void bringUp() throws IOException {
        barrier.enter();
        try {
            control.bringUp();
            Logger.info("event=tun_up interface={}", name);
        } finally {
            barrier.exit();
        }
    }

    /** Returns a snapshot of the packet counters since {@link #open}. */
    public Counters counters() {
        return counts.snapshot();
    }

    /**
     * {@inheritDoc}
     *
     * <p>If a call is still inside the kernel after a bounded wait, the descriptors are left open
     * and a warning is logged: a leaked descriptor is harmless, but one closed under a running
     * call could have its number reused by the next file this process opens.
     */
    @Override
    public void close() throws IOException {
        if (!barrier.close()) {
            return;
        }
        wakeReader();
        if (!barrier.awaitIdle(CLOSE_TIMEOUT)) {
            Logger.warn("event=tun_left_open interface={} reason=call_did_not_return waited={}", name, CLOSE_TIMEOUT);
            return;
        }

        IOException failure = null;
        try {
            control.close();
        } catch (IOException e) {
            failure = e;
        }
        failure = closeDescriptor(wakeupFd, "the wakeup eventfd of", failure);
        failure = closeDescriptor(tunFd, "TUN interface", failure);
        arena.close();

        Counters totals = counters();
        Logger.info("event=tun_closed interface={} packets_read={} packets_written={} non_ipv4_skipped={}"
                + " writes_dropped={} writes_rejected={}", name, totals.packetsRead(), totals.packetsWritten(),
                totals.nonIpv4Skipped(), totals.writesDropped(), totals.writesRejected());
        if (failure != null) {
            throw failure;
        }
    }

    private void wakeReader() {
        try (Arena signalArena = Arena.ofConfined()) {
            MemorySegment increment = signalArena.allocate(JAVA_LONG);
            increment.set(JAVA_LONG, 0, 1L);
            long result = LinuxNative.write(wakeupFd, increment, increment.byteSize());
            if (result < 0) {
                Logger.warn("event=tun_wakeup_failed interface={} error={}", name,
                        LinuxNative.describe((int) -result));
            }
        }
    }

    private IOException closeDescriptor(int fd, String what, IOException failure) {
        int result = LinuxNative.close(fd);
        if (result >= 0) {
            return failure;
        }
        IOException closeFailure = LinuxNative.failure("cannot close " + what + " " + name, -result);
        if (failure == null) {
            return closeFailure;
        }
        failure.addSuppressed(closeFailure);
        return failure;
    }

    private void setPollfd(int index, int fd) {
        long offset = index * LinuxNative.POLLFD_SIZE;
        pollfds.set(JAVA_INT, offset, fd);
        pollfds.set(JAVA_SHORT, offset + 4, LinuxNative.POLLIN);
    }

    /**
     * Packet counters of one TUN interface.
     *
     * @param packetsRead IPv4 packets returned by {@link #read}
     * @param bytesRead their total length
     * @param packetsWritten packets the kernel accepted from {@link #write}
     * @param bytesWritten their total length
     * @param nonIpv4Skipped packets read and skipped because they were not IPv4, mostly IPv6
     * @param oversizedSkipped IPv4 packets read and skipped because they were longer than the read buffer
     * @param writesDropped packets dropped because the kernel could not queue them (EAGAIN, ENOBUFS, EINTR)
     * @param writesRejected packets the kernel refused (EINVAL, EMSGSIZE, or EIO while the interface is down)
     */
    public record Counters(long packetsRead, long bytesRead, long packetsWritten, long bytesWritten,
            long nonIpv4Skipped, long oversizedSkipped, long writesDropped, long writesRejected) {
    }

    private static final class Counts {
        final LongAdder packetsRead = new LongAdder();
        final LongAdder bytesRead = new LongAdder();
        final LongAdder packetsWritten = new LongAdder();
        final LongAdder bytesWritten = new LongAdder();
        final LongAdder nonIpv4Skipped = new LongAdder();
        final LongAdder oversizedSkipped = new LongAdder();
        final LongAdder writesDropped = new LongAdder();
        final LongAdder writesRejected = new LongAdder();

        Counters snapshot() {
            return new Counters(packetsRead.sum(), bytesRead.sum(), packetsWritten.sum(), bytesWritten.sum(),
                    nonIpv4Skipped.sum(), oversizedSkipped.sum(), writesDropped.sum(), writesRejected.sum());
        }
    }
}
