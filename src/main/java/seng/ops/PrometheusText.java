package seng.ops;

import java.math.BigDecimal;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes metrics in the Prometheus text exposition format, version 0.0.4: each metric family
 * starts with a HELP and a TYPE line and lists its samples right after, one per line. Help text
 * and label values are escaped as the format requires.
 */
final class PrometheusText {
    static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    /** The metric types this server exposes. */
    enum Type {
        COUNTER, GAUGE, HISTOGRAM;

        String code() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final StringBuilder text = new StringBuilder(16 * 1024);
    private final Set<String> familyNames = new HashSet<>();
    private String family;
    private Type familyType;

    /**
     * Starts a metric family. The samples added next belong to it.
     *
     * @throws IllegalArgumentException if the name is invalid, was used before, or a counter's
     *     name does not end in {@code _total}
     */
    PrometheusText family(String name, Type type, String help) {
        requireName(METRIC_NAME, name, "metric");
        if (type == Type.COUNTER && !name.endsWith("_total")) {
            throw new IllegalArgumentException("counter " + name + " must end in _total");
        }
        if (!familyNames.add(name)) {
            throw new IllegalArgumentException("metric family " + name + " is written twice");
        }
        family = name;
        familyType = type;
        text.append("# HELP ").append(name).append(' ');
        escape(help, false);
        text.append("\n# TYPE ").append(name).append(' ').append(type.code()).append('\n');
        return this;
    }

    /**
     * Adds a sample of the current family.
     *
     * @param name the family name, or for a histogram the family name plus {@code _bucket},
     *     {@code _sum} or {@code _count}
     * @param labels label names and values in turn: {@code "tunnel", "1", "outcome", "admitted"}
     */
    PrometheusText sample(String name, double value, String... labels) {
        startSample(name, labels);
        text.append(format(value)).append('\n');
        return this;
    }

    /** Adds a sample of the current family with an integer value, such as a counter. */
    PrometheusText sample(String name, long value, String... labels) {
        startSample(name, labels);
        text.append(value).append('\n');
        return this;
    }

    @Override
    public String toString() {
        return text.toString();
    }

    /**
     * Formats a sample value: whole numbers without a fraction, timestamps and other ordinary
     * magnitudes without an exponent, and {@code +Inf}, {@code -Inf}, {@code NaN}.
     */
    static String format(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        double magnitude = Math.abs(value);
        if (value == Math.rint(value) && magnitude < 1e15) {
            return Long.toString((long) value);
        }
        if (magnitude >= 1e-4 && magnitude < 1e15) {
            return BigDecimal.valueOf(value).toPlainString();
        }
        return Double.toString(value);
    }

    private void startSample(String name, String[] labels) {
        if (family == null) {
            throw new IllegalStateException("sample " + name + " comes before any metric family");
        }
        if (!name.equals(family) && !(familyType == Type.HISTOGRAM && isHistogramSeries(name))) {
            throw new IllegalArgumentException("sample " + name + " does not belong to family " + family);
        }
        if (labels.length % 2 != 0) {
            throw new IllegalArgumentException("labels of " + name + " must be name and value pairs");
        }
        text.append(name);
        if (labels.length == 0) {
            text.append(' ');
            return;
        }
        text.append('{');
        for (int index = 0; index < labels.length; index += 2) {
            requireName(LABEL_NAME, labels[index], "label");
            if (index > 0) {
                text.append(',');
            }
            text.append(labels[index]).append("=\"");
            escape(labels[index + 1], true);
            text.append('"');
        }
        text.append("} ");
    }

    private boolean isHistogramSeries(String name) {
        return name.equals(family + "_bucket") || name.equals(family + "_sum") || name.equals(family + "_count");
    }

    /** Escapes a backslash and a line feed, and in a label value also a double quote. */
    private void escape(String value, boolean labelValue) {
        for (int index = 0; index < value.length(); index++) {
            char c = value.charAt(index);
            switch (c) {
                case '\\' -> text.append("\\\\");
                case '\n' -> text.append("\\n");
                case '"' -> text.append(labelValue ? "\\\"" : "\"");
                default -> text.append(c);
            }
        }
    }

    private static void requireName(Pattern pattern, String name, String kind) {
        if (!pattern.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid " + kind + " name '" + name + "'");
        }
    }
}
