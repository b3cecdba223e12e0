package seng.gateway;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.OptionalInt;

import seng.ip.Ipv4Address;

/**
 * Reads and changes the settings of one network interface by name: MTU and flags through ioctls on
 * an {@code AF_INET} datagram socket, IPv4 addresses and link details through rtnetlink, as the
 * {@code ip} command does. Rtnetlink adds any number of addresses with their prefix length, where
 * the SIOCSIFADDR ioctl would need an alias label ({@code name:N}) for every address but the first.
 *
 * <p>A socket belongs to the network namespace of the thread that created it, so both are created
 * in {@link #open}: later calls from any thread reach the namespace the interface lives in.
 * Thread-safe.
 */
final class InterfaceControl implements AutoCloseable {
    private static final long SIOCGIFFLAGS = 0x8913;
    private static final long SIOCSIFFLAGS = 0x8914;
    private static final long SIOCGIFMTU = 0x8921;
    private static final long SIOCSIFMTU = 0x8922;
    private static final long SIOCGIFINDEX = 0x8933;
    private static final short IFF_UP = 0x1;

    /** RFC 791 requires every IPv4 host to accept 68-byte datagrams, and 65535 is the largest total length. */
    private static final int MIN_MTU = 68;
    private static final int MAX_MTU = 65535;

    private static final short RTM_NEWLINK = 16;
    private static final short RTM_GETLINK = 18;
    private static final short RTM_NEWADDR = 20;
    private static final int INTERFACE_INFO_SIZE = 16;
    private static final int ADDRESS_INFO_SIZE = 8;
    private static final int IFLA_LINKINFO = 18;
    private static final int IFLA_INFO_KIND = 1;
    private static final int IFLA_INFO_DATA = 2;
    private static final int IFLA_TUN_TYPE = 3;
    private static final int IFLA_TUN_PI = 4;
    private static final int IFLA_TUN_VNET_HDR = 5;
    private static final int IFLA_TUN_PERSIST = 6;
    private static final int IFLA_TUN_MULTI_QUEUE = 7;
    private static final short IFA_ADDRESS = 1;
    private static final short IFA_LOCAL = 2;
    private static final int ADDRESS_ATTRIBUTE_SIZE = 8;
    private static final ValueLayout.OfInt NETWORK_ORDER_INT = JAVA_INT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

    private final String name;
    private final int inetSocket;
    private final RouteNetlink netlink;

    private InterfaceControl(String name, int inetSocket, RouteNetlink netlink) {
        this.name = name;
        this.inetSocket = inetSocket;
        this.netlink = netlink;
    }

    /**
     * Creates the sockets for controlling interface {@code name}, which need not exist yet.
     *
     * @throws IllegalArgumentException if {@code name} is not a valid interface name
     */
    static InterfaceControl open(String name) throws IOException {
        InterfaceRequest.encodeName(name);
        int inetSocket = LinuxNative.socket(LinuxNative.AF_INET, LinuxNative.SOCK_DGRAM | LinuxNative.SOCK_CLOEXEC, 0);
        if (inetSocket < 0) {
            throw LinuxNative.failure("cannot create the control socket for interface " + name, -inetSocket);
        }
        try {
            return new InterfaceControl(name, inetSocket, RouteNetlink.open());
        } catch (IOException | RuntimeException e) {
            LinuxNative.close(inetSocket);
            throw e;
        }
    }

