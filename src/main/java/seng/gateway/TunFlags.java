package seng.gateway;

/** The {@code ifr_flags} bits of the TUNSETIFF and TUNGETIFF ioctls (linux/if_tun.h). */
final class TunFlags {
    static final short IFF_TUN = 0x0001;
    static final short IFF_TAP = 0x0002;
    static final short IFF_MULTI_QUEUE = 0x0100;
    /** Set by TUNSETPERSIST, e.g. through {@code ip tuntap add}, and reported by TUNGETIFF only. */
    static final short IFF_PERSIST = 0x0800;
    /** Packets carry no 4-byte packet information header. */
    static final short IFF_NO_PI = 0x1000;
    static final short IFF_VNET_HDR = 0x4000;

    private TunFlags() {
    }
}
