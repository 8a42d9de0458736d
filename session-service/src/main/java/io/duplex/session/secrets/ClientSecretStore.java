package io.duplex.session.secrets;

import java.nio.ByteBuffer;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.session.admission.Admission;
import io.duplex.session.admission.AdmissionSettings;
import reactor.core.publisher.Mono;

/**
 * Hand SQL over {@code realtime.client_secret}: issuing a session's secret, and using it up.
 * Using one is a single conditional update, so of two sockets that race with the same secret (or
 * a secret and an API key attach) exactly one wins.
 */
@Repository
public class ClientSecretStore {

	/** A secret as issued: its value (shown this once) and when it stops opening a socket. */
	public record Issued(String value, Instant expiresAt) {
	}

	/** Whose session a used secret opened. */
	public record Claimed(String tenantId, String sessionId) {
	}

	private final DatabaseClient db;

	/** The connect deadline: a session not connected by then no longer opens, whatever its secret. */
	private final String connectable;

	ClientSecretStore(DatabaseClient db, AdmissionSettings settings) {
		this.db = db;
		this.connectable = " AND " + Admission.createdPlusConnectTimeout("s", settings) + " > now()";
	}

	/**
	 * Issues the session's secret, valid {@code seconds} from now on the database's clock.
	 * @param credentialId the API key that mints it: revoking that key ends the session, so the
	 * secret stops working
	 */
	public Mono<Issued> issue(String tenantId, String sessionId, int seconds, String credentialId) {
		String secret = ClientSecrets.newSecret();
		return this.db.sql("INSERT INTO realtime.client_secret (prefix, secret_hash, tenant_id, session_id, expires_at, "
				+ "credential_id) VALUES (:prefix, :hash, :tenantId, :sessionId, now() + :seconds * interval '1 second', "
				+ ":credentialId) RETURNING expires_at")
			.bind("prefix", ClientSecrets.prefixOf(secret))
			.bind("credentialId", credentialId)
			.bind("hash", ByteBuffer.wrap(ClientSecrets.hash(secret)))
			.bind("tenantId", tenantId)
			.bind("sessionId", sessionId)
			.bind("seconds", seconds)
			.map((row) -> new Issued(secret, row.get("expires_at", Instant.class)))
			.one();
	}

	/**
	 * Uses the secret up: its session must still be waiting for its socket within its connect
	 * timeout, and the secret unused and unexpired. The hash is compared in SQL rather than in
	 * constant time: what timing could reveal is a SHA-256 hash of 240 random bits, from which no
	 * secret can be made.
	 * @param sessionId the session the client named ({@code ?session=}), if any: a secret of another
	 * session is then left unused, so a wrong or stale URL cannot burn it
	 * @return empty when the secret is unknown, expired, used, for another session than the one
	 * named, or its session no longer waits (ended, or not connected within the connect timeout)
	 */
	public Mono<Claimed> redeem(String secret, @Nullable String sessionId) {
		DatabaseClient.GenericExecuteSpec redeem = this.db
			.sql("UPDATE realtime.client_secret c SET redeemed_at = now() FROM realtime.session s "
					+ "WHERE c.prefix = :prefix AND c.secret_hash = :hash AND c.redeemed_at IS NULL "
					+ "AND c.expires_at > now() AND s.id = c.session_id AND s.tenant_id = c.tenant_id "
					+ "AND s.status = 'created'" + this.connectable
					+ ((sessionId != null) ? " AND c.session_id = :sessionId" : "")
					+ " RETURNING c.tenant_id, c.session_id")
			.bind("prefix", ClientSecrets.prefixOf(secret))
			.bind("hash", ByteBuffer.wrap(ClientSecrets.hash(secret)));
		if (sessionId != null) {
			redeem = redeem.bind("sessionId", sessionId);
		}
		return redeem.map((row) -> new Claimed(row.get("tenant_id", String.class), row.get("session_id", String.class)))
			.one();
	}

	/**
	 * Uses up the secret of the tenant's session for a caller that opens it with an API key, so
	 * the secret cannot open a second socket.
	 * @param credentialId the caller's API key, recorded as the one that opened the session
	 * @return empty when the tenant has no such session waiting for its socket with a live secret
	 */
	public Mono<Claimed> redeemForSession(String tenantId, String sessionId, String credentialId) {
		return this.db.sql("UPDATE realtime.client_secret c SET redeemed_at = now(), redeemed_by = :credentialId "
				+ "FROM realtime.session s "
				+ "WHERE c.tenant_id = :tenantId AND c.session_id = :sessionId AND c.redeemed_at IS NULL "
				+ "AND c.expires_at > now() AND s.id = c.session_id AND s.tenant_id = c.tenant_id "
				+ "AND s.status = 'created'" + this.connectable + " RETURNING c.tenant_id, c.session_id")
			.bind("tenantId", tenantId)
			.bind("sessionId", sessionId)
			.bind("credentialId", credentialId)
			.map((row) -> new Claimed(row.get("tenant_id", String.class), row.get("session_id", String.class)))
			.one();
	}

}
