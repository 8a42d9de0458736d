package io.duplex.core.audit;

import reactor.core.publisher.Mono;

/** Port: records who created, changed, revoked or deleted what. Implemented by the control plane. */
public interface AuditTrail {

	/** Appends {@code entry}; completes when it is stored. */
	Mono<Void> record(AuditEntry entry);

}
