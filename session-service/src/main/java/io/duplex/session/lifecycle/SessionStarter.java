package io.duplex.session.lifecycle;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;

import io.duplex.core.agent.AgentDirectory;
import io.duplex.core.agent.AgentSnapshot;
import io.duplex.core.audit.AuditEntry;
import io.duplex.core.audit.AuditTrail;
import io.duplex.core.budget.BudgetGuard;
import io.duplex.core.catalog.ModelCatalog;
import io.duplex.core.catalog.ModelInfo;
import io.duplex.core.catalog.PoolInfo;
import io.duplex.core.id.Ids;
import io.duplex.core.security.Caller;
import io.duplex.core.tenant.TenantDirectory;
import io.duplex.core.tenant.TenantInfo;
import io.duplex.core.web.Problems;
import io.duplex.session.admission.Admission;
import io.duplex.session.provider.ModelProvider;
import io.duplex.session.secrets.ClientSecretStore;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Starts sessions, the one way every entry point does ({@code POST /v1/sessions}, client secrets,
 * a socket opened with an API key): resolve the agent version and its placement, the
 * conversation, then admit, store and audit in one transaction.
 * <p>
 * Errors: 403 for a key that may not write or a suspended tenant; 404 for an agent or
 * conversation the tenant does not have; 422 naming the field for a missing agent version, a
 * conversation of an agent without memory, or client settings the agent does not free; 429 when
 * the tenant's quota or the compute pool is full; 402 {@code budget-exceeded} when a hard-capped
 * monthly budget of the tenant or the agent is used up. Nothing is stored then.
 */
@Component
public class SessionStarter {

	/**
	 * What to start.
	 * @param agentVersion a pinned version, or {@code null} for the current one
	 * @param conversationId an earlier conversation to continue, or {@code null} for a new one
	 * @param secretSeconds issue a client secret valid this long; {@code null} for none (the
	 * caller opens the session itself)
	 * @param clientSession a GA session configuration from the client, checked against the agent
	 */
	public record StartRequest(String agentId, @Nullable Integer agentVersion, @Nullable String conversationId,
			Map<String, String> metadata, @Nullable Integer secretSeconds, @Nullable JsonNode clientSession) {
	}

	/**
	 * A started session.
	 * @param agent the agent version with the client's settings applied
	 * @param secret the client secret, when one was asked for
	 */
	public record Started(Session session, AgentSnapshot agent, ModelInfo model, boolean continuedConversation,
			ClientSecretStore.@Nullable Issued secret) {

		public ClientSecretStore.Issued requireSecret() {
			if (this.secret == null) {
				throw new IllegalStateException("session " + this.session.id() + " was started without a secret");
			}
			return this.secret;
		}

	}

	private record Placement(ModelInfo model, PoolInfo pool) {
	}

	private final AgentDirectory agents;

	private final ModelCatalog catalog;

	private final TenantDirectory tenants;

	private final SessionRepository sessions;

	private final ClientSecretStore secrets;

	private final Admission admission;

	private final AuditTrail audit;

	private final TransactionalOperator tx;

	private final ObjectProvider<BudgetGuard> budgets;

	private final List<ModelProvider> providers;

	SessionStarter(AgentDirectory agents, ModelCatalog catalog, TenantDirectory tenants, SessionRepository sessions,
			ClientSecretStore secrets, Admission admission, AuditTrail audit, TransactionalOperator tx,
			ObjectProvider<BudgetGuard> budgets, List<ModelProvider> providers) {
		this.agents = agents;
		this.catalog = catalog;
		this.tenants = tenants;
		this.sessions = sessions;
		this.secrets = secrets;
		this.admission = admission;
		this.audit = audit;
		this.tx = tx;
		this.budgets = budgets;
		this.providers = List.copyOf(providers);
	}

	/** Starts a session for {@code caller}; see the class for what errors mean. */
	public Mono<Started> start(Caller caller, StartRequest request) {
		return Mono.defer(() -> {
			String tenantId = caller.requireTenant();
			caller.requireWriter();
			Map<String, String> metadata = SessionMetadata.validate(request.metadata());
			return agent(tenantId, request).flatMap((agent) -> placement(agent).flatMap((placement) -> {
				ObjectNode overrides = (request.clientSession() != null)
						? ClientSessionOverrides.resolve(request.clientSession(), agent, placement.model())
						: JsonNodeFactory.instance.objectNode();
				return admitted(agent, placement.model()).then(activeTenant(tenantId))
					.flatMap((tenant) -> conversation(tenantId, agent, request.conversationId())
						.flatMap((existing) -> insert(caller, tenant, placement, withOverrides(agent, overrides),
								existing, SessionMetadata.merge(agent, metadata), overrides,
								request.secretSeconds())));
			}));
		});
	}

	/**
	 * Whether the model's provider takes new sessions now: while its upstream is known to be down
	 * (a circuit breaker open), refused at once with 503 {@code model-unavailable}, before a session
	 * or a secret is made for nothing.
	 */
	private Mono<Void> admitted(AgentSnapshot agent, ModelInfo model) {
		ModelProvider provider = this.providers.stream()
			.filter((candidate) -> candidate.name().equals(model.provider()))
			.findFirst()
			.orElse(null);
		return (provider != null) ? provider.admit(new io.duplex.session.provider.Placement(agent.tenantId(),
				agent.region(), agent.compute()), model) : Mono.empty();
	}

