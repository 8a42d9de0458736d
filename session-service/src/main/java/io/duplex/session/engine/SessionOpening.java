package io.duplex.session.engine;

import java.util.List;
import java.util.Optional;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.duplex.session.conversation.StoredItem;
import io.duplex.session.protocol.ClientEvent;
import io.duplex.session.protocol.Decoded;
import io.duplex.session.protocol.ProtocolError;
import io.duplex.session.protocol.SessionConfig;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ModelProvider;
import io.duplex.session.provider.ProviderUnavailableException;
import io.duplex.session.lifecycle.ResumeState;
import io.duplex.session.lifecycle.SessionGrant;
import reactor.core.Exceptions;
import reactor.core.publisher.Mono;

/**
 * Gets an engine's session going: claims it when the socket resumes it, reads the conversation it
 * continues and the configuration it had, opens the model session, records the session and its
 * segment as this node's, and arms resume. What it opened reaches the engine as {@link Input.Opened},
 * one of its inputs. A start that fails ends the session, or leaves a claimed resume resumable again.
 */
final class SessionOpening {

	private static final Logger log = LoggerFactory.getLogger(SessionOpening.class);

	private final SessionEngine engine;

	/**
	 * Set once a resumed session is claimed for this socket: should its model not open, it is left
	 * resumable again, with the token its client still has (no new one was armed).
	 */
	private volatile boolean claimed;

	SessionOpening(SessionEngine engine) {
		this.engine = engine;
	}

	boolean claimed() {
		return this.claimed;
	}

	Mono<Void> start() {
		EngineServices services = this.engine.services();
		SessionGrant grant = this.engine.grant();
		ModelProvider provider = services.providers.get(grant.model().provider());
		if (provider == null) {
			return fail(new IllegalStateException("no provider " + grant.model().provider()));
		}
		Mono<Optional<ResumeState>> resume = grant.resumes()
				? services.sessions.claimResume(grant.tenantId(), grant.sessionId(), grant.resumeToken(), services.nodeId)
					.doOnNext((state) -> {
						this.claimed = true;
						services.countResume("resumed");
					})
					.map(Optional::of)
					.switchIfEmpty(Mono.error(ResumeRefused::new))
				: Mono.just(Optional.empty());
		return resume.flatMap((resumed) -> {
			SessionConfig config = resumed.map(this::restoredConfig).orElse(this.engine.config());
			int segment = resumed.map((state) -> state.segments() + 1).orElse(1);
			// a resumed session continues its conversation as any continued one does
			Mono<List<StoredItem>> history = (grant.continuedConversation() || grant.resumes())
					? services.conversations.history(grant.tenantId(), grant.conversationId()).collectList()
					: Mono.just(List.of());
			return history.flatMap((items) -> {
				List<ContextItem> context = items.stream().map(HistoryItems::context).toList();
				return provider.open(this.engine.settings(config, context), this.engine.listener(1))
					.flatMap((session) -> activate(resumed.isEmpty())
						.then(services.sessions.startSegment(grant.tenantId(), grant.sessionId(), segment,
								provider.name(), session.upstreamId(), resumed.isPresent() ? "resume" : "initial"))
						.then(armResume())
						.flatMap((token) -> Mono.<Void>fromRunnable(() -> this.engine.submit(new Input.Opened(session,
								items, config, segment, resumed.map(ResumeState::startedAt).orElse(null),
								token.orElse(null))))));
			});
		}).onErrorResume(this::fail);
	}

	/** Records a first socket's session as active on this node; a resumed one was claimed already. */
	private Mono<Void> activate(boolean first) {
		SessionGrant grant = this.engine.grant();
		return first ? this.engine.services().sessions.markActive(grant.tenantId(), grant.sessionId(),
				this.engine.services().nodeId) : Mono.empty();
	}

	/** This socket's resume token, stored before the client can have it; none when resume is off. */
	private Mono<Optional<String>> armResume() {
		EngineServices services = this.engine.services();
		if (!services.limits.resumes()) {
			return Mono.just(Optional.empty());
		}
		return services.sessions.armResume(this.engine.grant().tenantId(), this.engine.grant().sessionId(), services.nodeId)
			.map(Optional::of)
			.defaultIfEmpty(Optional.empty());
	}

	/** The configuration a resumed session had: the client's last {@code session.update}, or its agent's. */
	private SessionConfig restoredConfig(ResumeState state) {
		SessionConfig agents = this.engine.config();
		if (state.sessionConfig() == null) {
			return agents;
		}
		Decoded decoded = this.engine.services().decoder.decode(state.sessionConfig());
		if (decoded instanceof ClientEvent.SessionUpdate update) {
			// stored whole, applied over the agent's configuration as the client's own updates were
			return agents.withUpdate(update.session());
		}
		// stored by this server, so it decodes; should a later version refuse it, the agent's config still runs
		log.warn("Session {} resumes with its agent's configuration: its stored one no longer decodes ({})",
				this.engine.sessionId(), ((ProtocolError) decoded).message());
		return agents;
	}

	private Mono<Void> fail(Throwable error) {
		if (error instanceof ResumeRefused) {
			this.engine.services().countResume("refused");
			this.engine.submit(new Input.Stop(new Ending("resume_refused", ProtocolError.invalidRequest("resume_failed",
					"The session could not be resumed: it was resumed by another socket, ended, or its grace period "
							+ "is over.", null, null), Ending.POLICY_VIOLATION)));
			return Mono.error(error);
		}
		if (Exceptions.unwrap(error) instanceof ProviderUnavailableException unavailable) {
			// the endpoint's breaker is open: a known state, worth a line and not a stack trace
			log.warn("Session {} not started: {}", this.engine.sessionId(), unavailable.getBody().getDetail());
			this.engine.submit(new Input.Stop(new Ending("model_unavailable", ProtocolError.serverError(
					ProviderUnavailableException.CODE, String.valueOf(unavailable.getBody().getDetail()), null),
					Ending.TRY_AGAIN_LATER, this.claimed)));
			return Mono.error(error);
		}
		log.warn("Session {} could not reach its model", this.engine.sessionId(), error);
		this.engine.submit(new Input.Stop(new Ending("model_unavailable", ProtocolError.serverError("model_unavailable",
				"The model could not be reached; try again shortly.", null), Ending.INTERNAL_ERROR, this.claimed)));
		return Mono.error(error);
	}

	/** A resume token that was good at the handshake is not any more: another socket claimed the session first. */
	private static final class ResumeRefused extends RuntimeException {

		ResumeRefused() {
			super("resume refused", null, false, false);
		}

	}

}
