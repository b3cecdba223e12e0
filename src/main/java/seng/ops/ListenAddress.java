package seng.ops;

import java.net.InetSocketAddress;

/** Parses the {@code HOST:PORT} form of a TCP listen or connect address, with IPv6 hosts in brackets. */
public final class ListenAddress {
    private ListenAddress() {
    }

    /**
     * Parses {@code 127.0.0.1:9145}, {@code localhost:9145} or {@code [::1]:9145} and resolves the
     * host. Port 0 stands for a free port chosen at bind time.
     *
     * @throws IllegalArgumentException if the text is not of that form, the port is out of range
     *     or the host cannot be resolved
     */
    public static InetSocketAddress parse(String text) {
        int colon = text.lastIndexOf(':');
        if (colon <= 0 || colon == text.length() - 1) {
            throw invalid(text, "expected HOST:PORT such as 127.0.0.1:" + StatusServer.DEFAULT_PORT);
        }
        String host = text.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw invalid(text, "write an IPv6 address in brackets, such as [::1]:" + StatusServer.DEFAULT_PORT);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw invalid(text, "the port is not a number");
        }
        if (port < 0 || port > 65535) {
            throw invalid(text, "the port must be from 0 to 65535");
        }
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw invalid(text, "cannot resolve host '" + host + "'");
        }
        return address;
    }

    private static IllegalArgumentException invalid(String text, String reason) {
        return new IllegalArgumentException("invalid address '" + text + "': " + reason);
    }
}
