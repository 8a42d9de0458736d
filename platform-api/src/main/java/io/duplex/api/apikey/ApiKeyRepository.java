package io.duplex.api.apikey;

import java.time.Instant;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.core.page.PageRequest;
import io.duplex.core.security.Role;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Hand SQL over {@code control.api_key}; every tenant key query filters by tenant. */
@Repository
class ApiKeyRepository {

	private static final String COLUMNS = "id, tenant_id, name, role, prefix, secret_hash, created_at, revoked_at";

	private final DatabaseClient db;

	ApiKeyRepository(DatabaseClient db) {
		this.db = db;
	}

	Mono<ApiKey> insert(ApiKey key) {
		var spec = this.db.sql("INSERT INTO control.api_key (" + COLUMNS + ") VALUES "
				+ "(:id, :tenantId, :name, :role, :prefix, :hash, :createdAt, NULL) RETURNING " + COLUMNS)
			.bind("id", key.id())
			.bind("name", key.name())
			.bind("role", key.role().wireName())
			.bind("prefix", key.prefix())
			.bind("hash", java.nio.ByteBuffer.wrap(key.secretHash()))
			.bind("createdAt", key.createdAt());
		spec = (key.tenantId() != null) ? spec.bind("tenantId", key.tenantId()) : spec.bindNull("tenantId", String.class);
		return spec.map(ApiKeyRepository::apiKey).one();
	}

	/**
	 * The live key with this prefix, if its tenant (if any) is active; empty otherwise. This is
	 * the query behind every authenticated request.
	 */
	Mono<ApiKey> findUsable(String prefix) {
		return this.db.sql("SELECT k.id, k.tenant_id, k.name, k.role, k.prefix, k.secret_hash, k.created_at, k.revoked_at "
				+ "FROM control.api_key k LEFT JOIN control.tenant t ON t.id = k.tenant_id "
				+ "WHERE k.prefix = :prefix AND k.revoked_at IS NULL AND (k.tenant_id IS NULL OR t.status = 'active')")
			.bind("prefix", prefix)
			.map(ApiKeyRepository::apiKey)
			.one();
	}

	Flux<ApiKey> list(String tenantId, PageRequest page) {
		return this.db.sql("SELECT " + COLUMNS + " FROM control.api_key WHERE tenant_id = :tenantId AND id < :after "
				+ "ORDER BY id DESC LIMIT :limit")
			.bind("tenantId", tenantId)
			.bind("after", page.cursorOrMax())
			.bind("limit", page.fetchSize())
			.map(ApiKeyRepository::apiKey)
			.all();
	}

	/** Revokes the tenant's key (again is a no-op); empty when the tenant has no such key. */
	Mono<ApiKey> revoke(String tenantId, String keyId) {
		return this.db.sql("UPDATE control.api_key SET revoked_at = coalesce(revoked_at, :now) "
				+ "WHERE tenant_id = :tenantId AND id = :id RETURNING " + COLUMNS)
			.bind("tenantId", tenantId)
			.bind("id", keyId)
			.bind("now", Instant.now())
			.map(ApiKeyRepository::apiKey)
			.one();
	}

	/** Platform admin keys (they have no tenant), active and revoked, newest first. */
	Flux<ApiKey> listPlatformAdmins(PageRequest page) {
		return this.db.sql("SELECT " + COLUMNS + " FROM control.api_key WHERE tenant_id IS NULL AND id < :after "
				+ "ORDER BY id DESC LIMIT :limit")
			.bind("after", page.cursorOrMax())
			.bind("limit", page.fetchSize())
			.map(ApiKeyRepository::apiKey)
			.all();
	}

	/** The platform admin key {@code keyId}, revoked or not; empty when there is none. */
	Mono<ApiKey> findPlatformAdmin(String keyId) {
		return this.db.sql("SELECT " + COLUMNS + " FROM control.api_key WHERE tenant_id IS NULL AND id = :id")
			.bind("id", keyId)
			.map(ApiKeyRepository::apiKey)
			.one();
	}

	/** The key with this prefix, revoked or not, of any tenant or none; empty when there is none. */
	Mono<ApiKey> findByPrefix(String prefix) {
		return this.db.sql("SELECT " + COLUMNS + " FROM control.api_key WHERE prefix = :prefix")
			.bind("prefix", prefix)
			.map(ApiKeyRepository::apiKey)
			.one();
	}

	/**
	 * Takes the transaction-scoped lock that serialises changes to the set of platform admin keys
	 * (the bootstrap and revocations), so two concurrent revocations cannot both pass the check
	 * that another active key remains.
	 */
	Mono<Void> lockPlatformAdmins() {
		return this.db.sql("SELECT pg_advisory_xact_lock(hashtext('duplex.bootstrap'))").then();
	}

	/** Active platform admin keys other than {@code keyId}. */
	Mono<Long> countOtherActivePlatformAdmins(String keyId) {
		return this.db.sql("SELECT count(*) AS n FROM control.api_key "
				+ "WHERE tenant_id IS NULL AND revoked_at IS NULL AND id <> :id")
			.bind("id", keyId)
			.map((row) -> row.get("n", Long.class))
			.one();
	}

	/** Revokes the platform admin key (again is a no-op); empty when there is no such key. */
	Mono<ApiKey> revokePlatformAdmin(String keyId) {
		return this.db.sql("UPDATE control.api_key SET revoked_at = coalesce(revoked_at, :now) "
				+ "WHERE tenant_id IS NULL AND id = :id RETURNING " + COLUMNS)
			.bind("id", keyId)
			.bind("now", Instant.now())
			.map(ApiKeyRepository::apiKey)
			.one();
	}

	/**
	 * Whether a platform admin key was ever made, revoked ones included: the bootstrap happens
	 * once, so a revoked bootstrap key is never made again.
	 */
	Mono<Boolean> platformAdminExists() {
		return this.db.sql("SELECT EXISTS (SELECT 1 FROM control.api_key WHERE role = 'platform_admin') AS found")
			.map((row) -> Boolean.TRUE.equals(row.get("found", Boolean.class)))
			.one();
	}

	private static ApiKey apiKey(Readable row) {
		java.nio.ByteBuffer hash = row.get("secret_hash", java.nio.ByteBuffer.class);
		byte[] bytes = new byte[hash.remaining()];
		hash.get(bytes);
		return new ApiKey(row.get("id", String.class), row.get("tenant_id", String.class), row.get("name", String.class),
				Role.fromWireName(row.get("role", String.class)).orElseThrow(), row.get("prefix", String.class), bytes,
				row.get("created_at", Instant.class), row.get("revoked_at", Instant.class));
	}

}
