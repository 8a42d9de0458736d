package io.duplex.session.openai;

import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.util.retry.Retry;

import io.duplex.core.catalog.Endpoint;
import io.duplex.core.catalog.ModelInfo;
import io.duplex.session.provider.ModelProvider;
import io.duplex.session.provider.Placement;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ProviderUnavailableException;
import io.duplex.session.provider.UpstreamBreakers;
import io.duplex.session.provider.Upstreams;

/**
 * The {@code openai} provider: each session is an OpenAI Realtime session over its own upstream
 * WebSocket (see the package description).
 * @see <a href="https://platform.openai.com/docs/guides/realtime-websocket">Realtime API with WebSocket</a>
 */
@Component
class OpenAiProvider implements ModelProvider {

	static final String NAME = "openai";

	/** Retries of the initial connect; nothing of the conversation has been sent before it succeeds. */
	private static final int RETRIES = 2;

	private static final Duration BACKOFF = Duration.ofMillis(200);

	private final OpenAiProperties properties;

	private final Upstreams upstreams;

	private final UpstreamBreakers breakers;

	private final HttpClient client;

	private final ClientEvents events;

	OpenAiProvider(OpenAiProperties properties, Upstreams upstreams, UpstreamBreakers breakers) {
		this.properties = properties;
		this.upstreams = upstreams;
		this.breakers = breakers;
		this.events = new ClientEvents(properties.transcriptionModel());
		this.client = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis());
	}

	@Override
	public String name() {
		return NAME;
	}

	/**
	 * Finds the session's upstream (the catalog's realtime endpoint for the model, region and compute
	 * pool, else configuration; the tenant's own key first), connects, waits for
	 * {@code session.created}, configures and seeds the upstream session, and completes once it has
	 * applied the configuration. Errors with a {@link ProviderUnavailableException} at once while the
	 * endpoint's circuit breaker is open; otherwise when the upstream cannot be reached (after
	 * {@value #RETRIES} retries), refuses the handshake (bad key, unknown model) or reports an error
	 * before it is ready. Never empty.
	 */
	@Override
	public Mono<ProviderSession> open(ProviderSettings settings, ProviderListener listener) {
		return this.upstreams.resolve(NAME, settings).flatMap((resolved) -> {
			Endpoint endpoint = resolved.endpoint(resolved.catalog().realtime(), configured());
			String model = (endpoint.model() != null) ? endpoint.model()
					: this.properties.upstreamModel(settings.model().id());
			URI uri = uri(endpoint, model);
			HttpClient client = this.client.headers((headers) -> authorize(headers, endpoint));
			Mono<ProviderSession> connect = Mono.defer(() -> attempt(client, uri, settings, listener))
				.retryWhen(Retry.backoff(RETRIES, BACKOFF)
					.filter(OpenAiProvider::retryable)
					.onRetryExhaustedThrow((spec, signal) -> signal.failure()));
			return this.breakers.guard(NAME, this.breakers.breaker(NAME, endpoint), connect);
		});
	}

	/** Refused while the breaker of the model's realtime endpoint is open. */
	@Override
	public Mono<Void> admit(Placement placement, ModelInfo model) {
		return this.upstreams.resolve(NAME, placement, model.id()).flatMap((resolved) -> {
			Endpoint endpoint = resolved.endpoint(resolved.catalog().realtime(), configured());
			return this.breakers.check(NAME, this.breakers.breaker(NAME, endpoint));
		});
	}

	private Mono<ProviderSession> attempt(HttpClient client, URI uri, ProviderSettings settings,
			ProviderListener listener) {
		OpenAiSession session = new OpenAiSession(settings, listener, this.events, this.properties.firstByteTimeout());
		session.connection(client
			.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(OpenAiSession.MAX_FRAME).build())
			.uri(uri)
			.handle(session::run)
			.subscribe(null, session::connectionEnded, () -> session.connectionEnded(null)));
		return session.ready()
			.timeout(this.properties.connectTimeout())
			.doOnError((error) -> session.abandon())
			.doOnCancel(session::abandon);
	}

	/** The upstream from configuration: OpenAI's, or an Azure OpenAI deployment. */
	Endpoint configured() {
		boolean azure = this.properties.azure();
		return new Endpoint(this.properties.baseUrl().toString(), azure ? this.properties.azureDeployment() : null,
				this.properties.apiKey(), azure ? this.properties.azureApiVersion() : null);
	}

	/**
	 * {@code <baseUrl>?model=…}, or in the Azure form {@code <baseUrl>?api-version=…&deployment=…}
	 * (the model is then the deployment).
	 */
	static URI uri(Endpoint endpoint, String model) {
		String base = endpoint.baseUrl();
		String separator = base.contains("?") ? "&" : "?";
		if (endpoint.azureApiVersion() != null) {
			return URI.create(base + separator + "api-version=" + encode(endpoint.azureApiVersion()) + "&deployment="
					+ encode(model));
		}
		return URI.create(base + separator + "model=" + encode(model));
	}

	/** {@code Authorization: Bearer …}, or Azure's {@code api-key: …}; nothing without a key. */
	private static void authorize(HttpHeaders headers, Endpoint endpoint) {
		String key = endpoint.apiKey();
		if (key != null && endpoint.azureApiVersion() != null) {
			headers.set("api-key", key);
		}
		else if (key != null) {
			headers.set("Authorization", "Bearer " + key);
		}
	}

	/** Only failures to reach the upstream are retried, not refusals: a wrong key stays wrong. */
	static boolean retryable(Throwable error) {
		if (error instanceof WebSocketClientHandshakeException handshake) {
			return handshake.response() != null && handshake.response().status().code() >= 500;
		}
		return error instanceof ConnectException || error instanceof TimeoutException;
	}

	private static String encode(String value) {
		return URLEncoder.encode(value, StandardCharsets.UTF_8);
	}

}
