package seng.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void emptyHistogramGivesZeros() {
        assertThat(new LatencyHistogram().summary()).isEqualTo(LatencySummary.EMPTY);
    }

    @Test
    void percentilesOfUniformValues() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int millis = 1; millis <= 1000; millis++) {
            histogram.record(TimeUnit.MILLISECONDS.toNanos(millis));
        }

        LatencySummary summary = histogram.summary();

        assertThat(summary.count()).isEqualTo(1000);
        // Three significant digits: each value is within 0.1 % of the exact one.
        assertThat(summary.p50Ms()).isCloseTo(500, within(0.5));
        assertThat(summary.p90Ms()).isCloseTo(900, within(0.9));
        assertThat(summary.p99Ms()).isCloseTo(990, within(1.0));
        assertThat(summary.p999Ms()).isCloseTo(999, within(1.0));
        assertThat(summary.maxMs()).isCloseTo(1000, within(1.0));
        assertThat(summary.meanMs()).isCloseTo(500.5, within(0.5));
        assertThat(summary.clamped()).isZero();
    }

    @Test
    void singleOutlierIsTheMaximum() {
        LatencyHistogram histogram = new LatencyHistogram();
        for (int index = 0; index < 999; index++) {
            histogram.record(TimeUnit.MICROSECONDS.toNanos(100));
        }
        histogram.record(TimeUnit.SECONDS.toNanos(2));

        LatencySummary summary = histogram.summary();

        assertThat(summary.p99Ms()).isCloseTo(0.1, within(0.001));
        assertThat(summary.maxMs()).isCloseTo(2000, within(2.0));
    }

    @Test
    void valuesOutsideRangeAreClampedAndCounted() {
        LatencyHistogram histogram = new LatencyHistogram();
        histogram.record(0);
        histogram.record(TimeUnit.HOURS.toNanos(1));

        LatencySummary summary = histogram.summary();

        assertThat(summary.count()).isEqualTo(2);
        assertThat(summary.clamped()).isEqualTo(1);
        assertThat(summary.maxMs()).isCloseTo(LatencyHistogram.HIGHEST_NANOS / 1e6, within(LatencyHistogram.HIGHEST_NANOS / 1e9));
    }
}
