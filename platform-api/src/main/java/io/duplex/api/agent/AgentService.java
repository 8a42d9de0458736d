package io.duplex.api.agent;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.api.catalog.Catalog;
import io.duplex.core.audit.AuditEntry;
import io.duplex.core.audit.AuditTrail;
import io.duplex.core.id.Ids;
import io.duplex.core.page.Page;
import io.duplex.core.page.PageRequest;
import io.duplex.core.security.Caller;
import io.duplex.core.session.SessionTermination;
import io.duplex.core.session.SessionTerminations;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;

/**
 * Agent rules: tenant keys only (a platform admin acts through a tenant's key); tenant admins and
 * developers write, every role reads; another tenant's agent does not exist. Each create or
 * change is validated against the catalog and stored as a new immutable version in one
 * transaction with its audit entry, while the catalog entries it names are held.
 * <p>
 * Every method errors with 403 for a platform admin key (and, for writes, for finance and viewer
 * keys), 404 when the caller's tenant has no live agent with the id, and 422 naming each field
 * that breaks a rule; nothing is stored then.
 */
@Service
class AgentService {

	private final AgentRepository agents;

	private final AgentValidator validator;

	private final Catalog catalog;

	private final AuditTrail audit;

	private final TransactionalOperator tx;

	private final JsonMapper json;

	private final ObjectProvider<SessionTerminations> terminations;

	AgentService(AgentRepository agents, AgentValidator validator, Catalog catalog, AuditTrail audit,
			TransactionalOperator tx, JsonMapper json, ObjectProvider<SessionTerminations> terminations) {
		this.agents = agents;
		this.validator = validator;
		this.catalog = catalog;
		this.audit = audit;
		this.tx = tx;
		this.json = json;
		this.terminations = terminations;
	}

	Mono<Agent> create(Caller caller, AgentRequest request) {
		String tenantId = caller.requireTenant();
		caller.requireWriter();
		return this.catalog.holdEntries().then(resolve(request)).flatMap((config) -> {
			Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
			Agent agent = new Agent(Ids.newId("agt"), tenantId, 1, config, now, now);
			return this.agents.insert(agent, caller.credentialId())
				.then(this.audit.record(new AuditEntry(tenantId, caller, "agent.created", "agent", agent.id(),
						Map.of("name", config.name(), "version", 1, "model", config.model()))))
				.thenReturn(agent);
		}).as(this.tx::transactional);
	}

	/** The tenant's live agent; 404 when there is none with this id in the caller's tenant. */
	Mono<Agent> require(Caller caller, String id) {
		return this.agents.find(caller.requireTenant(), id).switchIfEmpty(Mono.error(() -> notFound(id)));
	}

	Mono<Page<Agent>> list(Caller caller, PageRequest page) {
		return this.agents.list(caller.requireTenant(), page)
			.collectList()
			.map((rows) -> Page.of(rows, page, Agent::id));
	}

	/**
	 * Applies a JSON merge patch to the current configuration and stores the result as the next
	 * version; a patch that changes nothing stores nothing. A rejected patch changes nothing.
	 */
	Mono<Agent> update(Caller caller, String id, JsonNode patch) {
		String tenantId = caller.requireTenant();
		caller.requireWriter();
		if (!patch.isObject()) {
			throw Problems.validation("body", "must be a JSON object: a merge patch (RFC 7396)");
		}
		return this.agents.lock(tenantId, id).switchIfEmpty(Mono.error(() -> notFound(id))).flatMap((current) -> {
			JsonNode merged = JsonMergePatch.apply(this.json.valueToTree(current.config()), patch);
			return this.catalog.holdEntries().then(resolve(bind(merged))).flatMap((config) -> {
				if (config.equals(current.config())) {
					return Mono.just(current);
				}
				Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
				Agent next = new Agent(id, tenantId, current.version() + 1, config, current.createdAt(), now);
				return this.agents.addVersion(next, caller.credentialId())
					.then(this.audit.record(new AuditEntry(tenantId, caller, "agent.updated", "agent", id,
							Map.of("version", next.version(), "changed", changedFields(current.config(), config)))))
					.thenReturn(next);
			});
		}).as(this.tx::transactional);
	}

