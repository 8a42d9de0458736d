package io.duplex.cli;

import java.util.TreeMap;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class PrometheusTests {

	private static final String SCRAPE = """
			# HELP jvm_memory_used_bytes The amount of used memory
			# TYPE jvm_memory_used_bytes gauge
			jvm_memory_used_bytes{area="heap",id="G1 Eden Space"} 1.5E7
			jvm_memory_used_bytes{area="heap",id="G1 Old Gen"} 5000000.0
			jvm_memory_used_bytes{area="nonheap",id="Metaspace"} 9.0E7
			process_cpu_usage 0.25
			odd_label{path="a \\"quoted\\", comma",x="y"} 3
			lat_seconds_bucket{le="0.001"} 10
			lat_seconds_bucket{le="0.002"} 20
			lat_seconds_bucket{le="+Inf"} 20
			""";

	@Test
	void parseThenSumsSelectedLabels() {
		Prometheus scrape = Prometheus.parse(SCRAPE, 0);
		assertThat(scrape.sum("jvm_memory_used_bytes", (labels) -> "heap".equals(labels.get("area")))).isEqualTo(2.0E7);
		assertThat(scrape.sum("process_cpu_usage")).isEqualTo(0.25);
		assertThat(scrape.sum("missing")).isNaN();
	}

	@Test
	void parseWhenLabelValuesHoldQuotesAndCommasThenRead() {
		Prometheus.Sample sample = Prometheus.parse(SCRAPE, 0).samples().get("odd_label").getFirst();
		assertThat(sample.labels()).containsEntry("path", "a \"quoted\", comma").containsEntry("x", "y");
		assertThat(sample.value()).isEqualTo(3);
	}

	@Test
	void quantileThenInterpolatesWithinTheBucketOfTheRank() {
		TreeMap<Double, Double> before = buckets(100, 200, 300, 300);
		// in the window: 100 below 1 ms, 300 between 1 and 2 ms, 100 between 2 and 5 ms
		TreeMap<Double, Double> after = buckets(200, 600, 800, 800);
		assertThat(Prometheus.quantile(0.5, before, after).getAsDouble()).isCloseTo(0.0015, within(1e-9));
		assertThat(Prometheus.quantile(0.1, before, after).getAsDouble()).isCloseTo(0.0005, within(1e-9));
		assertThat(Prometheus.quantile(0.99, before, after).getAsDouble()).isCloseTo(0.002 + 0.003 * 0.95, within(1e-9));
	}

	@Test
	void quantileWhenTheRankIsInTheInfBucketThenTheLastFiniteBound() {
		TreeMap<Double, Double> after = buckets(0, 0, 1, 10);
		assertThat(Prometheus.quantile(0.99, new TreeMap<>(), after).getAsDouble()).isEqualTo(0.005);
	}

	@Test
	void quantileWhenNothingWasObservedThenEmpty() {
		TreeMap<Double, Double> same = buckets(1, 2, 3, 3);
		assertThat(Prometheus.quantile(0.5, same, same)).isEmpty();
		assertThat(Prometheus.quantile(0.5, new TreeMap<>(), new TreeMap<>())).isEmpty();
	}

	@Test
	void bucketsThenReadByUpperBound() {
		TreeMap<Double, Double> buckets = Prometheus.parse(SCRAPE, 0).buckets("lat_seconds");
		assertThat(buckets).containsEntry(0.001, 10.0).containsEntry(Double.POSITIVE_INFINITY, 20.0);
		assertThat(Prometheus.firstBound(buckets)).isEqualTo(0.001);
	}

	private static TreeMap<Double, Double> buckets(double le1ms, double le2ms, double le5ms, double inf) {
		TreeMap<Double, Double> buckets = new TreeMap<>();
		buckets.put(0.001, le1ms);
		buckets.put(0.002, le2ms);
		buckets.put(0.005, le5ms);
		buckets.put(Double.POSITIVE_INFINITY, inf);
		return buckets;
	}

}
