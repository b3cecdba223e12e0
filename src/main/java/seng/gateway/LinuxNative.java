package seng.gateway;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.Optional;

/**
 * Downcalls into the C library for the Linux system calls the TUN gateway needs, linked once
 * through the FFM API.
 *
 * <p>Every wrapper returns the call's result on success and the negated {@code errno} on failure,
 * the convention of the kernel's own system call interface, so callers branch on the sign and never
 * handle {@code errno} themselves. {@link #describe} turns an {@code errno} into text for messages.
 *
 * <p>{@link #read} and {@link #write} are linked as critical functions with heap access, so a
 * {@code byte[]} is passed to the kernel directly, with no copy and no native buffer. A critical
 * call keeps its thread in the Java state, which delays safepoints for as long as the call runs,
 * so callers may only use them on non-blocking descriptors.
 *
 * <p>The constants are those of Linux on x86-64 and AArch64. A few of them differ on Alpha, MIPS,
 * PA-RISC and SPARC, which this server does not support.
 */
@SuppressWarnings("restricted") // linking downcalls is this class's job
final class LinuxNative {
    static final int O_RDONLY = 0;
    static final int O_RDWR = 2;
    static final int O_NONBLOCK = 0x800;
    static final int O_CLOEXEC = 0x80000;

    static final int EFD_NONBLOCK = O_NONBLOCK;
    static final int EFD_CLOEXEC = O_CLOEXEC;

    static final int AF_INET = 2;
    static final int AF_NETLINK = 16;
    static final int SOCK_DGRAM = 2;
    static final int SOCK_RAW = 3;
    static final int SOCK_CLOEXEC = O_CLOEXEC;
    static final int MSG_DONTWAIT = 0x40;

    static final short POLLIN = 0x1;
    static final long POLLFD_SIZE = 8;

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int EINTR = 4;
    static final int EIO = 5;
    static final int EAGAIN = 11;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int EBADFD = 77;
    static final int EMSGSIZE = 90;
    static final int ENOBUFS = 105;
    static final int ETIMEDOUT = 110;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();

    private static final StructLayout CALL_STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE_LAYOUT.varHandle(PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final Linker.Option CRITICAL_WITH_HEAP_ACCESS = Linker.Option.critical(true);

    /*
     * errno has to be captured into native memory by the call itself, before the JVM can overwrite
     * it. One capture segment per thread keeps concurrent writers apart without allocating per call,
     * and Arena.ofAuto() frees a thread's segment after the thread is gone.
     */
    private static final ThreadLocal<MemorySegment> CALL_STATE =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(CALL_STATE_LAYOUT));

