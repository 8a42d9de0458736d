package io.duplex.core.idempotency;

import java.nio.ByteBuffer;
import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;

import reactor.core.publisher.Mono;

/**
 * Hand SQL over {@code platform.idempotency_record}: one row per credential and key, counted per
 * tenant scope against the cap.
 */
class IdempotencyStore {

	private final DatabaseClient db;

	private final IdempotencyProperties properties;

	IdempotencyStore(DatabaseClient db, IdempotencyProperties properties) {
		this.db = db;
		this.properties = properties;
	}

	/** Who owns a record and where it counts: the credential, its tenant scope, its roles' fingerprint. */
	record Owner(String credential, String scope, String fingerprint) {
	}

	/**
	 * Claims the key for a new request, unless the owner's tenant scope already holds its cap of
	 * live records.
	 * @return {@code true} when this request now owns the key (no live record existed), {@code false}
	 * when another request holds it or has finished with it, or the scope is full
	 */
	Mono<Boolean> claim(Owner owner, String key, String method, String path, String hash) {
		// the count stops at the cap, so a full scope costs a bounded index scan, not a full count;
		// concurrent first uses may overshoot the cap by their number, which is fine for a bound
		return this.db.sql("""
				INSERT INTO platform.idempotency_record
				       (credential_id, idempotency_key, tenant_scope, caller_fingerprint, method, path, request_hash)
				SELECT :credential, :key, :scope, :fingerprint, :method, :path, :hash
				WHERE (SELECT count(*) FROM (SELECT 1 FROM platform.idempotency_record
				        WHERE tenant_scope = :scope AND created_at >= now() - make_interval(secs => :retention)
				        LIMIT :cap) live) < :cap
				ON CONFLICT (credential_id, idempotency_key) DO UPDATE
				SET tenant_scope = excluded.tenant_scope, caller_fingerprint = excluded.caller_fingerprint,
				    method = excluded.method, path = excluded.path, request_hash = excluded.request_hash,
				    status = NULL, content_type = NULL, location = NULL, sealing_key_id = NULL, body = NULL,
				    created_at = now()
				WHERE idempotency_record.created_at < now() - make_interval(secs => :retention)
				   OR (idempotency_record.status IS NULL
				       AND idempotency_record.created_at < now() - make_interval(secs => :abandoned))
				RETURNING 1""")
			.bind("credential", owner.credential())
			.bind("key", key)
			.bind("scope", owner.scope())
			.bind("fingerprint", owner.fingerprint())
			.bind("method", method)
			.bind("path", path)
			.bind("hash", hash)
			.bind("cap", this.properties.maxRecordsPerTenant())
			.bind("retention", seconds(this.properties.retention()))
			.bind("abandoned", seconds(this.properties.abandonedAfter()))
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/** The live (unexpired) record of the credential's key; empty when there is none. */
	Mono<IdempotencyRecord> find(String credential, String key) {
		return this.db.sql("""
				SELECT caller_fingerprint, request_hash, status, content_type, location, sealing_key_id, body
				FROM platform.idempotency_record
				WHERE credential_id = :credential AND idempotency_key = :key
				  AND created_at >= now() - make_interval(secs => :retention)""")
			.bind("credential", credential)
			.bind("key", key)
			.bind("retention", seconds(this.properties.retention()))
			.map((row) -> new IdempotencyRecord(row.get("caller_fingerprint", String.class),
					row.get("request_hash", String.class), row.get("status", Integer.class),
					row.get("content_type", String.class), row.get("location", String.class),
					row.get("sealing_key_id", String.class), bytes(row.get("body"))))
			.one();
	}

	/**
	 * When the scope holds its cap of live records: the time until the oldest expires. Empty when
	 * the scope has room.
	 */
	Mono<Duration> fullFor(String scope) {
		return this.db.sql("""
				SELECT extract(epoch FROM min(created_at) + make_interval(secs => :retention) - now()) AS wait
				FROM (SELECT created_at FROM platform.idempotency_record
				      WHERE tenant_scope = :scope AND created_at >= now() - make_interval(secs => :retention)
				      ORDER BY created_at LIMIT :cap) live
				HAVING count(*) >= :cap""")
			.bind("scope", scope)
			.bind("cap", this.properties.maxRecordsPerTenant())
			.bind("retention", seconds(this.properties.retention()))
			.map((row) -> {
				Number wait = row.get("wait", Number.class);
				return Duration.ofMillis((wait != null) ? (long) Math.ceil(wait.doubleValue() * 1000) : 0);
			})
			.one();
	}

	/**
	 * Records the answer. {@code sealed} is {@code null} when the body is withheld (nothing is kept
	 * in plaintext).
	 */
	Mono<Void> complete(String credential, String key, int status, @Nullable String contentType,
			@Nullable String location, AnswerSealer.@Nullable SealedAnswer sealed) {
		var spec = this.db.sql("""
				UPDATE platform.idempotency_record SET status = :status, content_type = :contentType,
				       location = :location, sealing_key_id = :sealingKey, body = :body
				WHERE credential_id = :credential AND idempotency_key = :key""")
			.bind("credential", credential)
			.bind("key", key)
			.bind("status", status);
		spec = (contentType != null) ? spec.bind("contentType", contentType) : spec.bindNull("contentType", String.class);
		spec = (location != null) ? spec.bind("location", location) : spec.bindNull("location", String.class);
		spec = (sealed != null) ? spec.bind("sealingKey", sealed.keyId()).bind("body", ByteBuffer.wrap(sealed.ciphertext()))
				: spec.bindNull("sealingKey", String.class).bindNull("body", ByteBuffer.class);
		return spec.then();
	}

	/** Forgets a claim whose request failed on the server, so a retry may run again. */
	Mono<Void> release(String credential, String key) {
		return this.db
			.sql("DELETE FROM platform.idempotency_record WHERE credential_id = :credential AND idempotency_key = :key "
					+ "AND status IS NULL")
			.bind("credential", credential)
			.bind("key", key)
			.then();
	}

	/** Deletes records past retention; returns how many. */
	Mono<Long> purgeExpired() {
		return this.db
			.sql("DELETE FROM platform.idempotency_record WHERE created_at < now() - make_interval(secs => :retention)")
			.bind("retention", seconds(this.properties.retention()))
			.fetch()
			.rowsUpdated();
	}

	private static double seconds(Duration duration) {
		return duration.toMillis() / 1000.0;
	}

	private static byte @Nullable [] bytes(@Nullable Object value) {
		if (value instanceof ByteBuffer buffer) {
			byte[] out = new byte[buffer.remaining()];
			buffer.get(out);
			return out;
		}
		return (value instanceof byte[] array) ? array : null;
	}

}
