package io.duplex.billing.usage;

import org.jspecify.annotations.Nullable;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

import io.duplex.core.role.ConditionalOnRole;
import io.duplex.core.role.DuplexRole;
import io.duplex.core.security.Caller;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/usage/events}: a tenant's own components report usage (tenant admin and
 * developer keys). The body is read as a tree so that a quantity of the wrong type is a 422 naming
 * the field, not a malformed request.
 */
@RestController
@ConditionalOnRole(DuplexRole.BILLING)
class UsageEventController {

	private final UsageIngestion ingestion;

	UsageEventController(UsageIngestion ingestion) {
		this.ingestion = ingestion;
	}

	@PostMapping("/v1/usage/events")
	Mono<UsageIngestion.IngestResult> ingest(@AuthenticationPrincipal Caller caller,
			@RequestBody(required = false) @Nullable JsonNode body) {
		return this.ingestion.ingest(caller, body);
	}

}
