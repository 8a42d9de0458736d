package io.duplex.session.openai;

import java.net.URI;
import java.time.Duration;
import java.util.Set;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import io.duplex.core.catalog.Endpoint;
import io.duplex.core.catalog.ModelUpstream;
import io.duplex.session.testing.ProviderSessions;
import io.duplex.session.testing.RecordingListener;
import io.duplex.session.provider.BreakerProperties;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderUnavailableException;
import io.duplex.session.provider.UpstreamBreakers;
import io.duplex.session.testing.CapturedLogs;
import io.duplex.session.testing.TestPorts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where an openai session connects and with which key (the catalog's realtime endpoint for the
 * model, region and compute pool, else configuration; the tenant's own key first), and the
 * endpoint's circuit breaker.
 */
class OpenAiUpstreamTests {

	private static final String TENANT_KEY = "sk-tenant-own-8c21fe";

	private static final String CATALOG_KEY = "sk-catalog-3e9b71";

	private static final URI NOWHERE = URI.create("ws://127.0.0.1:1/v1/realtime");

	private final FakeOpenAiRealtime fake = FakeOpenAiRealtime.start();

	private final TestPorts.Catalog catalog = new TestPorts.Catalog();

	private final TestPorts.Credentials credentials = new TestPorts.Credentials();

	private final RecordingListener recorder = new RecordingListener();

	@AfterEach
	void stopFake() {
		try {
			assertThat(this.fake.clientViolations).as("client events the provider sent").isEmpty();
		}
		finally {
			this.fake.close();
		}
	}

	@Test
	void catalogWhenItSetsARealtimeEndpointThenSessionConnectsThereWithItsModelAndKey() {
		this.fake.keys = Set.of(CATALOG_KEY);
		this.catalog.upstream = new ModelUpstream(
				new Endpoint(this.fake.baseUrl(), "gpt-realtime-2025-08-28", CATALOG_KEY, null), null, null, null);
		ProviderSession session = ProviderSessions.open(provider(configured(NOWHERE, "sk-configured")), TestOpenAi.settings(),
				this.recorder);
		assertThat(this.catalog.asked).containsExactly("gpt-realtime@us-east/openai-hosted");
		assertThat(this.fake.models).containsExactly("gpt-realtime-2025-08-28");
		assertThat(this.fake.credentials).containsExactly("Bearer " + CATALOG_KEY);
		session.createResponse(TestOpenAi.audio("resp_1", java.util.List.of()));
		assertThat(this.recorder.await(ResponseDone.class, 1).status()).isEqualTo("completed");
		session.close();
	}

	@Test
	void catalogWhenEndpointIsAzureThenDeploymentApiVersionAndApiKeyHeader() {
		this.fake.keys = Set.of(CATALOG_KEY);
		this.catalog.upstream = new ModelUpstream(
				new Endpoint(this.fake.baseUrl(), "my-realtime-deployment", CATALOG_KEY, "2025-04-01-preview"), null, null,
				null);
		ProviderSessions.open(provider(configured(NOWHERE, null)), TestOpenAi.settings(), this.recorder).close();
		assertThat(this.fake.models).containsExactly("my-realtime-deployment");
		assertThat(this.fake.credentials).containsExactly("api-key " + CATALOG_KEY);
	}

	@Test
	void tenantKeyWhenTenantBroughtOneThenItIsSentInsteadOfTheCatalogsAndNoLogLineHoldsIt() {
		this.fake.keys = Set.of(TENANT_KEY);
		this.credentials.keys.put("ten_1/openai", TENANT_KEY);
		this.catalog.upstream = new ModelUpstream(new Endpoint(this.fake.baseUrl(), null, CATALOG_KEY, null), null, null,
				null);
		try (CapturedLogs logs = new CapturedLogs()) {
			ProviderSession session = ProviderSessions.open(provider(TestOpenAi.properties(this.fake, "sk-configured")),
					TestOpenAi.settings(), this.recorder);
			session.createResponse(TestOpenAi.audio("resp_1", java.util.List.of()));
			this.recorder.await(ResponseDone.class, 1);
			session.close();
			// a refused key: neither the error nor any log line names it
			this.fake.keys = Set.of("sk-something-else");
			StepVerifier.create(provider(TestOpenAi.properties(this.fake, "sk-configured")).open(TestOpenAi.settings(),
					new RecordingListener()))
				.expectErrorSatisfies((error) -> {
					assertThat(error).isInstanceOf(WebSocketClientHandshakeException.class);
					assertThat(error.getMessage()).doesNotContain(TENANT_KEY);
				})
				.verify(TestOpenAi.WAIT);
			assertThat(logs.lines()).isNotEmpty().noneMatch((line) -> line.contains(TENANT_KEY));
		}
		assertThat(this.fake.credentials).containsOnly("Bearer " + TENANT_KEY);
		assertThat(this.fake.models).containsExactly("gpt-realtime");
	}

	@Test
	void breakerWhenUpstreamKeepsFailingThenNewSessionsFailFastAndItClosesWhenTheUpstreamRecovers() {
		UpstreamBreakers breakers = new UpstreamBreakers(new BreakerProperties(50, 2, 2, Duration.ofMillis(500), 1));
		OpenAiProvider provider = new OpenAiProvider(TestOpenAi.properties(this.fake, FakeOpenAiRealtime.KEY),
				TestPorts.upstreams(this.catalog, this.credentials), breakers);
		CircuitBreaker breaker = breakers.breaker(OpenAiProvider.NAME, new Endpoint(this.fake.baseUrl(), null, null, null));
		this.fake.unavailable = 1_000;
		for (int i = 0; i < 2; i++) {
			StepVerifier.create(provider.open(TestOpenAi.settings(), this.recorder))
				.expectError(WebSocketClientHandshakeException.class)
				.verify(TestOpenAi.WAIT);
		}
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.OPEN);
		int handshakes = this.fake.handshakes.get();
		StepVerifier.create(provider.open(TestOpenAi.settings(), this.recorder))
			.expectError(ProviderUnavailableException.class)
			.verify(Duration.ofMillis(100));
		assertThat(this.fake.handshakes.get()).isEqualTo(handshakes);
		// and a new session is refused before it is made
		StepVerifier.create(provider.admit(TestOpenAi.settings().placement(), TestOpenAi.MODEL))
			.expectError(ProviderUnavailableException.class)
			.verify(Duration.ofMillis(100));

		this.fake.unavailable = 0;
		Awaitility.await().pollDelay(Duration.ofMillis(550)).atMost(TestOpenAi.WAIT).until(() -> true);
		ProviderSessions.open(provider, TestOpenAi.settings(), this.recorder).close();
		assertThat(breaker.getState()).isEqualTo(CircuitBreaker.State.CLOSED);
		StepVerifier.create(provider.admit(TestOpenAi.settings().placement(), TestOpenAi.MODEL))
			.verifyComplete();
	}

	@Test
	void breakerWhenUpstreamRefusesAWrongKeyThenItStaysClosed() {
		UpstreamBreakers breakers = new UpstreamBreakers(new BreakerProperties(50, 2, 2, Duration.ofSeconds(30), 1));
		OpenAiProvider provider = new OpenAiProvider(TestOpenAi.properties(this.fake, "sk-wrong"),
				TestPorts.upstreams(this.catalog, this.credentials), breakers);
		for (int i = 0; i < 3; i++) {
			StepVerifier.create(provider.open(TestOpenAi.settings(), this.recorder))
				.expectError(WebSocketClientHandshakeException.class)
				.verify(TestOpenAi.WAIT);
		}
		assertThat(breakers.breaker(OpenAiProvider.NAME, new Endpoint(this.fake.baseUrl(), null, null, null)).getState())
			.isEqualTo(CircuitBreaker.State.CLOSED);
		assertThat(this.fake.handshakes.get()).isEqualTo(3);
	}

	private OpenAiProvider provider(OpenAiProperties properties) {
		return new OpenAiProvider(properties, TestPorts.upstreams(this.catalog, this.credentials), TestPorts.breakers());
	}

	private static OpenAiProperties configured(URI baseUrl, String key) {
		return new OpenAiProperties(baseUrl, key, Duration.ofSeconds(2), null, null, "gpt-4o-mini-transcribe", null, Duration.ofSeconds(2));
	}

}