    private static final MethodHandle OPEN = link("open",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle CLOSE = link("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = link("read",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CRITICAL_WITH_HEAP_ACCESS);
    private static final MethodHandle WRITE = link("write",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG), CRITICAL_WITH_HEAP_ACCESS);
    private static final MethodHandle IOCTL = link("ioctl",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle POLL = link("poll",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle EVENTFD = link("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SOCKET = link("socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle SEND = link("send",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    private static final MethodHandle RECV = link("recv",
            FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));

    // glibc 2.32 and later: English text and the symbolic name, both thread-safe and locale-independent.
    private static final Optional<MethodHandle> ERROR_DESCRIPTION = linkOptional("strerrordesc_np");
    private static final Optional<MethodHandle> ERROR_NAME = linkOptional("strerrorname_np");

    private LinuxNative() {
    }

    static int open(String path, int flags) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = CALL_STATE.get();
            int result = (int) OPEN.invokeExact(state, arena.allocateFrom(path), flags);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable thrown) {
            throw propagate(thrown);
        }
    }

    static int close(int fd) {
        try {
            MemorySegment state = CALL_STATE.get();
            int result = (int) CLOSE.invokeExact(state, fd);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable thrown) {
            throw propagate(thrown);
        }
    }

    /**
     * Reads into {@code buffer}, which may be a heap segment. A critical call must not block, so
     * {@code fd} must be non-blocking.
     */
    static long read(int fd, MemorySegment buffer, long count) {
        try {
            MemorySegment state = CALL_STATE.get();
            long result = (long) READ.invokeExact(state, fd, buffer, count);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable thrown) {
            throw propagate(thrown);
        }
    }

    /**
     * Writes from {@code buffer}, which may be a heap segment. A critical call must not block, so
     * {@code fd} must be non-blocking.
     */
    static long write(int fd, MemorySegment buffer, long count) {
        try {
            MemorySegment state = CALL_STATE.get();
            long result = (long) WRITE.invokeExact(state, fd, buffer, count);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable thrown) {
            throw propagate(thrown);
        }
    }

    static int ioctl(int fd, long request, MemorySegment argument) {
        try {
            MemorySegment state = CALL_STATE.get();
            int result = (int) IOCTL.invokeExact(state, fd, request, argument);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable thrown) {
            throw propagate(thrown);
        }
    }

    /** Waits for events on an array of {@code struct pollfd}. A negative timeout waits forever. */
    static int poll(MemorySegment pollfds, long count, int timeoutMillis) {
        try {
            MemorySegment state = CALL_STATE.get();
            int result = (int) POLL.invokeExact(state, pollfds, count, timeoutMillis);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable thrown) {
            throw propagate(thrown);
        }
    }

    static int eventfd(int initialValue, int flags) {
        try {
            MemorySegment state = CALL_STATE.get();
            int result = (int) EVENTFD.invokeExact(state, initialValue, flags);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable thrown) {
            throw propagate(thrown);
        }
    }

    static int socket(int domain, int type, int protocol) {
        try {
            MemorySegment state = CALL_STATE.get();
            int result = (int) SOCKET.invokeExact(state, domain, type, protocol);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable thrown) {
            throw propagate(thrown);
        }
    }

    static long send(int fd, MemorySegment buffer, long count, int flags) {
        try {
            MemorySegment state = CALL_STATE.get();
            long result = (long) SEND.invokeExact(state, fd, buffer, count, flags);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable thrown) {
            throw propagate(thrown);
        }
    }

    static long recv(int fd, MemorySegment buffer, long count, int flags) {
        try {
            MemorySegment state = CALL_STATE.get();
            long result = (long) RECV.invokeExact(state, fd, buffer, count, flags);
            return result >= 0 ? result : -errno(state);
        } catch (Throwable thrown) {
            throw propagate(thrown);
        }
    }

    /**
     * Builds the exception for a failed call: {@code message}, the error text and, for a missing
     * privilege, what to do about it.
     */
    static IOException failure(String message, int errno) {
        String hint = switch (errno) {
            case EPERM -> "; creating or configuring an interface needs root or CAP_NET_ADMIN, and attaching to a"
                    + " persistent one needs its owner (ip tuntap add ... user NAME)";
            case EACCES -> "; the file permissions refuse access (/dev/net/tun is normally mode 0666), or run as root";
            default -> "";
        };
        return new IOException(message + ": " + describe(errno) + hint);
    }

    /** Returns the error text with its symbolic name, such as "Operation not permitted (EPERM)". */
    static String describe(int errno) {
        String description = ERROR_DESCRIPTION.map(handle -> callForString(handle, errno)).orElse("unknown error");
        String name = ERROR_NAME.map(handle -> callForString(handle, errno)).orElse("errno " + errno);
        return description + " (" + name + ")";
    }

    private static String callForString(MethodHandle handle, int errno) {
        try {
            MemorySegment text = (MemorySegment) handle.invokeExact(errno);
            if (text.equals(MemorySegment.NULL)) {
                return null;
            }
            return text.reinterpret(Long.MAX_VALUE).getString(0);
        } catch (Throwable thrown) {
            throw propagate(thrown);
        }
    }

    private static int errno(MemorySegment state) {
        return (int) ERRNO.get(state, 0L);
    }

    private static MethodHandle link(String function, FunctionDescriptor descriptor, Linker.Option... options) {
        Linker.Option[] withErrno = Arrays.copyOf(options, options.length + 1);
        withErrno[options.length] = CAPTURE_ERRNO;
        MemorySegment address = LIBC.find(function)
                .orElseThrow(() -> new UnsatisfiedLinkError("C library function not found: " + function));
        return LINKER.downcallHandle(address, descriptor, withErrno);
    }

    private static Optional<MethodHandle> linkOptional(String function) {
        return LIBC.find(function)
                .map(address -> LINKER.downcallHandle(address, FunctionDescriptor.of(ADDRESS, JAVA_INT)));
    }

    private static RuntimeException propagate(Throwable thrown) {
        if (thrown instanceof RuntimeException runtimeException) {
            return runtimeException;
        }
        if (thrown instanceof Error error) {
            throw error;
        }
        return new IllegalStateException("native call failed unexpectedly", thrown);
    }
}
