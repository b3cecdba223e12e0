package seng.attest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;

import org.junit.jupiter.api.Test;

import seng.attest.AttestationException.Reason;

class AttestationExceptionTest {

    @Test
    void reasonCodesAreUniqueSnakeCase() {
        assertThat(Arrays.stream(Reason.values()).map(Reason::code)).doesNotHaveDuplicates()
                .allMatch(code -> code.matches("[a-z][a-z0-9]*(_[a-z0-9]+)*"));
    }

    @Test
    void reasonCodeMatchesConstantName() {
        for (Reason reason : Reason.values()) {
            assertThat(reason.code()).isEqualTo(reason.name().toLowerCase());
        }
    }

    @Test
    void exceptionCarriesReasonAndMessage() {
        AttestationException e = new AttestationException(Reason.QUOTE_INVALID, "isvEnclaveQuoteBody has 3 bytes");

        assertThat(e.reason()).isEqualTo(Reason.QUOTE_INVALID);
        assertThat(e.getMessage()).isEqualTo("isvEnclaveQuoteBody has 3 bytes");
    }
}
