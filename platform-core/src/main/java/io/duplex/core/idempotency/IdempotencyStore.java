package io.duplex.core.idempotency;

import java.time.Duration;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;

import reactor.core.publisher.Mono;

/** Hand SQL over {@code platform.idempotency_record}; one row per scope and key. */
class IdempotencyStore {

	/** How long a response stays replayable. */
	static final Duration RETENTION = Duration.ofHours(24);

	/** A claim older than this whose request never finished (a crash) may be taken over. */
	static final Duration ABANDONED_AFTER = Duration.ofSeconds(60);

	private final DatabaseClient db;

	IdempotencyStore(DatabaseClient db) {
		this.db = db;
	}

	/**
	 * Claims the key for a new request.
	 * @return {@code true} when this request now owns the key (no live record existed), {@code false}
	 * when another request holds it or has finished with it
	 */
	Mono<Boolean> claim(String scope, String key, String method, String path, String hash) {
		return this.db.sql("""
				INSERT INTO platform.idempotency_record (scope, idempotency_key, method, path, request_hash)
				VALUES (:scope, :key, :method, :path, :hash)
				ON CONFLICT (scope, idempotency_key) DO UPDATE
				SET method = excluded.method, path = excluded.path, request_hash = excluded.request_hash,
				    status = NULL, content_type = NULL, location = NULL, body = NULL, created_at = now()
				WHERE idempotency_record.created_at < now() - make_interval(secs => :retention)
				   OR (idempotency_record.status IS NULL
				       AND idempotency_record.created_at < now() - make_interval(secs => :abandoned))
				RETURNING 1""")
			.bind("scope", scope)
			.bind("key", key)
			.bind("method", method)
			.bind("path", path)
			.bind("hash", hash)
			.bind("retention", (double) RETENTION.toSeconds())
			.bind("abandoned", (double) ABANDONED_AFTER.toSeconds())
			.fetch()
			.rowsUpdated()
			.map((rows) -> rows == 1);
	}

	/** The record of the key; empty when there is none. */
	Mono<IdempotencyRecord> find(String scope, String key) {
		return this.db
			.sql("SELECT request_hash, status, content_type, location, body FROM platform.idempotency_record "
					+ "WHERE scope = :scope AND idempotency_key = :key")
			.bind("scope", scope)
			.bind("key", key)
			.map((row) -> new IdempotencyRecord(row.get("request_hash", String.class), row.get("status", Integer.class),
					row.get("content_type", String.class), row.get("location", String.class), bytes(row.get("body"))))
			.one();
	}

	Mono<Void> complete(String scope, String key, int status, @Nullable String contentType, @Nullable String location,
			byte[] body) {
		var spec = this.db.sql("""
				UPDATE platform.idempotency_record SET status = :status, content_type = :contentType,
				       location = :location, body = :body
				WHERE scope = :scope AND idempotency_key = :key""")
			.bind("scope", scope)
			.bind("key", key)
			.bind("status", status)
			.bind("body", java.nio.ByteBuffer.wrap(body));
		spec = (contentType != null) ? spec.bind("contentType", contentType) : spec.bindNull("contentType", String.class);
		spec = (location != null) ? spec.bind("location", location) : spec.bindNull("location", String.class);
		return spec.then();
	}

	/** Forgets a claim whose request failed on the server, so a retry may run again. */
	Mono<Void> release(String scope, String key) {
		return this.db
			.sql("DELETE FROM platform.idempotency_record WHERE scope = :scope AND idempotency_key = :key "
					+ "AND status IS NULL")
			.bind("scope", scope)
			.bind("key", key)
			.then();
	}

	/** Deletes records past retention; returns how many. */
	Mono<Long> purgeExpired() {
		return this.db
			.sql("DELETE FROM platform.idempotency_record WHERE created_at < now() - make_interval(secs => :retention)")
			.bind("retention", (double) RETENTION.toSeconds())
			.fetch()
			.rowsUpdated();
	}

	private static byte @Nullable [] bytes(@Nullable Object value) {
		if (value instanceof java.nio.ByteBuffer buffer) {
			byte[] out = new byte[buffer.remaining()];
			buffer.get(out);
			return out;
		}
		return (value instanceof byte[] array) ? array : null;
	}

}
