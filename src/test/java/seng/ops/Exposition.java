package seng.ops;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * A strict parser of the Prometheus text format 0.0.4 for tests. It accepts only what this
 * server should write: HELP then TYPE before each family's samples, no blank lines or other
 * comments, no timestamps, no duplicate series, counters ending in {@code _total}, and histograms
 * with sorted, cumulative buckets that end in {@code +Inf} and agree with {@code _count}. Any
 * deviation fails with the line number.
 */
final class Exposition {
    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][-+]?\\d+)?");
    private static final Set<String> TYPES = Set.of("counter", "gauge", "histogram", "summary", "untyped");

    record Sample(String name, Map<String, String> labels, double value) {
    }

    record Family(String name, String type, String help, List<Sample> samples) {
    }

    private final Map<String, Family> families;

    private Exposition(Map<String, Family> families) {
        this.families = families;
    }

    Map<String, Family> families() {
        return families;
    }

    /** Returns the value of the one sample with exactly these labels, given as name and value pairs. */
    double value(String name, String... labels) {
        Map<String, String> expected = new TreeMap<>();
        for (int index = 0; index < labels.length; index += 2) {
            expected.put(labels[index], labels[index + 1]);
        }
        for (Family family : families.values()) {
            for (Sample sample : family.samples()) {
                if (sample.name().equals(name) && new TreeMap<>(sample.labels()).equals(expected)) {
                    return sample.value();
                }
            }
        }
        throw new AssertionError("no sample " + name + expected + " in the scrape");
    }

    /** Returns every sample of a name, in the order of the text. */
    List<Sample> samples(String name) {
        return families.values().stream().flatMap(family -> family.samples().stream())
                .filter(sample -> sample.name().equals(name)).toList();
    }

    static Exposition parse(String text) {
        if (text.isEmpty() || !text.endsWith("\n")) {
            throw new AssertionError("the exposition must be non-empty and end with a line feed");
        }
        if (text.indexOf('\r') >= 0) {
            throw new AssertionError("the exposition contains a carriage return");
        }
        Map<String, Family> families = new LinkedHashMap<>();
        Set<String> series = new HashSet<>();
        String[] lines = text.substring(0, text.length() - 1).split("\n", -1);
        String pendingHelpName = null;
        String pendingHelp = null;
        Family current = null;

        for (int index = 0; index < lines.length; index++) {
            String line = lines[index];
            int number = index + 1;
            if (line.startsWith("# HELP ")) {
                String rest = line.substring("# HELP ".length());
                int space = rest.indexOf(' ');
                check(space > 0, number, "HELP without text");
                pendingHelpName = requireName(METRIC_NAME, rest.substring(0, space), number);
                pendingHelp = unescape(rest.substring(space + 1), false, number);
                check(!families.containsKey(pendingHelpName), number, "family " + pendingHelpName + " appears twice");
            } else if (line.startsWith("# TYPE ")) {
                String[] parts = line.substring("# TYPE ".length()).split(" ", -1);
                check(parts.length == 2, number, "TYPE needs a name and a type");
                check(parts[0].equals(pendingHelpName), number, "TYPE " + parts[0] + " does not follow its HELP line");
                check(TYPES.contains(parts[1]), number, "unknown type " + parts[1]);
                check(!parts[1].equals("counter") || parts[0].endsWith("_total"), number,
                        "counter " + parts[0] + " does not end in _total");
                current = new Family(parts[0], parts[1], pendingHelp, new ArrayList<>());
                families.put(current.name(), current);
                pendingHelpName = null;
            } else {
                check(!line.isEmpty() && !line.startsWith("#"), number, "blank line or unexpected comment");
                check(current != null && pendingHelpName == null, number, "sample before its family's TYPE line");
                Sample sample = parseSample(line, number);
                check(belongsTo(sample.name(), current), number, sample.name() + " is not part of family " + current.name());
                check(series.add(sample.name() + new TreeMap<>(sample.labels())), number, "duplicate series " + line);
                current.samples().add(sample);
            }
        }
        check(pendingHelpName == null, lines.length, "HELP without TYPE at the end");
        Exposition exposition = new Exposition(families);
        families.values().stream().filter(family -> family.type().equals("histogram"))
                .forEach(Exposition::checkHistogram);
        return exposition;
    }

    private static boolean belongsTo(String sampleName, Family family) {
        if (sampleName.equals(family.name())) {
            return !family.type().equals("histogram");
        }
        return family.type().equals("histogram") && (sampleName.equals(family.name() + "_bucket")
                || sampleName.equals(family.name() + "_sum") || sampleName.equals(family.name() + "_count"));
    }

    private static Sample parseSample(String line, int number) {
        int position = 0;
        while (position < line.length() && line.charAt(position) != '{' && line.charAt(position) != ' ') {
            position++;
        }
        String name = requireName(METRIC_NAME, line.substring(0, position), number);
        Map<String, String> labels = new LinkedHashMap<>();
        check(position < line.length(), number, "sample without value");
        if (line.charAt(position) == '{') {
            position++;
            while (true) {
                int equals = line.indexOf('=', position);
                check(equals > position, number, "label without name");
                String labelName = requireName(LABEL_NAME, line.substring(position, equals), number);
                check(equals + 1 < line.length() && line.charAt(equals + 1) == '"', number, "label value without quotes");
                int end = equals + 2;
                StringBuilder raw = new StringBuilder();
                while (true) {
                    check(end < line.length(), number, "unterminated label value");
                    char c = line.charAt(end);
                    if (c == '"') {
                        break;
                    }
                    raw.append(c);
                    if (c == '\\') {
                        check(end + 1 < line.length(), number, "dangling backslash");
                        raw.append(line.charAt(end + 1));
                        end++;
                    }
                    end++;
                }
                check(labels.put(labelName, unescape(raw.toString(), true, number)) == null, number,
                        "label " + labelName + " given twice");
                position = end + 1;
                check(position < line.length(), number, "unterminated label set");
                if (line.charAt(position) == '}') {
                    position++;
                    break;
                }
                check(line.charAt(position) == ',', number, "expected , or } after a label");
                position++;
            }
        }
        check(position < line.length() && line.charAt(position) == ' ', number, "expected one space before the value");
        String value = line.substring(position + 1);
        return new Sample(name, labels, parseValue(value, number));
    }

    private static double parseValue(String value, int number) {
        return switch (value) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> {
                check(NUMBER.matcher(value).matches(), number, "invalid value '" + value + "'");
                yield Double.parseDouble(value);
            }
        };
    }

    private static String unescape(String text, boolean labelValue, int number) {
        StringBuilder plain = new StringBuilder();
        for (int index = 0; index < text.length(); index++) {
            char c = text.charAt(index);
            check(c != '\n', number, "raw line feed");
            if (c != '\\') {
                plain.append(c);
                continue;
            }
            check(index + 1 < text.length(), number, "dangling backslash");
            char escaped = text.charAt(++index);
            switch (escaped) {
                case '\\' -> plain.append('\\');
                case 'n' -> plain.append('\n');
                case '"' -> {
                    check(labelValue, number, "\\\" is only an escape in label values");
                    plain.append('"');
                }
                default -> throw new AssertionError("line " + number + ": invalid escape \\" + escaped);
            }
        }
        return plain.toString();
    }

    /** Checks every series of a histogram: bounds rising, counts cumulative, +Inf last and equal to _count. */
    private static void checkHistogram(Family family) {
        Map<Map<String, String>, List<Sample>> buckets = new LinkedHashMap<>();
        Map<Map<String, String>, Double> counts = new LinkedHashMap<>();
        Set<Map<String, String>> sums = new HashSet<>();
        for (Sample sample : family.samples()) {
            Map<String, String> labels = new TreeMap<>(sample.labels());
            if (sample.name().endsWith("_bucket")) {
                if (labels.remove("le") == null) {
                    throw new AssertionError(family.name() + " has a bucket without le");
                }
                buckets.computeIfAbsent(labels, key -> new ArrayList<>()).add(sample);
            } else if (sample.name().endsWith("_count")) {
                counts.put(labels, sample.value());
            } else {
                sums.add(labels);
            }
        }
        for (Map.Entry<Map<String, String>, List<Sample>> entry : buckets.entrySet()) {
            double previousBound = Double.NEGATIVE_INFINITY;
            double previousCount = 0;
            for (Sample bucket : entry.getValue()) {
                double bound = parseValue(bucket.labels().get("le"), 0);
                if (!(bound > previousBound) || bucket.value() < previousCount) {
                    throw new AssertionError(family.name() + entry.getKey() + " buckets are not sorted and cumulative");
                }
                previousBound = bound;
                previousCount = bucket.value();
            }
            if (previousBound != Double.POSITIVE_INFINITY) {
                throw new AssertionError(family.name() + entry.getKey() + " has no +Inf bucket");
            }
            if (!Double.valueOf(previousCount).equals(counts.get(entry.getKey())) || !sums.contains(entry.getKey())) {
                throw new AssertionError(family.name() + entry.getKey() + " has no _sum, or its _count differs from +Inf");
            }
        }
    }

    private static String requireName(Pattern pattern, String name, int number) {
        check(pattern.matcher(name).matches(), number, "invalid name '" + name + "'");
        return name;
    }

    private static void check(boolean condition, int number, String message) {
        if (!condition) {
            throw new AssertionError("line " + number + ": " + message);
        }
    }
}
