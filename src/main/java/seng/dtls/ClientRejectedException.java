package seng.dtls;

/**
 * Thrown by a {@link ClientCertificateHandler} to turn a client away. The handshake then ends
 * with a fatal alert to the client.
 */
public final class ClientRejectedException extends Exception {
    private final String reason;
    private final Alert alert;

    /**
     * @param reason a stable snake_case code for logs and metrics, such as {@code key_binding_mismatch}
     * @param message a sentence for the operator naming what failed and the value at fault
     */
    public ClientRejectedException(String reason, String message, Alert alert) {
        super(message);
        this.reason = reason;
        this.alert = alert;
    }

    public String reason() {
        return reason;
    }

    public Alert alert() {
        return alert;
    }

    /** The fatal alerts a rejection can send, with their RFC 5246 codes. */
    public enum Alert {
        HANDSHAKE_FAILURE((short) 40),
        BAD_CERTIFICATE((short) 42),
        ACCESS_DENIED((short) 49),
        INSUFFICIENT_SECURITY((short) 71),
        INTERNAL_ERROR((short) 80);

        final short code;

        Alert(short code) {
            this.code = code;
        }
    }
}
