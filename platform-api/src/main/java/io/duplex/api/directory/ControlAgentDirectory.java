package io.duplex.api.directory;

import org.jspecify.annotations.Nullable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;

import io.duplex.api.agent.StoredAgentConfigs;
import io.duplex.core.agent.AgentConfig;
import io.duplex.core.agent.AgentDirectory;
import io.duplex.core.agent.AgentSnapshot;
import io.r2dbc.spi.Readable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads agents for other modules from {@code control.agent} and {@code control.agent_version}:
 * only the tenant's live (not deleted) agents, at their current version or at a pinned one.
 * Placement and name come from the version's own configuration, so a pinned version runs where it
 * was configured to, not where the agent has moved since. The configuration is read as the API
 * answers it ({@link StoredAgentConfigs}), defaults of a section stored without them included.
 */
@Component
class ControlAgentDirectory implements AgentDirectory {

	private static final String SELECT = "SELECT v.agent_id, v.tenant_id, v.version, v.config, "
			+ StoredAgentConfigs.MODEL_LIMITS + " FROM control.agent a "
			+ "JOIN control.agent_version v ON v.tenant_id = a.tenant_id AND v.agent_id = a.id"
			+ StoredAgentConfigs.JOIN_MODEL + " WHERE a.tenant_id = :tenantId AND a.id = :agentId AND a.deleted_at IS NULL";

	private final DatabaseClient db;

	private final JsonMapper json;

	ControlAgentDirectory(DatabaseClient db, JsonMapper json) {
		this.db = db;
		this.json = json;
	}

	@Override
	public Mono<AgentSnapshot> find(String tenantId, String agentId, @Nullable Integer version) {
		DatabaseClient.GenericExecuteSpec spec = (version != null)
				? this.db.sql(SELECT + " AND v.version = :version").bind("version", version)
				: this.db.sql(SELECT + " AND v.version = a.version");
		return spec.bind("tenantId", tenantId).bind("agentId", agentId).map(this::snapshot).one();
	}

	private AgentSnapshot snapshot(Readable row) {
		AgentConfig config = StoredAgentConfigs.port(this.json, row);
		return new AgentSnapshot(row.get("agent_id", String.class), row.get("tenant_id", String.class),
				row.get("version", Integer.class), config.name(), config.model(), config.region(), config.compute(),
				config);
	}

}
