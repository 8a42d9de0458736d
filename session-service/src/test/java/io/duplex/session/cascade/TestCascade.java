package io.duplex.session.cascade;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;


import io.duplex.core.catalog.ModelInfo;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.Placement;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.provider.UpstreamBreakers;
import io.duplex.session.provider.Upstreams;
import io.duplex.session.testing.TestPorts;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Fixtures for the cascade provider's tests: settings, properties, providers, turns and what the fake speaks. */
final class TestCascade {

	static final ModelInfo MODEL = new ModelInfo("llama-voice", "cascade", "cascade", 32_000, 3_600, 10, 20,
			List.of("audio", "text"), List.of("alloy"), null);

	static final Placement PLACEMENT = new Placement("ten_1", "eu-west", "gpu-pool");

	static final JsonNode WEATHER = JsonMapper.shared().readTree("""
			{"type":"function","name":"get_weather","description":"The weather in a city.",
			 "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}""");

	static final Duration WAIT = Duration.ofSeconds(5);

	private TestCascade() {
	}

	/** Every stage on {@code fake}, with {@code key}, quick timeouts. */
	static CascadeProperties properties(FakeOpenAiCompatible fake, String key) {
		return properties(fake, key, Duration.ofSeconds(2));
	}

	/** Every stage on {@code fake}, with {@code key}, waiting at most {@code firstByteTimeout} for answers. */
	static CascadeProperties properties(FakeOpenAiCompatible fake, String key, Duration firstByteTimeout) {
		CascadeProperties.Stage stage = new CascadeProperties.Stage(URI.create(fake.baseUrl()), null, null, null);
		return new CascadeProperties(key, new CascadeProperties.Stage(URI.create(fake.baseUrl()), "whisper-large-v3",
				null, null), new CascadeProperties.Stage(URI.create(fake.baseUrl()), "llama-3.1-8b-instruct", null, null),
				stage, "alloy", null, Duration.ofSeconds(1), firstByteTimeout, 2, 2, 100);
	}

	static CascadeProvider provider(FakeOpenAiCompatible fake) {
		return provider(properties(fake, FakeOpenAiCompatible.KEY), new TestPorts.Catalog(), new TestPorts.Credentials(),
				TestPorts.breakers());
	}

	static CascadeProvider provider(CascadeProperties properties, TestPorts.Catalog catalog,
			TestPorts.Credentials credentials, UpstreamBreakers breakers) {
		return new CascadeProvider(properties, new Upstreams(catalog, credentials), breakers);
	}

	static ProviderSettings settings(boolean transcribe) {
		return new ProviderSettings("sess_duplex1", PLACEMENT, MODEL, "alloy", "Be brief.", List.of(WEATHER), transcribe,
				List.of(), Duration.ZERO);
	}

	static ResponseSpec audio(String responseId, List<ContextItem> context) {
		return new ResponseSpec(responseId, context, List.of("audio"), null, List.of(WEATHER), "auto", null);
	}

	static ResponseSpec text(String responseId, List<ContextItem> context) {
		return new ResponseSpec(responseId, context, List.of("text"), null, List.of(WEATHER), "auto", null);
	}

	/** The context of a committed audio turn whose transcript the engine does not know. */
	static List<ContextItem> turn(String itemId, long audioMs) {
		return List.of(ContextItem.message(itemId, "user", "", audioMs));
	}




	/** The PCM the fake speaks for these sentences, one after the other. */
	static byte[] spoken(String... sentences) {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		for (String sentence : sentences) {
			all.writeBytes(FakeOpenAiCompatible.pcm(sentence));
		}
		return all.toByteArray();
	}

}
