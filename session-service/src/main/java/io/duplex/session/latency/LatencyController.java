package io.duplex.session.latency;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/sessions/{id}/latency}: how long each of a session's responses took to start; any of
 * the tenant's keys may read it, another tenant's session does not exist.
 */
@RestController
@ConditionalOnRole(DuplexRole.API)
class LatencyController {

	private final ResponseLatencies latencies;

	LatencyController(ResponseLatencies latencies) {
		this.latencies = latencies;
	}

	@GetMapping("/v1/sessions/{id}/latency")
	Mono<LatencyReport> latency(@AuthenticationPrincipal Caller caller, @PathVariable String id) {
		String tenantId = caller.requireTenant();
		return this.latencies.sessionExists(tenantId, id)
			.flatMap((exists) -> exists ? this.latencies.ofSession(tenantId, id).collectList()
					: Mono.error(Problems.notFound("session " + id)))
			.map((responses) -> LatencyReport.of(id, responses));
	}

}
