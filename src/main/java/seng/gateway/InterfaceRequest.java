package seng.gateway;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

/**
 * A Linux {@code struct ifreq}: the interface name in 16 bytes, followed by a union whose member
 * depends on the request: flags ({@code short}), MTU or interface index ({@code int}).
 */
final class InterfaceRequest {
    /** IFNAMSIZ minus the terminating NUL byte. */
    static final int MAX_NAME_LENGTH = 15;

    private static final long SIZE = 40;
    private static final long UNION_OFFSET = 16;

    private final MemorySegment segment;

    /**
     * Allocates a zeroed request carrying {@code name}.
     *
     * @throws IllegalArgumentException if the kernel would reject the name, see {@link #encodeName}
     */
    InterfaceRequest(Arena arena, String name) {
        byte[] encoded = encodeName(name);
        segment = arena.allocate(SIZE, 8);
        MemorySegment.copy(encoded, 0, segment, JAVA_BYTE, 0, encoded.length);
    }

    /**
     * Encodes an interface name the kernel accepts: 1 to 15 printable ASCII characters other than
     * '/', ':' and '%', and not "." or "..". The kernel takes some other bytes as well, but its
     * notion of whitespace outside ASCII differs from Java's. A '%' would make the kernel pick a
     * free number ("tun%d"), so no existing interface has one in its name.
     *
     * @throws IllegalArgumentException naming the rejected name and the rule it breaks
     */
    static byte[] encodeName(String name) {
        if (name.isEmpty()) {
            throw new IllegalArgumentException("invalid interface name: the name is empty");
        }
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("invalid interface name '" + name + "': " + name.length()
                    + " characters long, the maximum is " + MAX_NAME_LENGTH);
        }
        if (name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("invalid interface name '" + name + "'");
        }
        for (char character : name.toCharArray()) {
            if (character <= ' ' || character > '~' || character == '/' || character == ':' || character == '%') {
                throw new IllegalArgumentException("invalid interface name '" + name
                        + "': use printable ASCII characters other than '/', ':' and '%'");
            }
        }
        return name.getBytes(StandardCharsets.US_ASCII);
    }

    MemorySegment segment() {
        return segment;
    }

    short flags() {
        return segment.get(JAVA_SHORT, UNION_OFFSET);
    }

    void setFlags(short flags) {
        segment.set(JAVA_SHORT, UNION_OFFSET, flags);
    }

    /** Returns the union as an {@code int}: {@code ifr_mtu} or {@code ifr_ifindex}. */
    int intValue() {
        return segment.get(JAVA_INT, UNION_OFFSET);
    }

    void setIntValue(int value) {
        segment.set(JAVA_INT, UNION_OFFSET, value);
    }
}
