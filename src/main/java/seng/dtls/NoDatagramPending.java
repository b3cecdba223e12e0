package seng.dtls;

import java.io.InterruptedIOException;

/**
 * Thrown by a transport in inline or event mode when no datagram is waiting. Bouncy Castle passes an
 * {@link InterruptedIOException} through without failing the connection, which makes it the
 * one way to leave its receive loop without waiting.
 */
public final class NoDatagramPending extends InterruptedIOException {
    public static final NoDatagramPending INSTANCE = new NoDatagramPending();

    private NoDatagramPending() {
        super("no datagram pending");
    }

    /** Shared and thrown often, so it records no stack trace. */
    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}
