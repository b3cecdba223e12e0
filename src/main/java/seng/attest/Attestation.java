package seng.attest;

import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The verified identity of an enclave: its quote and the IAS report that vouched for it.
 * {@link EvidenceVerifier#verify} returns one after every check passed; the record itself checks
 * nothing.
 */
public record Attestation(SgxQuote quote, IasReport report) {

    public Attestation {
        Objects.requireNonNull(quote, "quote");
        Objects.requireNonNull(report, "report");
    }

    public byte[] mrEnclave() {
        return quote.mrEnclave();
    }

    public byte[] mrSigner() {
        return quote.mrSigner();
    }

    public String mrEnclaveHex() {
        return quote.mrEnclaveHex();
    }

    public String mrSignerHex() {
        return quote.mrSignerHex();
    }

    public int isvProdId() {
        return quote.isvProdId();
    }

    public int isvSvn() {
        return quote.isvSvn();
    }

    public boolean isDebug() {
        return quote.isDebug();
    }

    /** Returns a copy of the 432 quote bytes, which are equal for both tunnels of one application. */
    public byte[] quoteBytes() {
        return quote.bytes();
    }

    public String quoteStatus() {
        return report.isvEnclaveQuoteStatus();
    }

    public List<String> advisoryIds() {
        return report.advisoryIds();
    }

    public String reportId() {
        return report.id();
    }

    public Instant reportTimestamp() {
        return report.timestamp();
    }
}
