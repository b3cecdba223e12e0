package seng.dtls;

import java.io.IOException;
import java.net.InetSocketAddress;

/** Thrown by a peer transport used after it was closed, by either side or by the server. */
final class TransportClosedException extends IOException {
    TransportClosedException(InetSocketAddress remote) {
        super("transport to " + remote + " is closed");
    }
}
