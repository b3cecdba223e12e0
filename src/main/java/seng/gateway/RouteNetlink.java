package seng.gateway;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A {@code NETLINK_ROUTE} socket for one request at a time, with the message layout helpers the
 * requests need (see netlink(7) and rtnetlink(7)). The socket belongs to the network namespace of
 * the thread that opened it. Thread-safe: requests are serialized, so a reply cannot reach the
 * wrong caller.
 */
final class RouteNetlink implements AutoCloseable {
    static final int HEADER_SIZE = 16;
    static final short NLMSG_ERROR = 2;
    static final short NLM_F_REQUEST = 0x1;
    static final short NLM_F_ACK = 0x4;
    static final short NLM_F_EXCL = 0x200;
    static final short NLM_F_CREATE = 0x400;

    private static final int NETLINK_ROUTE = 0;
    private static final int ATTRIBUTE_HEADER_SIZE = 4;
    // Clears the NLA_F_NESTED and NLA_F_NET_BYTEORDER flag bits, which are not part of the type.
    private static final int NLA_TYPE_MASK = 0x3FFF;
    // A link reply carries statistics and dozens of attributes, a few KiB in all.
    private static final long RECEIVE_BUFFER_SIZE = 32 * 1024;
    private static final long REPLY_TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(2);

    private final int fd;
    private int sequence; // guarded by this

    private RouteNetlink(int fd) {
        this.fd = fd;
    }

    static RouteNetlink open() throws IOException {
        int fd = LinuxNative.socket(LinuxNative.AF_NETLINK, LinuxNative.SOCK_RAW | LinuxNative.SOCK_CLOEXEC,
                NETLINK_ROUTE);
        if (fd < 0) {
            throw LinuxNative.failure("cannot create an rtnetlink socket", -fd);
        }
        return new RouteNetlink(fd);
    }

    /** Allocates a zeroed message of {@code size} bytes with its header filled in, but no sequence number. */
    static MemorySegment newMessage(Arena arena, int size, short type, short flags) {
        MemorySegment message = arena.allocate(size, 4);
        message.set(JAVA_INT, 0, size);
        message.set(JAVA_SHORT, 4, type);
        message.set(JAVA_SHORT, 6, flags);
        // The port id at offset 12 stays 0, which addresses the kernel.
        return message;
    }

    /**
     * Sends {@code request} and waits for the reply carrying its sequence number, skipping replies
     * to earlier requests that timed out.
     *
     * @param failureMessage the start of the exception message if the exchange fails, e.g.
     *     "cannot add address 10.0.0.1/24 to interface tun0"
     * @return the reply message, starting at its header
     */
    synchronized MemorySegment exchange(Arena arena, MemorySegment request, String failureMessage)
            throws IOException {
        int requestSequence = ++sequence;
        request.set(JAVA_INT, 8, requestSequence);
        long sent = LinuxNative.send(fd, request, request.byteSize(), 0);
        if (sent < 0) {
            throw LinuxNative.failure(failureMessage, (int) -sent);
        }

        MemorySegment buffer = arena.allocate(RECEIVE_BUFFER_SIZE, 4);
        MemorySegment pollfd = arena.allocate(LinuxNative.POLLFD_SIZE, 4);
        pollfd.set(JAVA_INT, 0, fd);
        pollfd.set(JAVA_SHORT, 4, LinuxNative.POLLIN);
        long deadline = System.nanoTime() + REPLY_TIMEOUT_NANOS;

        while (true) {
            long remainingMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            if (remainingMillis <= 0) {
                throw LinuxNative.failure(failureMessage, LinuxNative.ETIMEDOUT);
            }

            long received = LinuxNative.recv(fd, buffer, RECEIVE_BUFFER_SIZE, LinuxNative.MSG_DONTWAIT);
            if (received >= 0) {
                Optional<MemorySegment> reply = findMessage(buffer.asSlice(0, received), requestSequence);
                if (reply.isPresent()) {
                    return reply.get();
                }
            } else if (received == -LinuxNative.EAGAIN) {
                int polled = LinuxNative.poll(pollfd, 1, (int) remainingMillis);
                if (polled < 0 && polled != -LinuxNative.EINTR) {
                    throw LinuxNative.failure(failureMessage, -polled);
                }
            } else if (received != -LinuxNative.EINTR) {
                throw LinuxNative.failure(failureMessage, (int) -received);
            }
        }
    }

    /** Returns the message type, e.g. {@link #NLMSG_ERROR}. */
    static short type(MemorySegment message) {
        return message.get(JAVA_SHORT, 4);
    }

    /** Returns the error code of an {@link #NLMSG_ERROR} reply: 0 for an acknowledgement, else the negated errno. */
    static int errorCode(MemorySegment message) {
        return message.get(JAVA_INT, HEADER_SIZE);
    }

    /** Returns the payload of the first attribute of {@code type} among the attributes in {@code attributes}. */
    static Optional<MemorySegment> findAttribute(MemorySegment attributes, int type) {
        long offset = 0;
        while (offset + ATTRIBUTE_HEADER_SIZE <= attributes.byteSize()) {
            int length = Short.toUnsignedInt(attributes.get(JAVA_SHORT, offset));
            int attributeType = attributes.get(JAVA_SHORT, offset + 2) & NLA_TYPE_MASK;
            if (length < ATTRIBUTE_HEADER_SIZE || offset + length > attributes.byteSize()) {
                return Optional.empty();
            }
            if (attributeType == type) {
                return Optional.of(attributes.asSlice(offset + ATTRIBUTE_HEADER_SIZE, length - ATTRIBUTE_HEADER_SIZE));
            }
            offset += align(length);
        }
        return Optional.empty();
    }

    /** Rounds a length up to the 4-byte alignment of netlink messages and attributes. */
    static int align(int length) {
        return (length + 3) & ~3;
    }

    @Override
    public void close() throws IOException {
        int result = LinuxNative.close(fd);
        if (result < 0) {
            throw LinuxNative.failure("cannot close an rtnetlink socket", -result);
        }
    }

    private static Optional<MemorySegment> findMessage(MemorySegment messages, int wantedSequence) {
        long offset = 0;
        while (offset + HEADER_SIZE <= messages.byteSize()) {
            int length = messages.get(JAVA_INT, offset);
            if (length < HEADER_SIZE || offset + length > messages.byteSize()) {
                return Optional.empty();
            }
            MemorySegment message = messages.asSlice(offset, length);
            boolean complete = type(message) != NLMSG_ERROR || length >= HEADER_SIZE + 4;
            if (message.get(JAVA_INT, 8) == wantedSequence && complete) {
                return Optional.of(message);
            }
            offset += align(length);
        }
        return Optional.empty();
    }
}
