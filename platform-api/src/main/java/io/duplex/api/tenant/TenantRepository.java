package io.duplex.api.tenant;

import java.time.Instant;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.core.page.PageRequest;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Hand SQL over {@code control.tenant}. */
@Repository
class TenantRepository {

	private static final String COLUMNS = "id, name, status, max_concurrent_sessions, created_at, updated_at";

	private final DatabaseClient db;

	TenantRepository(DatabaseClient db) {
		this.db = db;
	}

	Mono<Tenant> insert(Tenant tenant) {
		return this.db.sql("INSERT INTO control.tenant (" + COLUMNS + ") VALUES "
				+ "(:id, :name, :status, :max, :createdAt, :updatedAt) RETURNING " + COLUMNS)
			.bind("id", tenant.id())
			.bind("name", tenant.name())
			.bind("status", tenant.status())
			.bind("max", tenant.maxConcurrentSessions())
			.bind("createdAt", tenant.createdAt())
			.bind("updatedAt", tenant.updatedAt())
			.map(TenantRepository::tenant)
			.one();
	}

	/** The tenant; empty if there is none. */
	Mono<Tenant> find(String id) {
		return this.db.sql("SELECT " + COLUMNS + " FROM control.tenant WHERE id = :id")
			.bind("id", id)
			.map(TenantRepository::tenant)
			.one();
	}

	Flux<Tenant> list(PageRequest page) {
		return this.db.sql("SELECT " + COLUMNS + " FROM control.tenant WHERE id < :after ORDER BY id DESC LIMIT :limit")
			.bind("after", page.cursorOrMax())
			.bind("limit", page.fetchSize())
			.map(TenantRepository::tenant)
			.all();
	}

	/** Sets the status; empty if the tenant does not exist. */
	Mono<Tenant> updateStatus(String id, String status) {
		return this.db.sql("UPDATE control.tenant SET status = :status, updated_at = :now WHERE id = :id RETURNING "
				+ COLUMNS)
			.bind("id", id)
			.bind("status", status)
			.bind("now", Instant.now())
			.map(TenantRepository::tenant)
			.one();
	}

	private static Tenant tenant(Readable row) {
		return new Tenant(row.get("id", String.class), row.get("name", String.class), row.get("status", String.class),
				row.get("max_concurrent_sessions", Integer.class), row.get("created_at", Instant.class),
				row.get("updated_at", Instant.class));
	}

}
