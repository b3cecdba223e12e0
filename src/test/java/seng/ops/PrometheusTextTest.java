package seng.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    @Test
    void labelValuesAreEscaped() {
        String value = "quote\" backslash\\ newline\n end";
        String text = new PrometheusText()
                .family("test_events_total", PrometheusText.Type.COUNTER, "Events.")
                .sample("test_events_total", 3, "kind", value)
                .toString();

        assertThat(text).contains("test_events_total{kind=\"quote\\\" backslash\\\\ newline\\n end\"} 3\n");
        assertThat(Exposition.parse(text).value("test_events_total", "kind", value)).isEqualTo(3);
    }

    @Test
    void helpTextIsEscaped() {
        String text = new PrometheusText()
                .family("test_level", PrometheusText.Type.GAUGE, "A \"level\" with a back\\slash\nand a second line.")
                .sample("test_level", 1)
                .toString();

        assertThat(text).startsWith("# HELP test_level A \"level\" with a back\\\\slash\\nand a second line.\n"
                + "# TYPE test_level gauge\ntest_level 1\n");
        assertThat(Exposition.parse(text).families().get("test_level").help())
                .isEqualTo("A \"level\" with a back\\slash\nand a second line.");
    }

    @Test
    void valuesUseTheTextFormatSpelling() {
        assertThat(PrometheusText.format(2.0)).isEqualTo("2");
        assertThat(PrometheusText.format(0.005)).isEqualTo("0.005");
        assertThat(PrometheusText.format(2.5)).isEqualTo("2.5");
        assertThat(PrometheusText.format(1.796416078672E9)).isEqualTo("1796416078.672");
        assertThat(PrometheusText.format(1.5e-7)).isEqualTo("1.5E-7");
        assertThat(PrometheusText.format(Double.POSITIVE_INFINITY)).isEqualTo("+Inf");
        assertThat(PrometheusText.format(Double.NEGATIVE_INFINITY)).isEqualTo("-Inf");
        assertThat(PrometheusText.format(Double.NaN)).isEqualTo("NaN");
        assertThat(PrometheusText.format(1.7e300)).isEqualTo("1.7E300");
    }

    @Test
    void histogramSeriesBelongToTheirFamily() {
        String text = new PrometheusText()
                .family("test_seconds", PrometheusText.Type.HISTOGRAM, "Durations.")
                .sample("test_seconds_bucket", 1, "le", "0.5")
                .sample("test_seconds_bucket", 2, "le", "+Inf")
                .sample("test_seconds_sum", 0.75)
                .sample("test_seconds_count", 2)
                .toString();

        Exposition scrape = Exposition.parse(text);
        assertThat(scrape.value("test_seconds_count")).isEqualTo(2);
        assertThat(scrape.value("test_seconds_sum")).isEqualTo(0.75);
    }

    @Test
    void counterWithoutTotalSuffixIsRejected() {
        assertThatThrownBy(() -> new PrometheusText().family("test_events", PrometheusText.Type.COUNTER, "Events."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("_total");
    }

    @Test
    void familyWrittenTwiceIsRejected() {
        PrometheusText text = new PrometheusText().family("test_level", PrometheusText.Type.GAUGE, "Level.");

        assertThatThrownBy(() -> text.family("test_level", PrometheusText.Type.GAUGE, "Level."))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("twice");
    }

    @Test
    void invalidNamesAreRejected() {
        PrometheusText text = new PrometheusText().family("test_level", PrometheusText.Type.GAUGE, "Level.");

        assertThatThrownBy(() -> text.sample("test_level", 1, "bad-label", "x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bad-label");
        assertThatThrownBy(() -> text.sample("other_level", 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not belong");
        assertThatThrownBy(() -> new PrometheusText().family("1st", PrometheusText.Type.GAUGE, "Level."))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void strictParserRejectsMalformedText() {
        assertThatThrownBy(() -> Exposition.parse("test_level 1\n")).hasMessageContaining("before its family");
        assertThatThrownBy(() -> Exposition.parse("# HELP a A.\n# TYPE a gauge\na{x=\"1\"} 1")).hasMessageContaining("line feed");
        assertThatThrownBy(() -> Exposition.parse("# HELP a A.\n# TYPE a gauge\na{x=\"\\t\"} 1\n")).hasMessageContaining("escape");
        assertThatThrownBy(() -> Exposition.parse("# HELP a A.\n# TYPE a gauge\na 1\na 2\n")).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> Exposition.parse("# HELP a A.\n# TYPE a counter\na 1\n")).hasMessageContaining("_total");
        assertThatThrownBy(() -> Exposition.parse("# HELP h H.\n# TYPE h histogram\nh_bucket{le=\"1\"} 2\n"
                + "h_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n")).hasMessageContaining("cumulative");
    }
}