    /**
     * Looks the interface up.
     *
     * @return empty if no interface has this name
     */
    Optional<ExistingInterface> findExisting() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            InterfaceRequest request = new InterfaceRequest(arena, name);
            int result = LinuxNative.ioctl(inetSocket, SIOCGIFINDEX, request.segment());
            if (result == -LinuxNative.ENODEV) {
                return Optional.empty();
            }
            if (result < 0) {
                throw failure("find", -result);
            }
            return describeLink(arena, request.intValue());
        }
    }

    int mtu() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            InterfaceRequest request = new InterfaceRequest(arena, name);
            ioctl(SIOCGIFMTU, request, "read the MTU of");
            return request.intValue();
        }
    }

    /**
     * Sets the MTU.
     *
     * @throws IllegalArgumentException if {@code mtu} is outside 68 to 65535
     */
    void setMtu(int mtu) throws IOException {
        if (mtu < MIN_MTU || mtu > MAX_MTU) {
            throw new IllegalArgumentException("invalid MTU " + mtu + " for interface " + name
                    + ": expected " + MIN_MTU + " to " + MAX_MTU);
        }
        try (Arena arena = Arena.ofConfined()) {
            InterfaceRequest request = new InterfaceRequest(arena, name);
            request.setIntValue(mtu);
            ioctl(SIOCSIFMTU, request, "set MTU " + mtu + " on");
        }
    }

    /** Sets IFF_UP and keeps the other flags. An interface that is up already is left alone. */
    void bringUp() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            InterfaceRequest request = new InterfaceRequest(arena, name);
            ioctl(SIOCGIFFLAGS, request, "read the flags of");
            if ((request.flags() & IFF_UP) != 0) {
                return;
            }
            request.setFlags((short) (request.flags() | IFF_UP));
            ioctl(SIOCSIFFLAGS, request, "bring up");
        }
    }

    /**
     * Adds {@code address}/{@code prefixLength}, which also routes that subnetwork to the interface.
     *
     * @return false if the interface already had this address with this prefix length
     * @throws IllegalArgumentException if {@code prefixLength} is outside 0 to 32
     */
    boolean addIpv4Address(int address, int prefixLength) throws IOException {
        Ipv4Address.netmask(prefixLength); // rejects a prefix length outside 0 to 32
        String action = "add address " + Ipv4Address.format(address) + "/" + prefixLength + " to";
        try (Arena arena = Arena.ofConfined()) {
            InterfaceRequest indexRequest = new InterfaceRequest(arena, name);
            ioctl(SIOCGIFINDEX, indexRequest, action);

            MemorySegment message = newAddressMessage(arena, indexRequest.intValue(), address, prefixLength);
            MemorySegment reply = netlink.exchange(arena, message, failureMessage(action));
            int error = RouteNetlink.errorCode(reply);
            if (error == -LinuxNative.EEXIST) {
                return false;
            }
            if (error < 0) {
                throw failure(action, -error);
            }
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        IOException failure = null;
        int inetResult = LinuxNative.close(inetSocket);
        if (inetResult < 0) {
            failure = failure("close the control socket of", -inetResult);
        }
        try {
            netlink.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    private Optional<ExistingInterface> describeLink(Arena arena, int index) throws IOException {
        MemorySegment request = RouteNetlink.newMessage(arena, RouteNetlink.HEADER_SIZE + INTERFACE_INFO_SIZE,
                RTM_GETLINK, RouteNetlink.NLM_F_REQUEST);
        // ifi_family stays AF_UNSPEC.
        request.set(JAVA_INT, RouteNetlink.HEADER_SIZE + 4, index);

        MemorySegment reply = netlink.exchange(arena, request, failureMessage("describe"));
        if (RouteNetlink.type(reply) == RouteNetlink.NLMSG_ERROR) {
            int error = RouteNetlink.errorCode(reply);
            if (error == -LinuxNative.ENODEV) {
                return Optional.empty();
            }
            throw failure("describe", -error);
        }
        if (RouteNetlink.type(reply) != RTM_NEWLINK) {
            throw new IOException(failureMessage("describe") + ": unexpected rtnetlink reply type "
                    + RouteNetlink.type(reply));
        }

        long attributesOffset = RouteNetlink.HEADER_SIZE + INTERFACE_INFO_SIZE;
        MemorySegment attributes = reply.asSlice(attributesOffset, reply.byteSize() - attributesOffset);
        Optional<MemorySegment> linkInfo = RouteNetlink.findAttribute(attributes, IFLA_LINKINFO);
        String kind = linkInfo.flatMap(info -> RouteNetlink.findAttribute(info, IFLA_INFO_KIND))
                .map(text -> text.getString(0))
                .orElse("");
        // IFLA_INFO_DATA attribute types are specific to each kind.
        OptionalInt tunFlags = linkInfo.filter(info -> kind.equals("tun"))
                .flatMap(info -> RouteNetlink.findAttribute(info, IFLA_INFO_DATA))
                .map(InterfaceControl::tunFlags)
                .orElse(OptionalInt.empty());
        return Optional.of(new ExistingInterface(kind, tunFlags));
    }

    /** Translates the IFLA_TUN_* attributes of a TUN or TAP interface into TUNSETIFF flags. */
    private static OptionalInt tunFlags(MemorySegment data) {
        Optional<MemorySegment> type = RouteNetlink.findAttribute(data, IFLA_TUN_TYPE);
        if (type.isEmpty()) {
            return OptionalInt.empty();
        }
        int flags = type.get().get(JAVA_BYTE, 0);
        if (!isSet(data, IFLA_TUN_PI)) {
            flags |= TunFlags.IFF_NO_PI;
        }
        if (isSet(data, IFLA_TUN_VNET_HDR)) {
            flags |= TunFlags.IFF_VNET_HDR;
        }
        if (isSet(data, IFLA_TUN_PERSIST)) {
            flags |= TunFlags.IFF_PERSIST;
        }
        if (isSet(data, IFLA_TUN_MULTI_QUEUE)) {
            flags |= TunFlags.IFF_MULTI_QUEUE;
        }
        return OptionalInt.of(flags);
    }

    private static boolean isSet(MemorySegment attributes, int type) {
        return RouteNetlink.findAttribute(attributes, type)
                .map(value -> value.byteSize() > 0 && value.get(JAVA_BYTE, 0) != 0)
                .orElse(false);
    }

    private static MemorySegment newAddressMessage(Arena arena, int interfaceIndex, int address, int prefixLength) {
        int size = RouteNetlink.HEADER_SIZE + ADDRESS_INFO_SIZE + 2 * ADDRESS_ATTRIBUTE_SIZE;
        short flags = (short) (RouteNetlink.NLM_F_REQUEST | RouteNetlink.NLM_F_ACK | RouteNetlink.NLM_F_CREATE
                | RouteNetlink.NLM_F_EXCL);
        MemorySegment message = RouteNetlink.newMessage(arena, size, RTM_NEWADDR, flags);

        long info = RouteNetlink.HEADER_SIZE;
        message.set(JAVA_BYTE, info, (byte) LinuxNative.AF_INET);
        message.set(JAVA_BYTE, info + 1, (byte) prefixLength);
        // ifa_flags and ifa_scope stay 0: no flags, RT_SCOPE_UNIVERSE.
        message.set(JAVA_INT, info + 4, interfaceIndex);

        // An IFA_ADDRESS equal to IFA_LOCAL makes this a plain address even on a point-to-point
        // interface such as TUN, so the kernel routes the whole prefix to the interface.
        long attributes = info + ADDRESS_INFO_SIZE;
        putAddressAttribute(message, attributes, IFA_LOCAL, address);
        putAddressAttribute(message, attributes + ADDRESS_ATTRIBUTE_SIZE, IFA_ADDRESS, address);
        return message;
    }

    private static void putAddressAttribute(MemorySegment message, long offset, short type, int address) {
        message.set(JAVA_SHORT, offset, (short) ADDRESS_ATTRIBUTE_SIZE);
        message.set(JAVA_SHORT, offset + 2, type);
        message.set(NETWORK_ORDER_INT, offset + 4, address);
    }

    private void ioctl(long command, InterfaceRequest request, String action) throws IOException {
        int result = LinuxNative.ioctl(inetSocket, command, request.segment());
        if (result < 0) {
            throw failure(action, -result);
        }
    }

    private String failureMessage(String action) {
        return "cannot " + action + " interface " + name;
    }

    private IOException failure(String action, int errno) {
        return LinuxNative.failure(failureMessage(action), errno);
    }

    /**
     * An interface that exists.
     *
     * @param kind the driver's link kind, such as "tun" or "veth", or empty for a device that
     *     reports none, such as loopback
     * @param tunFlags the settings of a TUN or TAP interface as TUNSETIFF flags ({@link TunFlags}),
     *     or empty for other kinds and on kernels before 4.15, which do not report them
     */
    record ExistingInterface(String kind, OptionalInt tunFlags) {
    }
}
