package seng.ip;

import java.net.InetSocketAddress;

/** Formats socket addresses as {@code 127.0.0.1:41082} for logs; {@link InetSocketAddress#toString} adds a slash. */
public final class HostPort {
    private HostPort() {
    }

    public static String format(InetSocketAddress address) {
        if (address == null) {
            return "-";
        }
        String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
    }
}
