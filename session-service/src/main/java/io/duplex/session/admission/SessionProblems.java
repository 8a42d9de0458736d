package io.duplex.session.admission;

import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;

import io.duplex.core.web.ProblemException;

/** The problems of admission control: 429s that say when to try again. */
final class SessionProblems {

	/**
	 * Seconds a client is told to wait when a limit is reached. Slots free when sessions end, which
	 * nothing here can foresee, so this is a polite polling interval rather than a promise.
	 */
	static final int RETRY_AFTER_SECONDS = 10;

	private SessionProblems() {
	}

	static ProblemException quotaExceeded(int limit) {
		ProblemException problem = new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "session-quota-exceeded",
				"Session quota exceeded", "The tenant already holds its limit of " + limit
						+ " concurrent sessions; end one, or wait for one to end.",
				Map.of("limit", limit));
		problem.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
		return problem;
	}

	static ProblemException poolFull(String region, String compute, int capacity) {
		ProblemException problem = new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "compute-pool-full",
				"Compute pool full", "The compute pool " + compute + " of region " + region + " runs its capacity of "
						+ capacity + " sessions; try again shortly.",
				Map.of("region", region, "compute", compute));
		problem.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
		return problem;
	}

	static ProblemException poolShareExceeded(String region, String compute, int limit, int sharePercent) {
		ProblemException problem = new ProblemException(HttpStatus.TOO_MANY_REQUESTS, "pool-share-exceeded",
				"Compute pool share exceeded", "The tenant already holds " + limit + " sessions of the compute pool "
						+ compute + " of region " + region + ", its share (" + sharePercent
						+ " % of the pool's capacity); end one, or wait for one to end.",
				Map.of("region", region, "compute", compute, "limit", limit, "max_pool_share", sharePercent));
		problem.getHeaders().set(HttpHeaders.RETRY_AFTER, String.valueOf(RETRY_AFTER_SECONDS));
		return problem;
	}

}
