package seng.dtls;

import java.io.IOException;

/** A handshake that did not complete, with a stable reason code and a sentence for the log. */
public final class HandshakeFailedException extends IOException {
    private final String reason;

    HandshakeFailedException(String reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** Returns a snake_case code for logs and metrics, such as {@code timeout} or {@code key_binding_mismatch}. */
    public String reason() {
        return reason;
    }
}
