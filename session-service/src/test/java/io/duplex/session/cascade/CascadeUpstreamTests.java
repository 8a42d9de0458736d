package io.duplex.session.cascade;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.duplex.core.catalog.Endpoint;
import io.duplex.core.catalog.ModelUpstream;
import io.duplex.session.testing.ProviderSessions;
import io.duplex.session.testing.RecordingListener;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent.Failed;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.testing.CapturedLogs;
import io.duplex.session.testing.TestPorts;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the cascade's stages run and with which key: the catalog's endpoints for the session's
 * model, region and compute pool, stage by stage, else configuration; the tenant's own key first.
 */
class CascadeUpstreamTests {

	private static final String TENANT_KEY = "sk-tenant-own-5f3a9c";

	private static final String CATALOG_KEY = "sk-catalog-77d1e0";

	private final FakeOpenAiCompatible configured = FakeOpenAiCompatible.start();

	private final FakeOpenAiCompatible pool = FakeOpenAiCompatible.start();

	private final TestPorts.Catalog catalog = new TestPorts.Catalog();

	private final TestPorts.Credentials credentials = new TestPorts.Credentials();

	private final RecordingListener recorder = new RecordingListener();

	@AfterEach
	void stopFakes() {
		this.configured.close();
		this.pool.close();
	}

	@Test
	void catalogWhenItSetsSomeStagesThenThoseRunThereWithTheirModelsAndTheRestOnConfiguration() {
		this.pool.keys = Set.of(CATALOG_KEY);
		this.catalog.upstream = new ModelUpstream(null, null,
				new Endpoint(this.pool.baseUrl(), "qwen2.5-7b-instruct", CATALOG_KEY, null),
				new Endpoint(this.pool.baseUrl() + "/", "kokoro", CATALOG_KEY, null));
		fullTurn();
		assertThat(this.catalog.asked).containsExactly("llama-voice@eu-west/gpu-pool");
		assertThat(this.configured.received).extracting(FakeOpenAiCompatible.Received::path)
			.containsExactly(Transcription.PATH);
		assertThat(this.pool.received("/chat/completions").get(0).json().path("model").stringValue())
			.isEqualTo("qwen2.5-7b-instruct");
		assertThat(this.pool.received(Speech.PATH).get(0).json().path("model").stringValue()).isEqualTo("kokoro");
		assertThat(this.pool.received).extracting(FakeOpenAiCompatible.Received::authorization)
			.containsOnly("Bearer " + CATALOG_KEY);
		assertThat(this.configured.received).extracting(FakeOpenAiCompatible.Received::authorization)
			.containsOnly("Bearer " + FakeOpenAiCompatible.KEY);
	}

	@Test
	void catalogWhenEndpointHasNoKeyThenTheConfiguredKeyGoesThere() {
		this.catalog.upstream = new ModelUpstream(null, null, new Endpoint(this.pool.baseUrl(), "qwen", null, null),
				null);
		fullTurn();
		assertThat(this.pool.received).extracting(FakeOpenAiCompatible.Received::authorization)
			.containsOnly("Bearer " + FakeOpenAiCompatible.KEY);
	}

	@Test
	void tenantKeyWhenTenantBroughtOneThenEveryStageSendsItAndNoLogLineHoldsIt() {
		this.pool.keys = Set.of(TENANT_KEY);
		this.configured.keys = Set.of(TENANT_KEY);
		this.credentials.keys.put("ten_1/cascade", TENANT_KEY);
		this.catalog.upstream = new ModelUpstream(null, null, new Endpoint(this.pool.baseUrl(), "qwen", CATALOG_KEY, null),
				null);
		try (CapturedLogs logs = new CapturedLogs()) {
			fullTurn();
			assertThat(logs.lines()).isNotEmpty().noneMatch((line) -> line.contains(TENANT_KEY));
		}
		assertThat(this.pool.received).extracting(FakeOpenAiCompatible.Received::authorization)
			.containsOnly("Bearer " + TENANT_KEY);
		assertThat(this.configured.received).extracting(FakeOpenAiCompatible.Received::authorization)
			.containsOnly("Bearer " + TENANT_KEY);
	}

	@Test
	void tenantKeyWhenUpstreamRefusesItThenTheFailureNamesTheCodeButNotTheKey() {
		this.credentials.keys.put("ten_1/cascade", TENANT_KEY);
		try (CapturedLogs logs = new CapturedLogs()) {
			ProviderSession session = ProviderSessions.open(provider(), TestCascade.settings(true), this.recorder);
			session.createResponse(TestCascade.text("resp_1", List.of(ContextItem.message("item_1", "user", "Hi", 0))));
			assertThat(this.recorder.await(ResponseDone.class, 1).status()).isEqualTo("failed");
			session.close();
			Failed failed = this.recorder.all(Failed.class).get(0);
			assertThat(failed.code()).isEqualTo("invalid_api_key");
			assertThat(failed.message()).doesNotContain(TENANT_KEY);
			assertThat(logs.lines()).noneMatch((line) -> line.contains(TENANT_KEY));
		}
	}

	private void fullTurn() {
		ProviderSession session = ProviderSessions.open(provider(), TestCascade.settings(true), this.recorder);
		ProviderSessions.append(session, ProviderSessions.speech(300));
		session.commitInput("item_user1", 0, 300);
		session.createResponse(TestCascade.audio("resp_1", TestCascade.turn("item_user1", 300)));
		assertThat(this.recorder.await(ResponseDone.class, 1).status()).isEqualTo("completed");
		assertThat(this.recorder.all(Failed.class)).isEmpty();
		session.close();
	}

	private CascadeProvider provider() {
		return TestCascade.provider(TestCascade.properties(this.configured, FakeOpenAiCompatible.KEY), this.catalog,
				this.credentials, TestPorts.breakers());
	}

}
