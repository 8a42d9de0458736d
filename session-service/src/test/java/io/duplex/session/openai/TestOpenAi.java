package io.duplex.session.openai;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import reactor.test.StepVerifier;

import io.duplex.core.catalog.ModelInfo;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.Placement;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.testing.TestPorts;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;


/** Fixtures for the openai provider's tests: settings, properties and a listener that records. */
final class TestOpenAi {

	static final ModelInfo MODEL = new ModelInfo("gpt-realtime", "openai", "realtime", 32_000, 3_600, 10, 20,
			List.of("audio", "text"), List.of("alloy"), null);

	static final JsonNode WEATHER = JsonMapper.shared().readTree("""
			{"type":"function","name":"get_weather","description":"The weather in a city.",
			 "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}""");

	static final Duration WAIT = Duration.ofSeconds(5);

	private TestOpenAi() {
	}

	/** Records every event, in order. */
	static final class Recorder implements ProviderListener {

		final List<ProviderEvent> events = new CopyOnWriteArrayList<>();

		@Override
		public void onEvent(ProviderEvent event) {
			this.events.add(event);
		}

		<T extends ProviderEvent> List<T> all(Class<T> type) {
			return this.events.stream().filter(type::isInstance).map(type::cast).toList();
		}

		/** Waits for the {@code n}th event of {@code type} and returns it. */
		<T extends ProviderEvent> T await(Class<T> type, int n) {
			Awaitility.await().atMost(WAIT).until(() -> all(type).size() >= n);
			return all(type).get(n - 1);
		}

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

	/** Opens a session, expecting it to open. */
	static ProviderSession open(OpenAiProvider provider, ProviderSettings settings, Recorder recorder) {
		AtomicReference<ProviderSession> session = new AtomicReference<>();
		StepVerifier.create(provider.open(settings, recorder))
			.consumeNextWith(session::set)
			.expectComplete()
			.verify(WAIT);
		return session.get();
	}

	/** {@code ms} of audio in 20 ms frames, each sample distinct from its neighbours. */
	static short[] speech(int ms) {
		short[] samples = new short[ms * 24];
		for (int i = 0; i < samples.length; i++) {
			samples[i] = (short) ((i * 977) ^ (i >> 3));
		}
		return samples;
	}

	/** Appends {@code samples} in 20 ms frames, as the engine does. */
	static void append(ProviderSession session, short[] samples) {
		for (int at = 0; at < samples.length; at += 480) {
			session.appendAudio(samples, at, Math.min(480, samples.length - at));
		}
	}

	/** The samples as little-endian PCM16. */
	static byte[] pcm(short[] samples) {
		byte[] bytes = new byte[samples.length * 2];
		for (int i = 0; i < samples.length; i++) {
			bytes[2 * i] = (byte) samples[i];
			bytes[2 * i + 1] = (byte) (samples[i] >> 8);
		}
		return bytes;
	}

}
