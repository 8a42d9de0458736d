package io.duplex.api.agent;

import java.time.Instant;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;

import io.duplex.core.page.PageRequest;
import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Hand SQL over {@code control.agent} and {@code control.agent_version}. Every statement filters
 * by tenant, and only live (not deleted) agents are found; configurations are stored as jsonb.
 */
@Repository
class AgentRepository {

	private static final String SELECT_AGENT = "SELECT a.id, a.tenant_id, a.version, a.created_at, a.updated_at, "
			+ "v.config, " + StoredAgentConfigs.MODEL_LIMITS + " FROM control.agent a JOIN control.agent_version v "
			+ "ON v.tenant_id = a.tenant_id AND v.agent_id = a.id AND v.version = a.version"
			+ StoredAgentConfigs.JOIN_MODEL + " WHERE a.tenant_id = :tenantId AND a.deleted_at IS NULL";

	private static final String SELECT_VERSION = "SELECT v.agent_id, v.version, v.config, v.created_at, v.created_by, "
			+ StoredAgentConfigs.MODEL_LIMITS + " FROM control.agent_version v" + StoredAgentConfigs.JOIN_MODEL
			+ " WHERE v.tenant_id = :tenantId AND v.agent_id = :agentId";

	private final DatabaseClient db;

	private final JsonMapper json;

	AgentRepository(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	/** Stores a new agent and its first version; call it in a transaction. */
	Mono<Void> insert(Agent agent, String createdBy) {
		AgentConfig config = agent.config();
		return this.db.sql("INSERT INTO control.agent (id, tenant_id, name, version, model, region, compute, "
				+ "created_at, updated_at) VALUES (:id, :tenantId, :name, :version, :model, :region, :compute, :at, :at)")
			.bind("id", agent.id())
			.bind("tenantId", agent.tenantId())
			.bind("name", config.name())
			.bind("version", agent.version())
			.bind("model", config.model())
			.bind("region", config.region())
			.bind("compute", config.compute())
			.bind("at", agent.createdAt())
			.then()
			.then(insertVersion(agent, createdBy));
	}

	/** Stores the agent's next version and makes it current; call it in a transaction. */
	Mono<Void> addVersion(Agent agent, String createdBy) {
		AgentConfig config = agent.config();
		return insertVersion(agent, createdBy)
			.then(this.db.sql("UPDATE control.agent SET version = :version, name = :name, model = :model, "
					+ "region = :region, compute = :compute, updated_at = :at WHERE tenant_id = :tenantId AND id = :id")
				.bind("id", agent.id())
				.bind("tenantId", agent.tenantId())
				.bind("version", agent.version())
				.bind("name", config.name())
				.bind("model", config.model())
				.bind("region", config.region())
				.bind("compute", config.compute())
				.bind("at", agent.updatedAt())
				.then());
	}

	/** The tenant's live agent; empty when it has none with this id (or it was deleted). */
	Mono<Agent> find(String tenantId, String id) {
		return this.db.sql(SELECT_AGENT + " AND a.id = :id")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.map(this::agent)
			.one();
	}

	/**
	 * Like {@link #find}, after locking the agent until the transaction ends, so that concurrent
	 * changes of one agent take turns and each gets its own version number. The lock is taken
	 * first and the agent read after it: a locking read that joined the version would, once a
	 * concurrent change commits, recheck the new row against the old version and find nothing.
	 */
	Mono<Agent> lock(String tenantId, String id) {
		return this.db.sql("SELECT id FROM control.agent WHERE tenant_id = :tenantId AND id = :id "
				+ "AND deleted_at IS NULL FOR UPDATE")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.map((row) -> row.get("id", String.class))
			.one()
			.flatMap((locked) -> find(tenantId, locked));
	}

	/** The tenant's live agents, newest first. */
	Flux<Agent> list(String tenantId, PageRequest page) {
		return this.db.sql(SELECT_AGENT + " AND a.id < :after ORDER BY a.id DESC LIMIT :limit")
			.bind("tenantId", tenantId)
			.bind("after", page.cursorOrMax())
			.bind("limit", page.fetchSize())
			.map(this::agent)
			.all();
	}

	/** Marks the agent deleted; empty when the tenant has no live agent with this id. */
	Mono<String> softDelete(String tenantId, String id) {
		return this.db.sql("UPDATE control.agent SET deleted_at = :now WHERE tenant_id = :tenantId AND id = :id "
				+ "AND deleted_at IS NULL RETURNING name")
			.bind("tenantId", tenantId)
			.bind("id", id)
			.bind("now", Instant.now())
			.map((row) -> row.get("name", String.class))
			.one();
	}

	/** Versions of the agent below {@code before}, newest first. */
	Flux<AgentVersion> versions(String tenantId, String agentId, int before, int limit) {
		return this.db.sql(SELECT_VERSION + " AND v.version < :before ORDER BY v.version DESC LIMIT :limit")
			.bind("tenantId", tenantId)
			.bind("agentId", agentId)
			.bind("before", before)
			.bind("limit", limit)
			.map(this::version)
			.all();
	}

	/** One version of the agent; empty when there is no such version. */
	Mono<AgentVersion> findVersion(String tenantId, String agentId, int version) {
		return this.db.sql(SELECT_VERSION + " AND v.version = :version")
			.bind("tenantId", tenantId)
			.bind("agentId", agentId)
			.bind("version", version)
			.map(this::version)
			.one();
	}

	private Mono<Void> insertVersion(Agent agent, String createdBy) {
		return this.db.sql("INSERT INTO control.agent_version (agent_id, tenant_id, version, config, created_at, "
				+ "created_by) VALUES (:agentId, :tenantId, :version, :config, :at, :createdBy)")
			.bind("agentId", agent.id())
			.bind("tenantId", agent.tenantId())
			.bind("version", agent.version())
			.bind("config", Json.of(this.json.writeValueAsString(agent.config())))
			.bind("at", agent.updatedAt())
			.bind("createdBy", createdBy)
			.then();
	}

	private Agent agent(Readable row) {
		return new Agent(row.get("id", String.class), row.get("tenant_id", String.class),
				row.get("version", Integer.class), config(row), row.get("created_at", Instant.class),
				row.get("updated_at", Instant.class));
	}

	private AgentVersion version(Readable row) {
		return new AgentVersion(row.get("agent_id", String.class), row.get("version", Integer.class), config(row),
				row.get("created_at", Instant.class), row.get("created_by", String.class));
	}

	private AgentConfig config(Readable row) {
		return StoredAgentConfigs.read(this.json, row);
	}

}
