package seng.attest;

/**
 * Quotes text taken from client evidence for use in an exception message. The messages end up in
 * logs, so control characters are escaped and long values are cut.
 */
final class UntrustedText {
    private static final int MAX_LENGTH = 80;

    private UntrustedText() {
    }

    /**
     * Returns the text in double quotes, with quotes and backslashes escaped by a backslash and
     * characters outside printable ASCII as {@code \\uXXXX}.
     */
    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(Math.min(text.length(), MAX_LENGTH) + 8).append('"');
        int end = Math.min(text.length(), MAX_LENGTH);
        for (int i = 0; i < end; i++) {
            char c = text.charAt(i);
            if (c == '"' || c == '\\') {
                quoted.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7F) {
                quoted.append(c);
            } else {
                quoted.append("\\u%04x".formatted((int) c));
            }
        }
        quoted.append('"');
        if (text.length() > MAX_LENGTH) {
            quoted.append(" (cut to ").append(MAX_LENGTH).append(" of ").append(text.length()).append(" characters)");
        }
        return quoted.toString();
    }
}
