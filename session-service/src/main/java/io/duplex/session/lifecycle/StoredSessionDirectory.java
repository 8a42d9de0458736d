package io.duplex.session.lifecycle;

import java.util.Collection;
import java.util.Set;
import java.util.stream.Collectors;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import io.duplex.core.session.SessionDirectory;
import reactor.core.publisher.Mono;

/**
 * The {@link SessionDirectory} port over {@code realtime.session}: one statement per question,
 * filtered by tenant. Present on every node, whatever its roles, as billing's ingestion asks it.
 */
@Component
class StoredSessionDirectory implements SessionDirectory {

	private final DatabaseClient db;

	StoredSessionDirectory(DatabaseClient db) {
		this.db = db;
	}

	@Override
	public Mono<Set<String>> existing(String tenantId, Collection<String> sessionIds) {
		if (sessionIds.isEmpty()) {
			return Mono.just(Set.of());
		}
		return this.db.sql("SELECT id FROM realtime.session WHERE tenant_id = :tenantId AND id = ANY(:ids)")
			.bind("tenantId", tenantId)
			.bind("ids", sessionIds.stream().distinct().toArray(String[]::new))
			.map((row) -> row.get("id", String.class))
			.all()
			.collect(Collectors.toUnmodifiableSet());
	}

}