	/**
	 * Soft-deletes the agent: it is gone from every endpoint, and its versions stay stored. Its
	 * sessions end (live ones on every node), in the same transaction.
	 */
	Mono<Void> delete(Caller caller, String id) {
		String tenantId = caller.requireTenant();
		caller.requireWriter();
		return this.agents.softDelete(tenantId, id)
			.switchIfEmpty(Mono.error(() -> notFound(id)))
			.flatMap((name) -> this.audit
				.record(new AuditEntry(tenantId, caller, "agent.deleted", "agent", id, Map.of("name", name)))
				.then(terminate(SessionTermination.agentDeleted(tenantId, id))))
			.as(this.tx::transactional);
	}

	/**
	 * Ends the sessions in scope. The port is absent only where the session module is not in the
	 * process (the control plane's own tests): there are no sessions to end there.
	 */
	private Mono<Void> terminate(SessionTermination termination) {
		SessionTerminations sessions = this.terminations.getIfAvailable();
		return (sessions != null) ? sessions.terminate(termination).then() : Mono.empty();
	}

	/** Versions newest first; the cursor {@code after} is a version number. */
	Mono<Page<AgentVersion>> versions(Caller caller, String id, PageRequest page) {
		int before = versionCursor(page);
		return require(caller, id).flatMap((agent) -> this.agents
			.versions(agent.tenantId(), id, before, page.fetchSize())
			.collectList()
			.map((rows) -> Page.of(rows, page, (version) -> String.valueOf(version.version()))));
	}

	/** One version; 404 when the agent or the version does not exist. */
	Mono<AgentVersion> version(Caller caller, String id, int version) {
		return require(caller, id).flatMap((agent) -> this.agents.findVersion(agent.tenantId(), id, version))
			.switchIfEmpty(Mono.error(() -> Problems.notFound("version " + version + " of agent " + id)));
	}

	/** Looks the named catalog entries up, then fills in defaults and checks every rule. */
	private Mono<AgentConfig> resolve(AgentRequest request) {
		String region = AgentValidator.regionOf(request);
		// one query after another: they share the transaction's connection
		return this.catalog.findModel(AgentValidator.modelOf(request))
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty())
			.flatMap((model) -> this.catalog.findRegion(region)
				.map(Optional::of)
				.defaultIfEmpty(Optional.empty())
				.flatMap((found) -> this.catalog.poolsIn(region)
					.collectList()
					.map((pools) -> this.validator.resolve(request,
							new AgentValidator.Placement(model.orElse(null), found.orElse(null), pools)))));
	}

	/** Reads a merged configuration back as a request; a field of the wrong shape is a 422 naming it. */
	private AgentRequest bind(JsonNode merged) {
		try {
			return this.json.treeToValue(merged, AgentRequest.class);
		}
		catch (MismatchedInputException ex) {
			String message = (ex instanceof UnrecognizedPropertyException) ? "is not a known field"
					: "has the wrong type or shape";
			throw Problems.validation(JsonPaths.of(ex), message);
		}
		catch (JacksonException ex) {
			throw Problems.validation("body", "cannot be read as an agent configuration");
		}
	}

	private List<String> changedFields(AgentConfig before, AgentConfig after) {
		JsonNode old = this.json.valueToTree(before);
		JsonNode now = this.json.valueToTree(after);
		List<String> changed = new ArrayList<>();
		for (String field : now.propertyNames()) {
			if (!now.get(field).equals(old.get(field))) {
				changed.add(field);
			}
		}
		return changed;
	}

	private static int versionCursor(PageRequest page) {
		if (page.after() == null) {
			return Integer.MAX_VALUE;
		}
		try {
			return Integer.parseInt(page.after());
		}
		catch (NumberFormatException ex) {
			throw Problems.validation("after", "must be a version number from the previous page");
		}
	}

	private static RuntimeException notFound(String id) {
		return Problems.notFound("agent " + id);
	}

}
