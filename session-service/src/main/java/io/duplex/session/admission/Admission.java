package io.duplex.session.admission;

import java.util.Map;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import io.duplex.core.catalog.PoolInfo;
import io.duplex.core.tenant.TenantInfo;
import reactor.core.publisher.Mono;

/**
 * Admission control: a new session needs a free slot in its tenant's quota and in its compute
 * pool, and in a large pool the tenant may hold only its share of the slots (see
 * {@link AdmissionSettings#tenantSlots}), so one tenant can never lock the others out. Counting and
 * inserting must happen in one transaction that first takes the tenant's and then the pool's
 * advisory lock (always in that order, so admissions never deadlock): concurrent admissions then
 * count one after another and can never overshoot a limit together.
 * <p>
 * A session that never got its socket must not hold a slot for long. It stops counting at its
 * connect deadline: {@code duplex.sessions.connect-timeout} after its creation, however long its
 * client secret would still live (the secret stops opening it then too), or when the secret
 * expires if that is sooner; once the secret was used, not before {@value #CONNECT_GRACE_SECONDS}
 * seconds after that, time enough for the gateway to mark it active; and for a session started
 * over a socket (which has no secret), not before {@value #CONNECT_GRACE_SECONDS} seconds after
 * its creation. Such sessions are ended with reason {@code never_connected}, at their deadline
 * and unmetered (they never started), by whoever next counts or reads the tenant's sessions, and
 * by every session node's periodic {@link #sweep}.
 */
@Component
public class Admission {

	static final int CONNECT_GRACE_SECONDS = 60;

	/**
	 * Ends stale sessions. SKIP LOCKED: a row another transaction holds is being changed by it
	 * (marked active, or ended by another sweep), and waiting for it could deadlock sweeps that
	 * overlap; the counts never depend on this sweep anyway.
	 */
	private static final String END_STALE = "WITH stale AS (SELECT s.id, %2$s AS deadline "
			+ "FROM realtime.session s WHERE %1$s AND s.status = 'created' AND %2$s <= now() "
			+ "FOR UPDATE SKIP LOCKED) UPDATE realtime.session t SET status = 'ended', "
			+ "end_reason = 'never_connected', ended_at = stale.deadline FROM stale WHERE t.id = stale.id "
			+ "AND t.status = 'created'";

	private final DatabaseClient db;

	private final AdmissionSettings settings;

	/** When a session still in status created stops counting; columns of {@code s}. */
	private final String deadline;

	/** Whether a session holds a slot; columns of {@code s}. */
	private final String holdsSlot;

	Admission(DatabaseClient db, AdmissionSettings settings) {
		this.db = db;
		this.settings = settings;
		// the connect timeout, or the secret's expiry if that comes first (it opens nothing after
		// it); an unused secret takes part as used at -infinity, so only a used one adds the grace;
		// a session without any secret (opened over a socket) gets the grace from its creation
		this.deadline = "GREATEST(LEAST(" + createdPlusConnectTimeout("s", settings)
				+ ", COALESCE((SELECT max(c.expires_at) FROM realtime.client_secret c WHERE c.session_id = s.id), "
				+ "'infinity'::timestamptz)), COALESCE((SELECT max(COALESCE(c.redeemed_at, '-infinity'::timestamptz)) "
				+ "FROM realtime.client_secret c WHERE c.session_id = s.id), s.created_at) + interval '"
				+ CONNECT_GRACE_SECONDS + " seconds')";
		// a detached session keeps its slot while it may be resumed, so its client can always come back
		this.holdsSlot = "s.status <> 'ended' AND (s.status = 'active' OR (s.status = 'detached' AND "
				+ "s.resumable_until > now()) OR (s.status = 'created' AND " + this.deadline + " > now()))";
	}

