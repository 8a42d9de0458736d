package io.duplex.billing.report;

import java.time.Duration;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.util.unit.DataSize;

import io.duplex.core.web.ProblemException;

/** The problems of export limits (see {@link ExportProperties}). */
final class ExportProblems {

	/**
	 * Seconds a client is told to wait when a limit is reached. A slot frees when an export ends,
	 * which nothing here can foresee, so this is a polite polling interval rather than a promise.
	 */
	static final int RETRY_AFTER_SECONDS = 10;

	private ExportProblems() {
	}

	/** 429: the tenant already runs its limit of exports on this node. */
	static ProblemException tenantLimit(int limit) {
		return limitExceeded("The tenant already runs its limit of " + limit
				+ " concurrent exports; wait for one to finish downloading.", "tenant", limit);
	}

	/** 429: the node already produces as many exports as it has export connections. */
	static ProblemException nodeLimit(int limit) {
		return limitExceeded("The server already produces its limit of " + limit
				+ " concurrent exports; try again shortly.", "node", limit);
	}

	private static ProblemException limitExceeded(String detail, String scope, int limit) {
		ProblemException problem = new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "export-limit-exceeded",
				"Export limit exceeded", detail, Map.of("scope", scope, "limit", limit));
		problem.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
		return problem;
	}

	/** 422: the export's file grew past the spool's limit. */
	static ProblemException tooLarge(DataSize limit) {
		return new ProblemException(HttpStatus.UNPROCESSABLE_CONTENT, "export-too-large", "Export too large",
				"The export is larger than " + limit.toMegabytes()
						+ " MB; export a shorter period, or filter by agent or model.",
				Map.of("max_bytes", limit.toBytes()));
	}

	/** 503: producing the export's file took longer than allowed; it was aborted. */
	static ProblemException durationExceeded(Duration limit) {
		return new ProblemException(HttpStatus.SERVICE_UNAVAILABLE, "export-duration-exceeded",
				"Export took too long", "The export was not ready within " + limit.toMillis()
						+ " ms and was aborted; export a shorter period, or filter by agent or model.",
				Map.of("max_duration_ms", limit.toMillis()));
	}

}
