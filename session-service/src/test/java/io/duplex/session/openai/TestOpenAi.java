package io.duplex.session.openai;

import java.net.URI;
import java.time.Duration;
import java.util.List;


import io.duplex.core.catalog.ModelInfo;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.Placement;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.testing.TestPorts;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Fixtures for the openai provider's tests: settings, properties, providers and responses. */
final class TestOpenAi {

	static final ModelInfo MODEL = new ModelInfo("gpt-realtime", "openai", "realtime", 32_000, 3_600, 10, 20,
			List.of("audio", "text"), List.of("alloy"), null);

	static final JsonNode WEATHER = JsonMapper.shared().readTree("""
			{"type":"function","name":"get_weather","description":"The weather in a city.",
			 "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}""");

	static final Duration WAIT = Duration.ofSeconds(5);

	private TestOpenAi() {
	}

	static OpenAiProperties properties(FakeOpenAiRealtime fake, String key) {
		return new OpenAiProperties(URI.create(fake.baseUrl()), key, Duration.ofSeconds(2), null, null,
				"gpt-4o-mini-transcribe", null, Duration.ofSeconds(2));
	}

	static OpenAiProvider provider(FakeOpenAiRealtime fake) {
		return provider(properties(fake, FakeOpenAiRealtime.KEY));
	}

	/** A provider with no catalog endpoints, no tenant keys and a breaker that stays closed in these tests. */
	static OpenAiProvider provider(OpenAiProperties properties) {
		return new OpenAiProvider(properties, TestPorts.upstreams(new TestPorts.Catalog(), new TestPorts.Credentials()),
				TestPorts.breakers());
	}

	static ProviderSettings settings(List<ContextItem> context) {
		return new ProviderSettings("sess_duplex1", new Placement("ten_1", "us-east", "openai-hosted"), MODEL, "alloy", "Be brief.", List.of(WEATHER), true, context,
				Duration.ZERO);
	}

	static ProviderSettings settings() {
		return settings(List.of());
	}

	static ResponseSpec audio(String responseId, List<ContextItem> context) {
		return new ResponseSpec(responseId, context, List.of("audio"), null, List.of(WEATHER), "auto", null);
	}





}
