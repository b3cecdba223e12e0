package seng.attest;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Decodes base64 text that must be in the canonical form: standard alphabet, padding present,
 * unused bits zero. Anything else is rejected, so one byte string has exactly one accepted text.
 */
final class StrictBase64 {
    private StrictBase64() {
    }

    /**
     * Decodes {@code text}, first removing CR and LF characters when {@code allowLineBreaks} is set.
     *
     * @throws IllegalArgumentException naming the first problem found, without echoing the text
     */
    static byte[] decode(byte[] text, boolean allowLineBreaks) {
        byte[] compact = allowLineBreaks ? removeLineBreaks(text) : text;
        if (compact.length == 0) {
            throw new IllegalArgumentException("the text is empty");
        }
        for (int i = 0; i < compact.length; i++) {
            if (!isAlphabetOrPadding(compact[i])) {
                throw new IllegalArgumentException("byte 0x%02x at offset %d is not a base64 character"
                        .formatted(compact[i] & 0xFF, i));
            }
        }
        if (compact.length % 4 != 0) {
            throw new IllegalArgumentException("length " + compact.length + " is not a multiple of 4");
        }

        byte[] decoded = Base64.getDecoder().decode(compact);
        // Re-encoding exposes padding in the middle and non-zero unused bits, which the JDK decoder accepts.
        if (!Arrays.equals(Base64.getEncoder().encode(decoded), compact)) {
            throw new IllegalArgumentException("the text is not in canonical base64 form");
        }
        return decoded;
    }

    static byte[] decode(String text) {
        return decode(text.getBytes(StandardCharsets.ISO_8859_1), false);
    }

    private static byte[] removeLineBreaks(byte[] text) {
        byte[] compact = new byte[text.length];
        int length = 0;
        for (byte b : text) {
            if (b != '\r' && b != '\n') {
                compact[length++] = b;
            }
        }
        return length == text.length ? text : Arrays.copyOf(compact, length);
    }

    private static boolean isAlphabetOrPadding(byte b) {
        return (b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')
                || b == '+' || b == '/' || b == '=';
    }
}
