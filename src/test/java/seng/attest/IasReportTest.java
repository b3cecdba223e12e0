package seng.attest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import seng.attest.AttestationException.Reason;

class IasReportTest {
    private static final String QUOTE_BODY = Base64.getEncoder().encodeToString(new byte[432]);

    private static String report(String extraFields) {
        return """
                {"id":"42","timestamp":"2020-04-26T11:16:25.349850","version":4,\
                "isvEnclaveQuoteStatus":"OK","isvEnclaveQuoteBody":"%s"%s}""".formatted(QUOTE_BODY, extraFields);
    }

    private static IasReport parse(String json) throws AttestationException {
        return IasReport.parse(json.getBytes(StandardCharsets.UTF_8));
    }

    private static AttestationException rejection(String json) {
        return catchThrowableOfType(AttestationException.class, () -> parse(json));
    }

    @Test
    void minimalReportParses() throws Exception {
        IasReport report = parse(report(""));

        assertThat(report.id()).isEqualTo("42");
        assertThat(report.timestamp()).isEqualTo(Instant.parse("2020-04-26T11:16:25.349850Z"));
        assertThat(report.version()).isEqualTo(4);
        assertThat(report.isvEnclaveQuoteStatus()).isEqualTo("OK");
        assertThat(report.isvEnclaveQuoteBody()).hasSize(432);
        assertThat(report.advisoryIds()).isEmpty();
        assertThat(report.advisoryUrl()).isEmpty();
        assertThat(report.revocationReason()).isEmpty();
    }

    @Test
    void optionalFieldsParse() throws Exception {
        IasReport report = parse(report("""
                ,"advisoryURL":"https://security-center.intel.com","advisoryIDs":["INTEL-SA-00334"],\
                "platformInfoBlob":"1502","epidPseudonym":"abc","nonce":"n1","revocationReason":1,\
                "pseManifestStatus":"OK","unknownField":{"nested":[1,2]}"""));

        assertThat(report.advisoryIds()).containsExactly("INTEL-SA-00334");
        assertThat(report.advisoryUrl()).contains("https://security-center.intel.com");
        assertThat(report.platformInfoBlob()).contains("1502");
        assertThat(report.epidPseudonym()).contains("abc");
        assertThat(report.nonce()).contains("n1");
        assertThat(report.revocationReason()).hasValue(1);
        assertThat(report.pseManifestStatus()).contains("OK");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "not json", "[1,2]", "\"text\"", "42", "{\"id\":", "{} {}", "{\"a\":1}x"})
    void nonObjectOrBrokenJsonIsRejected(String json) {
        assertThat(rejection(json).reason()).isEqualTo(Reason.REPORT_INVALID_JSON);
    }

    @Test
    void duplicateKeyIsRejected() {
        AttestationException e = rejection(report(",\"isvEnclaveQuoteStatus\":\"OK\""));

        assertThat(e.reason()).isEqualTo(Reason.REPORT_INVALID_JSON);
        assertThat(e.getMessage()).contains("isvEnclaveQuoteStatus");
    }

    @Test
    void duplicateNestedKeyIsRejected() {
        assertThat(rejection(report(",\"extra\":{\"a\":1,\"a\":2}")).reason()).isEqualTo(Reason.REPORT_INVALID_JSON);
    }

    @ParameterizedTest
    @ValueSource(strings = {"id", "timestamp", "version", "isvEnclaveQuoteStatus", "isvEnclaveQuoteBody"})
    void missingRequiredFieldIsRejected(String field) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("id", "\"42\"");
        fields.put("timestamp", "\"2020-04-26T11:16:25.349850\"");
        fields.put("version", "4");
        fields.put("isvEnclaveQuoteStatus", "\"OK\"");
        fields.put("isvEnclaveQuoteBody", "\"" + QUOTE_BODY + "\"");
        fields.remove(field);
        String json = fields.entrySet().stream()
                .map(entry -> "\"" + entry.getKey() + "\":" + entry.getValue())
                .collect(Collectors.joining(",", "{", "}"));

        AttestationException e = rejection(json);

        assertThat(e.reason()).isEqualTo(Reason.REPORT_FIELD_INVALID);
        assertThat(e.getMessage()).contains(field).contains("missing");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"id\":\"42\"|\"id\":42|id",
            "\"version\":4|\"version\":\"4\"|version",
            "\"version\":4|\"version\":4.5|version",
            "\"version\":4|\"version\":99999999999|version",
            "\"isvEnclaveQuoteStatus\":\"OK\"|\"isvEnclaveQuoteStatus\":null|isvEnclaveQuoteStatus",
            "\"isvEnclaveQuoteStatus\":\"OK\"|\"isvEnclaveQuoteStatus\":[\"OK\"]|isvEnclaveQuoteStatus"})
    void wronglyTypedFieldIsRejected(String original, String replacement, String field) {
        AttestationException e = rejection(report("").replace(original, replacement));

        assertThat(e.reason()).isEqualTo(Reason.REPORT_FIELD_INVALID);
        assertThat(e.getMessage()).contains(field);
    }

    @ParameterizedTest
    @ValueSource(strings = {",\"advisoryIDs\":\"INTEL-SA-00334\"", ",\"advisoryIDs\":[1]", ",\"nonce\":5",
            ",\"revocationReason\":\"1\""})
    void wronglyTypedOptionalFieldIsRejected(String extra) {
        assertThat(rejection(report(extra)).reason()).isEqualTo(Reason.REPORT_FIELD_INVALID);
    }

    @ParameterizedTest
    @ValueSource(strings = {"2020-04-26T11:16:25.349850Z", "2020-04-26 11:16:25", "2020-02-30T11:16:25.349850",
            "2020-04-26T11:16", "26.04.2020", ""})
    void badTimestampIsRejected(String timestamp) {
        AttestationException e = rejection(report("").replace("2020-04-26T11:16:25.349850", timestamp));

        assertThat(e.reason()).isEqualTo(Reason.REPORT_FIELD_INVALID);
        assertThat(e.getMessage()).contains("timestamp");
    }

    @Test
    void quoteBodyThatIsNotBase64IsRejected() {
        AttestationException e = rejection(report("").replace(QUOTE_BODY, "not base64!"));

        assertThat(e.reason()).isEqualTo(Reason.REPORT_FIELD_INVALID);
        assertThat(e.getMessage()).contains("isvEnclaveQuoteBody");
    }

    @Test
    void controlCharactersInMessagesAreEscaped() {
        AttestationException e = rejection(report("").replace("2020-04-26T11:16:25.349850", "bad\\nline"));

        assertThat(e.getMessage()).doesNotContain("\n").contains("bad\\u000aline");
    }

    @Test
    void timestampsRoundTrip() {
        Instant instant = Instant.parse("2031-12-31T23:59:59.123456Z");

        String text = IasReport.formatTimestamp(instant);

        assertThat(text).isEqualTo("2031-12-31T23:59:59.123456");
        assertThat(IasReport.parseTimestamp(text)).isEqualTo(instant);
        assertThat(IasReport.parseTimestamp("2031-12-31T23:59:59")).isEqualTo(Instant.parse("2031-12-31T23:59:59Z"));
        assertThatThrownBy(() -> IasReport.parseTimestamp("2031-12-31T23:59:59+01:00"))
                .isInstanceOf(DateTimeParseException.class);
    }
}
