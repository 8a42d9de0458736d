package io.duplex.session.cascade;

import java.time.Duration;

import io.netty.channel.ChannelOption;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import io.duplex.core.catalog.ModelInfo;
import io.duplex.core.catalog.ModelUpstream;
import io.duplex.session.provider.ModelProvider;
import io.duplex.session.provider.Placement;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ProviderUnavailableException;
import io.duplex.session.provider.UpstreamBreakers;
import io.duplex.session.provider.Upstreams;

/**
 * The {@code cascade} provider: speech to text, a chat model and text to speech over
 * OpenAI-compatible HTTP APIs (see the package description).
 */
@Component
class CascadeProvider implements ModelProvider {

	static final String NAME = "cascade";

	/**
	 * Below the keep-alive timeout of common servers (uvicorn's 5 s), so that a pooled connection is
	 * dropped here before the server drops it under a request.
	 */
	private static final Duration MAX_IDLE = Duration.ofSeconds(4);

	private final CascadeProperties properties;

	private final Upstreams upstreams;

	private final UpstreamBreakers breakers;

	private final HttpClient client;

	CascadeProvider(CascadeProperties properties, Upstreams upstreams, UpstreamBreakers breakers) {
		this.properties = properties;
		this.upstreams = upstreams;
		this.breakers = breakers;
		// the default pool holds 16 connections per host, too few for streams that last a whole response
		ConnectionProvider pool = ConnectionProvider.builder("duplex-cascade")
			.maxConnections(properties.maxConnections())
			.pendingAcquireTimeout(properties.firstByteTimeout())
			.maxIdleTime(MAX_IDLE)
			.evictInBackground(MAX_IDLE)
			.build();
		this.client = HttpClient.create(pool)
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
			.responseTimeout(properties.firstByteTimeout())
			// Reactor Netty would send a request again on a connection that closed under it: a turn
			// or a sentence must never be sent twice, so only a failed connect is retried (StageClient)
			.disableRetry(true);
	}

	@Override
	public String name() {
		return NAME;
	}

	/**
	 * Finds the session's three endpoints (the catalog's for the model, region and compute pool,
	 * else configuration; the tenant's own key first) and opens the session at once: nothing is
	 * connected before the first turn. Errors with a {@link ProviderUnavailableException} while the
	 * circuit breaker of any of the three endpoints is open, or when the catalog or the tenant's
	 * keys cannot be read; never empty.
	 */
	@Override
	public Mono<ProviderSession> open(ProviderSettings settings, ProviderListener listener) {
		return this.upstreams.resolve(NAME, settings).flatMap((resolved) -> {
			CascadeSession.Stages stages = stages(resolved);
			return check(stages).then(Mono.fromSupplier(() -> new CascadeSession(settings, listener, stages,
					this.properties)));
		});
	}

	/** Refused while the breaker of any of the model's three endpoints is open. */
	@Override
	public Mono<Void> admit(Placement placement, ModelInfo model) {
		return this.upstreams.resolve(NAME, placement, model.id()).flatMap((resolved) -> check(stages(resolved)));
	}

	private CascadeSession.Stages stages(Upstreams.Resolved resolved) {
		ModelUpstream catalog = resolved.catalog();
		int retries = this.properties.connectRetries();
		return new CascadeSession.Stages(
				new StageClient(resolved.endpoint(catalog.transcription(), this.properties.transcriptionEndpoint()),
						this.client, this.breakers, retries),
				new StageClient(resolved.endpoint(catalog.chat(), this.properties.chatEndpoint()), this.client,
						this.breakers, retries),
				new StageClient(resolved.endpoint(catalog.speech(), this.properties.speechEndpoint()), this.client,
						this.breakers, retries));
	}

	private static Mono<Void> check(CascadeSession.Stages stages) {
		return Mono.when(stages.transcription().check(), stages.chat().check(), stages.speech().check());
	}

}
