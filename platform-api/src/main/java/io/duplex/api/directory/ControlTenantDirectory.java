package io.duplex.api.directory;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import io.duplex.core.tenant.TenantDirectory;
import io.duplex.core.tenant.TenantInfo;
import reactor.core.publisher.Mono;

/** Tenant names, status and quotas from {@code control.tenant}, read on every call so a suspension applies at once. */
@Component
class ControlTenantDirectory implements TenantDirectory {

	private final DatabaseClient db;

	ControlTenantDirectory(DatabaseClient db) {
		this.db = db;
	}

	@Override
	public Mono<TenantInfo> find(String tenantId) {
		return this.db.sql("SELECT id, name, status, max_concurrent_sessions FROM control.tenant WHERE id = :id")
			.bind("id", tenantId)
			.map((row) -> new TenantInfo(row.get("id", String.class), row.get("name", String.class),
					"active".equals(row.get("status", String.class)),
					row.get("max_concurrent_sessions", Integer.class)))
			.one();
	}

}
