package io.duplex.core.session;

import java.util.Collection;
import java.util.Set;

import reactor.core.publisher.Mono;

/**
 * Port: tells which ids name realtime sessions of a tenant, so billing can refuse a tenant's
 * report of usage that the platform meters itself for those sessions. Implemented by the session
 * module, present in every process whatever its roles.
 */
public interface SessionDirectory {

	/**
	 * The ids among {@code sessionIds} that name sessions of the tenant, whatever their status.
	 * @return those ids (an empty set when none does, another tenant's sessions included); errors
	 * when the sessions cannot be read
	 */
	Mono<Set<String>> existing(String tenantId, Collection<String> sessionIds);

}
