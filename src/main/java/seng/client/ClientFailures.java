package seng.client;

import java.net.PortUnreachableException;
import java.net.SocketTimeoutException;

import org.bouncycastle.tls.AlertDescription;
import org.bouncycastle.tls.TlsFatalAlert;
import org.bouncycastle.tls.TlsFatalAlertReceived;
import org.bouncycastle.tls.TlsTimeoutException;

/**
 * Sorts the exceptions of a simulated enclave into short snake_case kinds for counting, such as
 * {@code alert_received_handshake_failure} or {@code port_unreachable}, without exposing Bouncy
 * Castle types to callers.
 */
public final class ClientFailures {
    private ClientFailures() {
    }

    /**
     * Returns the kind of a failure. Bouncy Castle wraps transport errors in an internal_error
     * alert, so the cause chain is searched for a more telling root first.
     */
    public static String classify(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            switch (cause) {
                case TlsFatalAlertReceived received -> {
                    return "alert_received_" + AlertDescription.getName(received.getAlertDescription());
                }
                case PortUnreachableException unreachable -> {
                    return "port_unreachable";
                }
                case TlsTimeoutException timeout -> {
                    return "handshake_timeout";
                }
                case SocketTimeoutException timeout -> {
                    return "timeout";
                }
                default -> {
                    // Look at the next cause.
                }
            }
        }
        if (failure instanceof TlsFatalAlert alert) {
            return "alert_sent_" + AlertDescription.getName(alert.getAlertDescription());
        }
        // SimulatedEnclave.Tunnel1 words this failure so.
        if (failure.getMessage() != null && failure.getMessage().startsWith("no IpAssignment")) {
            return "ip_assignment_timeout";
        }
        return "other_" + failure.getClass().getSimpleName();
    }
}
