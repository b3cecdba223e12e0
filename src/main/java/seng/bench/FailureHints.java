package seng.bench;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Explains the failure kinds that usually come from the set-up of a run rather than from the load,
 * so that a report full of them names what to change.
 */
final class FailureHints {
    private FailureHints() {
    }

    /**
     * Returns one sentence for each failure kind in {@code kinds} with a known usual cause, in a fixed order.
     *
     * @param server the server address as the report shows it
     */
    static List<String> explain(Collection<String> kinds, Path testDir, String server) {
        List<String> hints = new ArrayList<>();
        if (kinds.contains("alert_sent_bad_certificate")) {
            hints.add("alert_sent_bad_certificate: the enclaves rejected the server's certificate because it is not "
                    + testDir.resolve(LoadGenerator.SERVER_CERTIFICATE_FILE) + ". Give --test-dir the directory that"
                    + " the server on " + server + " was started with.");
        }
        if (kinds.contains("port_unreachable")) {
            hints.add("port_unreachable: no server listens on " + server + ". Check that it runs, and on that address"
                    + " and port.");
        }
        if (kinds.contains("alert_received_handshake_failure")) {
            hints.add("alert_received_handshake_failure: the server refused the enclaves. A full enclave subnetwork is"
                    + " the usual cause (253 addresses without --enclave-subnet, fewer while tunnels of an earlier run"
                    + " are still open), which the server logs as event=admission decision=refused reason=subnet_full.");
        }
        return hints;
    }
}
