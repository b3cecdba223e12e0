package seng.tunnel;

/** The reason a tunnel packet was dropped, with the code used in metrics and status output. */
public enum DropReason {
    /** An enclave packet whose source is not the address assigned to its tunnel. */
    SPOOFED_SOURCE("spoofed_source"),
    /** An enclave record that is not a well-formed IPv4 packet. */
    MALFORMED("malformed"),
    /** A gateway packet shorter than an IPv4 header. */
    TOO_SHORT("too_short"),
    /** A gateway packet larger than one DTLS record to the enclave can carry. */
    TOO_LARGE("too_large"),
    /** A gateway packet for an address no tunnel holds. */
    NO_TUNNEL("no_tunnel"),
    /** A record the client sent on tunnel #2, which only carries gateway-to-enclave traffic. */
    DATA_ON_SEND_TUNNEL("data_on_send_tunnel");

    private final String code;

    DropReason(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