	/**
	 * The instant a session's connect timeout ends, as SQL over the session table aliased
	 * {@code alias}: the secret store refuses to open a session after it.
	 */
	public static String createdPlusConnectTimeout(String alias, AdmissionSettings settings) {
		return alias + ".created_at + interval '" + settings.connectTimeout().toMillis() + " milliseconds'";
	}

	/**
	 * Takes the locks and checks both limits; call it in the transaction that inserts the session,
	 * which keeps the locks until it ends.
	 * @return completes when there is room; errors with a 429 problem when the tenant's quota is
	 * full, the tenant holds its share of the pool, or the pool is full
	 */
	public Mono<Void> admit(TenantInfo tenant, PoolInfo pool) {
		Scope tenantScope = Scope.tenant(tenant.id());
		Mono<Void> tenantSlot = lock("duplex.sessions.tenant", tenant.id()).then(endStale(tenantScope))
			.then(count(tenantScope))
			.flatMap((live) -> (live >= tenant.maxConcurrentSessions())
					? Mono.error(SessionProblems.quotaExceeded(tenant.maxConcurrentSessions())) : Mono.empty());
		Scope poolScope = new Scope("s.region = :region AND s.compute = :compute",
				Map.of("region", pool.region(), "compute", pool.id()));
		int share = this.settings.tenantSlots(pool.maxConcurrentSessions());
		// counted under the pool's lock, which every admission to the pool takes, so it stays exact
		Mono<Void> tenantShare = (share >= pool.maxConcurrentSessions()) ? Mono.empty()
				: count(new Scope("s.region = :region AND s.compute = :compute AND s.tenant_id = :tenantId",
						Map.of("region", pool.region(), "compute", pool.id(), "tenantId", tenant.id())))
					.flatMap((held) -> (held >= share) ? Mono.error(SessionProblems.poolShareExceeded(pool.region(),
							pool.id(), share, this.settings.maxPoolShare())) : Mono.empty());
		Mono<Void> poolSlot = lock("duplex.sessions.pool", pool.region() + "/" + pool.id()).then(endStale(poolScope))
			.then(tenantShare)
			.then(count(poolScope))
			.flatMap((live) -> (live >= pool.maxConcurrentSessions())
					? Mono.error(SessionProblems.poolFull(pool.region(), pool.id(), pool.maxConcurrentSessions()))
					: Mono.empty());
		return tenantSlot.then(poolSlot);
	}

	/** Ends the tenant's sessions that never connected in time; completes when done. */
	public Mono<Void> endNeverConnected(String tenantId) {
		return endStale(Scope.tenant(tenantId));
	}

	/**
	 * Ends every tenant's sessions whose connect deadline has passed, for the periodic sweep.
	 * @return how many it ended
	 */
	Mono<Long> sweep() {
		return this.db.sql(END_STALE.formatted("TRUE", this.deadline)).fetch().rowsUpdated();
	}

	private Mono<Void> lock(String space, String key) {
		return this.db.sql("SELECT pg_advisory_xact_lock(hashtext(:space), hashtext(:key))")
			.bind("space", space)
			.bind("key", key)
			.then();
	}

	private Mono<Void> endStale(Scope scope) {
		return scope.bind(this.db.sql(END_STALE.formatted(scope.condition(), this.deadline))).then();
	}

	private Mono<Long> count(Scope scope) {
		return scope
			.bind(this.db.sql("SELECT count(*) AS live FROM realtime.session s WHERE " + scope.condition() + " AND "
					+ this.holdsSlot))
			.map((row) -> row.get("live", Long.class))
			.one();
	}

	/** Which sessions a limit covers: a condition on {@code s} and the values of its parameters. */
	private record Scope(String condition, Map<String, String> parameters) {

		static Scope tenant(String tenantId) {
			return new Scope("s.tenant_id = :tenantId", Map.of("tenantId", tenantId));
		}

		DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec) {
			for (Map.Entry<String, String> parameter : this.parameters.entrySet()) {
				spec = spec.bind(parameter.getKey(), parameter.getValue());
			}
			return spec;
		}

	}

}
