package seng.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class StrictBase64Test {

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void canonicalTextDecodes() {
        assertThat(StrictBase64.decode(ascii("SGVsbG8="), false)).isEqualTo(ascii("Hello"));
        assertThat(StrictBase64.decode(ascii("SGVsbG8h"), false)).isEqualTo(ascii("Hello!"));
    }

    @Test
    void lineBreaksAreRemovedWhenAllowed() {
        assertThat(StrictBase64.decode(ascii("SGVs\nbG8=\n"), true)).isEqualTo(ascii("Hello"));
        assertThat(StrictBase64.decode(ascii("SGVs\r\nbG8=\r\n"), true)).isEqualTo(ascii("Hello"));
    }

    @Test
    void lineBreaksAreRejectedWhenNotAllowed() {
        assertThatThrownBy(() -> StrictBase64.decode(ascii("SGVs\nbG8="), false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x0a");
    }

    @ParameterizedTest
    @ValueSource(strings = {"SGVs bG8=", "SGVs\tbG8=", "SGVsbG8", "SGVsbG9=", "SG=sbG8=", "SGVsbG8-", "SGVs_G8=", "====",
            "\u00e9SGVsbG8="})
    void nonCanonicalTextIsRejected(String text) {
        assertThatThrownBy(() -> StrictBase64.decode(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void emptyTextIsRejected() {
        assertThatThrownBy(() -> StrictBase64.decode(ascii("\r\n"), true))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("empty");
    }
}
