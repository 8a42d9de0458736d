package io.duplex.api.agent;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a stored agent configuration ({@code control.agent_version.config}), for the API's answers
 * and for the port other modules read ({@link io.duplex.core.agent.AgentDirectory}), so both see the
 * same configuration. A version stored without a section reads with the section's defaults; for
 * the rollover policy these depend on the model, as the catalog has it now (and are the plain
 * defaults when the catalog no longer has the model).
 */
public final class StoredAgentConfigs {

	/** The model's limits the defaults depend on, from {@link #JOIN_MODEL}. */
	public static final String MODEL_LIMITS = "m.max_session_seconds, m.context_window";

	/** Joins the model a version (aliased {@code v}) names, if the catalog still has it. */
	public static final String JOIN_MODEL = " LEFT JOIN control.model m ON m.id = v.config->>'model'";

	private StoredAgentConfigs() {
	}

	/** The configuration of a row with {@code config} and {@link #MODEL_LIMITS}, as other modules read it. */
	public static io.duplex.core.agent.AgentConfig port(JsonMapper json, Readable row) {
		return read(json, row).toPort();
	}

	static AgentConfig read(JsonMapper json, Readable row) {
		Integer maxSessionSeconds = row.get("max_session_seconds", Integer.class);
		Integer contextWindow = row.get("context_window", Integer.class);
		return json.readValue(row.get("config", Json.class).asString(), AgentConfig.class)
			.withRolloverIfAbsent(() -> AgentConfig.Rollover.from((maxSessionSeconds != null && contextWindow != null)
					? io.duplex.core.agent.AgentConfig.Rollover.defaults(maxSessionSeconds, contextWindow)
					: io.duplex.core.agent.AgentConfig.Rollover.defaults()));
	}

}
