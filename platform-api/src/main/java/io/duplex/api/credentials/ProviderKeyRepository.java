package io.duplex.api.credentials;

import java.time.Instant;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.api.secret.SealedSecret;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Hand SQL over {@code control.tenant_provider_key}; every statement but re-encryption names the tenant. */
@Repository
class ProviderKeyRepository {

	private static final String COLUMNS = "tenant_id, provider, key_id, sealed, created_at, updated_at";

	private final DatabaseClient db;

	ProviderKeyRepository(DatabaseClient db) {
		this.db = db;
	}

	/** Whether the tenant exists (a key's tenant must). */
	Mono<Boolean> tenantExists(String tenantId) {
		return this.db.sql("SELECT EXISTS (SELECT 1 FROM control.tenant WHERE id = :id) AS found")
			.bind("id", tenantId)
			.map((row) -> Boolean.TRUE.equals(row.get("found", Boolean.class)))
			.one();
	}

	/** A stored key and whether this call created it (rather than replacing one). */
	record Stored(ProviderKey key, boolean created) {
	}

	/** Stores the tenant's key for the provider, replacing any it had. */
	Mono<Stored> put(String tenantId, String provider, SealedSecret key, Instant now) {
		return this.db.sql("INSERT INTO control.tenant_provider_key (" + COLUMNS + ") VALUES "
				+ "(:tenant, :provider, :keyId, :sealed, :now, :now) ON CONFLICT (tenant_id, provider) DO UPDATE "
				+ "SET key_id = EXCLUDED.key_id, sealed = EXCLUDED.sealed, updated_at = EXCLUDED.updated_at "
				// xmax is 0 on a row version the statement inserted, not on one it updated
				+ "RETURNING " + COLUMNS + ", (xmax = 0) AS inserted")
			.bind("tenant", tenantId)
			.bind("provider", provider)
			.bind("keyId", key.keyId())
			.bind("sealed", key.ciphertext())
			.bind("now", now)
			.map((row) -> new Stored(key(row), Boolean.TRUE.equals(row.get("inserted", Boolean.class))))
			.one();
	}

	/** The tenant's key for the provider; empty when it has none. */
	Mono<ProviderKey> find(String tenantId, String provider) {
		return this.db.sql("SELECT " + COLUMNS + " FROM control.tenant_provider_key "
				+ "WHERE tenant_id = :tenant AND provider = :provider")
			.bind("tenant", tenantId)
			.bind("provider", provider)
			.map(ProviderKeyRepository::key)
			.one();
	}

	/** The tenant's keys, by provider. */
	Flux<ProviderKey> list(String tenantId) {
		return this.db.sql("SELECT " + COLUMNS + " FROM control.tenant_provider_key WHERE tenant_id = :tenant "
				+ "ORDER BY provider")
			.bind("tenant", tenantId)
			.map(ProviderKeyRepository::key)
			.all();
	}

	/** Deletes the tenant's key for the provider; {@code false} when it had none. */
	Mono<Boolean> delete(String tenantId, String provider) {
		return this.db.sql("DELETE FROM control.tenant_provider_key WHERE tenant_id = :tenant AND provider = :provider")
			.bind("tenant", tenantId)
			.bind("provider", provider)
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows > 0);
	}

	/** Every tenant's keys sealed with another key than {@code currentKey}, for re-encryption. */
	Flux<ProviderKey> notSealedWith(String currentKey) {
		return this.db.sql("SELECT " + COLUMNS + " FROM control.tenant_provider_key WHERE key_id <> :current")
			.bind("current", currentKey)
			.map(ProviderKeyRepository::key)
			.all();
	}

	/**
	 * Swaps a key's sealed form for {@code resealed}, only if it still holds what {@code before}
	 * read: a tenant's write in between wins. {@code true} when swapped.
	 */
	Mono<Boolean> swap(ProviderKey before, SealedSecret resealed) {
		return this.db.sql("UPDATE control.tenant_provider_key SET key_id = :keyId, sealed = :sealed "
				+ "WHERE tenant_id = :tenant AND provider = :provider AND key_id = :oldKeyId AND sealed = :oldSealed")
			.bind("keyId", resealed.keyId())
			.bind("sealed", resealed.ciphertext())
			.bind("tenant", before.tenantId())
			.bind("provider", before.provider())
			.bind("oldKeyId", before.key().keyId())
			.bind("oldSealed", before.key().ciphertext())
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	private static ProviderKey key(Readable row) {
		return new ProviderKey(row.get("tenant_id", String.class), row.get("provider", String.class),
				new SealedSecret(row.get("key_id", String.class), row.get("sealed", String.class)),
				row.get("created_at", Instant.class), row.get("updated_at", Instant.class));
	}

}
