package io.duplex.api.apikey;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import reactor.core.publisher.Mono;

/** Tells whether a tenant exists, without reaching into the tenant feature's classes. */
@Component
class TenantLookup {

	private final DatabaseClient db;

	TenantLookup(DatabaseClient db) {
		this.db = db;
	}

	Mono<Boolean> exists(String tenantId) {
		return this.db.sql("SELECT EXISTS (SELECT 1 FROM control.tenant WHERE id = :id) AS found")
			.bind("id", tenantId)
			.map((row) -> Boolean.TRUE.equals(row.get("found", Boolean.class)))
			.one();
	}

}
