package io.duplex.api.agent;

import java.util.Map;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.stereotype.Component;

import io.duplex.api.catalog.CatalogReferences;
import reactor.core.publisher.Mono;

/**
 * Tells the catalog which entries live agents use, from the placement columns of
 * {@code control.agent}. These are the only agent queries that look across tenants: the catalog
 * is platform-wide, and only a count leaves this class.
 */
@Component
class AgentCatalogReferences implements CatalogReferences {

	private final DatabaseClient db;

	AgentCatalogReferences(DatabaseClient db) {
		this.db = db;
	}

	@Override
	public Mono<String> findModelUse(String modelId) {
		return count("model = :model", Map.of("model", modelId));
	}

	@Override
	public Mono<String> findRegionUse(String regionId) {
		return count("region = :region", Map.of("region", regionId));
	}

	@Override
	public Mono<String> findPoolUse(String regionId, String poolId) {
		return count("region = :region AND compute = :compute", Map.of("region", regionId, "compute", poolId));
	}

	private Mono<String> count(String condition, Map<String, String> parameters) {
		GenericExecuteSpec spec = this.db
			.sql("SELECT count(*) AS agents FROM control.agent WHERE deleted_at IS NULL AND " + condition);
		for (Map.Entry<String, String> parameter : parameters.entrySet()) {
			spec = spec.bind(parameter.getKey(), parameter.getValue());
		}
		return spec.map((row) -> row.get("agents", Long.class))
			.one()
			.filter((agents) -> agents > 0)
			.map((agents) -> agents + ((agents == 1) ? " live agent" : " live agents"));
	}

}