	/** The agent version with the fields a client set (in the agent's shape) over its configuration. */
	static AgentSnapshot withOverrides(AgentSnapshot agent, ObjectNode overrides) {
		if (overrides.isEmpty()) {
			return agent;
		}
		return agent.withConfig(agent.config().withOverrides(overrides));
	}

	private Mono<Started> insert(Caller caller, TenantInfo tenant, Placement placement, AgentSnapshot agent,
			Optional<String> existing, Map<String, String> metadata, ObjectNode overrides,
			@Nullable Integer secretSeconds) {
		String conversationId = existing.orElseGet(() -> Ids.newId("conv"));
		Mono<Void> conversation = existing.isPresent() ? this.sessions.touchConversation(tenant.id(), conversationId)
				: this.sessions.insertConversation(tenant.id(), conversationId, agent.agentId());
		return withinBudget(tenant.id(), agent.agentId()).then(this.admission.admit(tenant, placement.pool()))
			.then(conversation)
			.then(this.sessions.insert(Ids.newId("sess"), tenant.id(), agent.agentId(), agent.version(),
					conversationId, agent.model(), agent.region(), agent.compute(), metadata, overrides,
					caller.credentialId()))
			.flatMap((session) -> issue(caller, session, secretSeconds)
				.flatMap((secret) -> this.audit
					.record(new AuditEntry(tenant.id(), caller, "session.created", "session", session.id(),
							Map.of("agent", agent.agentId(), "agent_version", agent.version(), "conversation",
									conversationId, "continued_conversation", existing.isPresent())))
					.thenReturn(new Started(session, agent, placement.model(), existing.isPresent(),
							secret.orElse(null)))))
			.as(this.tx::transactional);
	}

	/**
	 * Completes when no used-up hard-capped budget covers the agent; errors with 402 when one does.
	 * Without billing in the deployment there are no budgets to check.
	 */
	Mono<Void> withinBudget(String tenantId, String agentId) {
		BudgetGuard guard = this.budgets.getIfAvailable();
		return (guard != null) ? guard.admit(tenantId, agentId) : Mono.empty();
	}

	private Mono<Optional<ClientSecretStore.Issued>> issue(Caller caller, Session session, @Nullable Integer seconds) {
		if (seconds == null) {
			return Mono.just(Optional.empty());
		}
		return this.secrets.issue(session.tenantId(), session.id(), seconds, caller.credentialId()).map(Optional::of);
	}

	/** The agent version; 404 when the tenant has no such agent, 422 when it has no such version. */
	private Mono<AgentSnapshot> agent(String tenantId, StartRequest request) {
		return this.agents.find(tenantId, request.agentId(), request.agentVersion())
			.switchIfEmpty(Mono.defer(() -> (request.agentVersion() == null) ? Mono.error(agentNotFound(request))
					: this.agents.find(tenantId, request.agentId(), null)
						.flatMap((current) -> Mono.<AgentSnapshot>error(Problems.validation("agent_version",
								"agent " + request.agentId() + " has no version " + request.agentVersion()
										+ " (its current version is " + current.version() + ")")))
						.switchIfEmpty(Mono.error(() -> agentNotFound(request)))));
	}

	private static RuntimeException agentNotFound(StartRequest request) {
		return Problems.notFound("agent " + request.agentId());
	}

	/**
	 * The model and pool the agent version runs on. The catalog keeps entries that live agents use,
	 * but a pinned old version may name one since deleted: then it cannot start.
	 */
	private Mono<Placement> placement(AgentSnapshot agent) {
		return this.catalog.findModel(agent.model())
			.switchIfEmpty(Mono.error(() -> Problems.validation("agent_version",
					"runs model " + agent.model() + ", which the catalog no longer has")))
			.flatMap((model) -> this.catalog.findPool(agent.region(), agent.compute())
				.switchIfEmpty(Mono.error(() -> Problems.validation("agent_version", "runs on compute pool "
						+ agent.compute() + " of region " + agent.region() + ", which the catalog no longer has")))
				.map((pool) -> new Placement(model, pool)));
	}

	private Mono<TenantInfo> activeTenant(String tenantId) {
		return this.tenants.find(tenantId)
			.filter(TenantInfo::active)
			.switchIfEmpty(Mono.error(() -> Problems.forbidden("The tenant is suspended: it cannot start sessions.")));
	}

	/**
	 * The conversation to continue (empty for a new one). Another tenant's conversation, or one of
	 * another agent, is a 404; an agent without memory continues none (422).
	 */
	private Mono<Optional<String>> conversation(String tenantId, AgentSnapshot agent, @Nullable String id) {
		if (id == null) {
			return Mono.just(Optional.empty());
		}
		if (!agent.config().memory().continueConversations()) {
			return Mono.error(Problems.validation("conversation", "agent " + agent.agentId()
					+ " does not continue conversations (its memory.continue_conversations is false)"));
		}
		return this.sessions.findConversationAgent(tenantId, id)
			.filter(agent.agentId()::equals)
			.map((found) -> Optional.of(id))
			.switchIfEmpty(Mono.error(() -> Problems.notFound("conversation " + id + " of agent " + agent.agentId())));
	}

}
