package io.duplex.session.openai;

import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.client.WebsocketClientSpec;
import reactor.util.retry.Retry;

import io.duplex.session.provider.ModelProvider;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;

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

	private final HttpClient client;

	private final ClientEvents events;

	OpenAiProvider(OpenAiProperties properties) {
		this.properties = properties;
		this.events = new ClientEvents(properties.transcriptionModel());
		this.client = HttpClient.create()
			.option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
			.headers((headers) -> {
				String key = properties.apiKey();
				if (key != null && properties.azure()) {
					headers.set("api-key", key);
				}
				else if (key != null) {
					headers.set("Authorization", "Bearer " + key);
				}
			});
	}

	@Override
	public String name() {
		return NAME;
	}

	/**
	 * Connects, waits for {@code session.created}, configures and seeds the upstream session, and
	 * completes once it has applied the configuration. Errors when the upstream cannot be reached
	 * (after {@value #RETRIES} retries), refuses the handshake (bad key, unknown model) or reports an
	 * error before it is ready; never empty.
	 */
	@Override
	public Mono<ProviderSession> open(ProviderSettings settings, ProviderListener listener) {
		URI uri = uri(this.properties.upstreamModel(settings.model().id()));
		return Mono.defer(() -> attempt(uri, settings, listener))
			.retryWhen(Retry.backoff(RETRIES, BACKOFF)
				.filter(OpenAiProvider::retryable)
				.onRetryExhaustedThrow((spec, signal) -> signal.failure()));
	}

	private Mono<ProviderSession> attempt(URI uri, ProviderSettings settings, ProviderListener listener) {
		OpenAiSession session = new OpenAiSession(settings, listener, this.events);
		session.connection(this.client
			.websocket(WebsocketClientSpec.builder().maxFramePayloadLength(OpenAiSession.MAX_FRAME).build())
			.uri(uri)
			.handle(session::run)
			.subscribe(null, session::connectionEnded, () -> session.connectionEnded(null)));
		return session.ready()
			.timeout(this.properties.connectTimeout())
			.doOnError((error) -> session.abandon())
			.doOnCancel(session::abandon);
	}

	/** {@code <baseUrl>?model=…}, or in the Azure form {@code <baseUrl>?api-version=…&deployment=…}. */
	URI uri(String model) {
		String base = this.properties.baseUrl().toString();
		String separator = base.contains("?") ? "&" : "?";
		if (this.properties.azure()) {
			return URI.create(base + separator + "api-version=" + encode(this.properties.azureApiVersion())
					+ "&deployment=" + encode(this.properties.azureDeployment()));
		}
		return URI.create(base + separator + "model=" + encode(model));
	}

	/** Only failures to reach the upstream are retried, not refusals: a wrong key stays wrong. */
	static boolean retryable(Throwable error) {
		if (error instanceof WebSocketClientHandshakeException handshake) {
			return handshake.response() != null && handshake.response().status().code() >= 500;
		}
		return error instanceof ConnectException || error instanceof TimeoutException;
	}

	private static String encode(@org.jspecify.annotations.Nullable String value) {
		return URLEncoder.encode((value != null) ? value : "", StandardCharsets.UTF_8);
	}

}
