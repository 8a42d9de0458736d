package io.duplex.billing.report;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import io.duplex.core.web.FieldError;
import io.duplex.core.web.Problems;

/**
 * Admission of exports: the period one export may cover, and how many exports of one tenant a node
 * serves at once. A tenant's slot is held from admission until its client has the whole file (or
 * went away), so one tenant's slow downloads hold its own slots and its own spool files, never
 * another tenant's. The node-wide limit is the export pool's (see {@link CopyExports}).
 */
@Component
class ExportLimits {

	private final ExportProperties properties;

	/** Exports running per tenant key; absent when none. */
	private final ConcurrentHashMap<String, Integer> running = new ConcurrentHashMap<>();

	ExportLimits(ExportProperties properties) {
		this.properties = properties;
	}

	/** 422 naming {@code from} and {@code to} when the query covers more than the longest period allowed. */
	void checkRange(UsageQuery query) {
		Duration max = this.properties.maxRange();
		if (Duration.between(query.from(), query.to()).compareTo(max) > 0) {
			String days = describe(max);
			throw Problems.validation(List.of(new FieldError("from", "is more than " + days + " before to"),
					new FieldError("to", "is more than " + days + " after from; an export covers at most " + days)));
		}
	}

	/**
	 * A slot for one export of the tenant ({@code null}: a platform admin's export across tenants).
	 * @throws io.duplex.core.web.ProblemException 429 when the tenant already runs its limit
	 */
	Slot admit(@Nullable String tenantId) {
		String key = (tenantId != null) ? tenantId : "";
		int limit = this.properties.maxConcurrentPerTenant();
		boolean[] admitted = new boolean[1];
		this.running.compute(key, (k, count) -> {
			int now = (count != null) ? count : 0;
			if (now >= limit) {
				return count;
			}
			admitted[0] = true;
			return now + 1;
		});
		if (!admitted[0]) {
			throw ExportProblems.tenantLimit(limit);
		}
		return new Slot(key);
	}

	/** Exports of the tenant ({@code null}: across tenants) that hold a slot now. */
	int running(@Nullable String tenantId) {
		Integer count = this.running.get((tenantId != null) ? tenantId : "");
		return (count != null) ? count : 0;
	}

	private static String describe(Duration duration) {
		return (duration.toSeconds() % 86_400 == 0) ? duration.toDays() + " days" : duration.toSeconds() + " seconds";
	}

	/** One admitted export's place; {@link #release} may be called any number of times, from any thread. */
	final class Slot {

		private final String key;

		private final AtomicBoolean released = new AtomicBoolean();

		private Slot(String key) {
			this.key = key;
		}

		void release() {
			if (this.released.compareAndSet(false, true)) {
				ExportLimits.this.running.computeIfPresent(this.key, (k, count) -> (count <= 1) ? null : count - 1);
			}
		}

	}

}
