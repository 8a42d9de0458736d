package io.duplex.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.function.Predicate;

/**
 * One scrape of {@code /actuator/prometheus} (the text exposition format), and what the benchmark
 * computes from two of them: counter deltas, and quantiles of a histogram over the time between
 * the scrapes from its bucket deltas, the way Prometheus' {@code histogram_quantile} does.
 * @param samples every sample, by metric name (for histograms: {@code name_bucket} and so on)
 * @param nanos when the scrape was taken ({@link System#nanoTime()})
 * @see <a href="https://prometheus.io/docs/instrumenting/exposition_formats/">Exposition formats</a>
 */
record Prometheus(Map<String, List<Sample>> samples, long nanos) {

	/** One line: a metric name, its labels, its value. */
	record Sample(String name, Map<String, String> labels, double value) {
	}

	static Prometheus parse(String text, long nanos) {
		Map<String, List<Sample>> samples = new HashMap<>();
		for (String line : text.split("\n")) {
			line = line.strip();
			if (line.isEmpty() || line.startsWith("#")) {
				continue;
			}
			Sample sample = sample(line);
			if (sample != null) {
				samples.computeIfAbsent(sample.name(), (name) -> new ArrayList<>()).add(sample);
			}
		}
		return new Prometheus(samples, nanos);
	}

	private static Sample sample(String line) {
		int brace = line.indexOf('{');
		int space = line.indexOf(' ');
		Map<String, String> labels = new HashMap<>();
		String name;
		int rest;
		if (brace >= 0 && (space < 0 || brace < space)) {
			name = line.substring(0, brace);
			rest = labels(line, brace + 1, labels);
		}
		else {
			if (space < 0) {
				return null;
			}
			name = line.substring(0, space);
			rest = space;
		}
		String[] value = line.substring(rest).strip().split("\\s+");
		try {
			return new Sample(name, Map.copyOf(labels), number(value[0]));
		}
		catch (NumberFormatException ex) {
			return null;
		}
	}

	/** Reads {@code a="b",c="d"}} from {@code from}; returns the index after the closing brace. */
	private static int labels(String line, int from, Map<String, String> labels) {
		int i = from;
		while (i < line.length() && line.charAt(i) != '}') {
			int equals = line.indexOf('=', i);
			String key = line.substring(i, equals).strip();
			StringBuilder value = new StringBuilder();
			int j = equals + 2;
			while (j < line.length() && line.charAt(j) != '"') {
				char c = line.charAt(j);
				if (c == '\\' && j + 1 < line.length()) {
					char next = line.charAt(++j);
					value.append((next == 'n') ? '\n' : next);
				}
				else {
					value.append(c);
				}
				j++;
			}
			labels.put(key, value.toString());
			i = j + 1;
			if (i < line.length() && line.charAt(i) == ',') {
				i++;
			}
		}
		return i + 1;
	}

	static double number(String text) {
		return switch (text) {
			case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
			case "-Inf" -> Double.NEGATIVE_INFINITY;
			case "NaN" -> Double.NaN;
			default -> Double.parseDouble(text);
		};
	}

	/** The sum of a metric's samples whose labels pass; NaN when it has none. */
	double sum(String name, Predicate<Map<String, String>> labels) {
		List<Sample> found = this.samples.getOrDefault(name, List.of());
		double sum = 0;
		boolean any = false;
		for (Sample sample : found) {
			if (labels.test(sample.labels())) {
				sum += sample.value();
				any = true;
			}
		}
		return any ? sum : Double.NaN;
	}

	double sum(String name) {
		return sum(name, (labels) -> true);
	}

	boolean has(String name) {
		return this.samples.containsKey(name);
	}

	/** A histogram's cumulative bucket counts by upper bound, summed over its other labels. */
	TreeMap<Double, Double> buckets(String histogram) {
		TreeMap<Double, Double> buckets = new TreeMap<>();
		for (Sample sample : this.samples.getOrDefault(histogram + "_bucket", List.of())) {
			String le = sample.labels().get("le");
			if (le != null) {
				buckets.merge(number(le), sample.value(), Double::sum);
			}
		}
		return buckets;
	}

	/**
	 * The {@code q} quantile of what a histogram observed between two scrapes: the bucket deltas
	 * give how many observations fell in each bucket; the quantile's rank is located in a bucket
	 * and interpolated linearly within it (from 0 for the first bucket). Empty when nothing was
	 * observed; the last finite bound when the rank falls in the {@code +Inf} bucket.
	 */
	static OptionalDouble quantile(double q, TreeMap<Double, Double> before, TreeMap<Double, Double> after) {
		TreeMap<Double, Double> delta = new TreeMap<>();
		for (Entry<Double, Double> bucket : after.entrySet()) {
			delta.put(bucket.getKey(), bucket.getValue() - before.getOrDefault(bucket.getKey(), 0.0));
		}
		if (delta.isEmpty()) {
			return OptionalDouble.empty();
		}
		double total = delta.lastEntry().getValue();
		if (total <= 0) {
			return OptionalDouble.empty();
		}
		double rank = q * total;
		double lower = 0;
		double countBelow = 0;
		for (Entry<Double, Double> bucket : delta.entrySet()) {
			double upper = bucket.getKey();
			double cumulative = bucket.getValue();
			if (cumulative >= rank) {
				if (Double.isInfinite(upper)) {
					return OptionalDouble.of(lower);
				}
				double inBucket = cumulative - countBelow;
				double fraction = (inBucket <= 0) ? 1 : (rank - countBelow) / inBucket;
				return OptionalDouble.of(lower + (upper - lower) * fraction);
			}
			lower = upper;
			countBelow = cumulative;
		}
		return OptionalDouble.of(lower);
	}

	/** The smallest finite bucket bound: below it the histogram cannot tell values apart. */
	static double firstBound(TreeMap<Double, Double> buckets) {
		return buckets.isEmpty() ? Double.NaN : buckets.firstKey();
	}

}
