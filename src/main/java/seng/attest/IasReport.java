package seng.attest;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

import seng.attest.AttestationException.Reason;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * An IAS attestation verification report (API version 3 or 4), parsed from the JSON body that
 * IAS signed. Fields the parser does not know are ignored. {@code isvEnclaveQuoteBody} is copied
 * on the way in and out.
 *
 * @param advisoryIds empty when the report has no advisoryIDs field
 * @param revocationReason the RFC 5280 CRLReason code that IAS sends as a JSON number when it
 *     reports a revoked EPID group or key
 */
public record IasReport(
        String id,
        Instant timestamp,
        int version,
        String isvEnclaveQuoteStatus,
        byte[] isvEnclaveQuoteBody,
        List<String> advisoryIds,
        Optional<String> advisoryUrl,
        Optional<String> platformInfoBlob,
        Optional<String> epidPseudonym,
        Optional<String> nonce,
        OptionalInt revocationReason,
        Optional<String> pseManifestStatus) {

    /**
     * IAS writes timestamps in UTC without a zone suffix and with microseconds, such as
     * {@code 2020-04-26T11:16:25.349850}. The parser also accepts 0 to 9 fraction digits.
     */
    private static final DateTimeFormatter TIMESTAMP_PARSER = new DateTimeFormatterBuilder()
            .appendPattern("uuuu-MM-dd'T'HH:mm:ss")
            .optionalStart()
            .appendFraction(ChronoField.NANO_OF_SECOND, 1, 9, true)
            .optionalEnd()
            .toFormatter()
            .withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter TIMESTAMP_FORMATTER =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS");

    private static final JsonMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    public IasReport {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(isvEnclaveQuoteStatus, "isvEnclaveQuoteStatus");
        isvEnclaveQuoteBody = isvEnclaveQuoteBody.clone();
        advisoryIds = List.copyOf(advisoryIds);
        Objects.requireNonNull(advisoryUrl, "advisoryUrl");
        Objects.requireNonNull(platformInfoBlob, "platformInfoBlob");
        Objects.requireNonNull(epidPseudonym, "epidPseudonym");
        Objects.requireNonNull(nonce, "nonce");
        Objects.requireNonNull(revocationReason, "revocationReason");
        Objects.requireNonNull(pseManifestStatus, "pseManifestStatus");
    }

    @Override
    public byte[] isvEnclaveQuoteBody() {
        return isvEnclaveQuoteBody.clone();
    }

    /**
     * Parses the report JSON. Only call this on bytes whose signature was verified: nothing in an
     * unsigned report can be trusted.
     *
     * @throws AttestationException with {@link Reason#REPORT_INVALID_JSON} unless the bytes are one
     *     JSON object without repeated keys, and with {@link Reason#REPORT_FIELD_INVALID} naming the
     *     first field that is missing, has the wrong type or an invalid value
     */
    public static IasReport parse(byte[] json) throws AttestationException {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JacksonException e) {
            throw new AttestationException(Reason.REPORT_INVALID_JSON,
                    "the IAS report is not valid JSON: " + UntrustedText.quote(String.valueOf(e.getOriginalMessage())), e);
        } catch (RuntimeException e) {
            throw new AttestationException(Reason.REPORT_INVALID_JSON, "the IAS report could not be read as JSON: " + e, e);
        }
        if (root == null || !root.isObject()) {
            throw new AttestationException(Reason.REPORT_INVALID_JSON,
                    "the IAS report is not a JSON object but " + (root == null ? "empty" : root.getNodeType()));
        }

        return new IasReport(
                requiredString(root, "id"),
                parseTimestampField(requiredString(root, "timestamp")),
                requiredInt(root, "version"),
                requiredString(root, "isvEnclaveQuoteStatus"),
                decodeQuoteBody(requiredString(root, "isvEnclaveQuoteBody")),
                optionalStringList(root, "advisoryIDs"),
                optionalString(root, "advisoryURL"),
                optionalString(root, "platformInfoBlob"),
                optionalString(root, "epidPseudonym"),
                optionalString(root, "nonce"),
                optionalInt(root, "revocationReason"),
                optionalString(root, "pseManifestStatus"));
    }

    /**
     * Parses a timestamp in the IAS format, which is UTC without a zone suffix.
     *
     * @throws DateTimeParseException if the text is not in that format or names no real moment
     */
    public static Instant parseTimestamp(String text) {
        return LocalDateTime.parse(text, TIMESTAMP_PARSER).toInstant(ZoneOffset.UTC);
    }

    /** Formats a moment as IAS does, in UTC with microseconds; finer digits are dropped. */
    public static String formatTimestamp(Instant instant) {
        return TIMESTAMP_FORMATTER.format(instant.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
    }

    private static Instant parseTimestampField(String text) throws AttestationException {
        try {
            return parseTimestamp(text);
        } catch (DateTimeParseException e) {
            throw fieldInvalid("timestamp", UntrustedText.quote(text)
                    + " is not a UTC time in the IAS format, such as 2020-04-26T11:16:25.349850");
        }
    }

    private static byte[] decodeQuoteBody(String base64) throws AttestationException {
        try {
            return StrictBase64.decode(base64);
        } catch (IllegalArgumentException e) {
            throw fieldInvalid("isvEnclaveQuoteBody", "is not canonical base64: " + e.getMessage());
        }
    }

    private static String requiredString(JsonNode root, String field) throws AttestationException {
        JsonNode node = root.get(field);
        if (node == null) {
            throw fieldInvalid(field, "is missing");
        }
        if (!node.isString()) {
            throw fieldInvalid(field, "is a JSON " + node.getNodeType() + ", expected a string");
        }
        return node.stringValue();
    }

    private static int requiredInt(JsonNode root, String field) throws AttestationException {
        JsonNode node = root.get(field);
        if (node == null) {
            throw fieldInvalid(field, "is missing");
        }
        if (!node.isInt()) {
            throw fieldInvalid(field, "is a JSON " + node.getNodeType() + " " + UntrustedText.quote(node.toString())
                    + ", expected an integer");
        }
        return node.intValue();
    }

    private static Optional<String> optionalString(JsonNode root, String field) throws AttestationException {
        return root.has(field) ? Optional.of(requiredString(root, field)) : Optional.empty();
    }

    private static OptionalInt optionalInt(JsonNode root, String field) throws AttestationException {
        return root.has(field) ? OptionalInt.of(requiredInt(root, field)) : OptionalInt.empty();
    }

    private static List<String> optionalStringList(JsonNode root, String field) throws AttestationException {
        JsonNode node = root.get(field);
        if (node == null) {
            return List.of();
        }
        if (!node.isArray()) {
            throw fieldInvalid(field, "is a JSON " + node.getNodeType() + ", expected an array of strings");
        }
        List<String> values = new ArrayList<>(node.size());
        for (JsonNode element : node) {
            if (!element.isString()) {
                throw fieldInvalid(field, "contains a JSON " + element.getNodeType() + ", expected only strings");
            }
            values.add(element.stringValue());
        }
        return values;
    }

    private static AttestationException fieldInvalid(String field, String problem) {
        return new AttestationException(Reason.REPORT_FIELD_INVALID, "IAS report field " + field + " " + problem);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof IasReport report
                && id.equals(report.id)
                && timestamp.equals(report.timestamp)
                && version == report.version
                && isvEnclaveQuoteStatus.equals(report.isvEnclaveQuoteStatus)
                && Arrays.equals(isvEnclaveQuoteBody, report.isvEnclaveQuoteBody)
                && advisoryIds.equals(report.advisoryIds)
                && advisoryUrl.equals(report.advisoryUrl)
                && platformInfoBlob.equals(report.platformInfoBlob)
                && epidPseudonym.equals(report.epidPseudonym)
                && nonce.equals(report.nonce)
                && revocationReason.equals(report.revocationReason)
                && pseManifestStatus.equals(report.pseManifestStatus);
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, timestamp, Arrays.hashCode(isvEnclaveQuoteBody));
    }

    @Override
    public String toString() {
        return "IasReport[id=" + id + ", timestamp=" + timestamp + ", version=" + version
                + ", isvEnclaveQuoteStatus=" + isvEnclaveQuoteStatus + ", advisoryIds=" + advisoryIds
                + ", isvEnclaveQuoteBody=" + isvEnclaveQuoteBody.length + " bytes]";
    }
}
