package io.duplex.session.cascade;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

import org.awaitility.Awaitility;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import io.duplex.core.catalog.ModelInfo;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.Placement;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderListener;
import io.duplex.session.provider.ProviderSession;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.provider.UpstreamBreakers;
import io.duplex.session.provider.Upstreams;
import io.duplex.session.testing.TestPorts;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Fixtures for the cascade provider's tests: settings, properties, in-test ports and a recording listener. */
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

		/** The output audio of every delta, concatenated. */
		byte[] audio() {
			ByteArrayOutputStream all = new ByteArrayOutputStream();
			all(ProviderEvent.AudioDelta.class).forEach((delta) -> all.writeBytes(delta.pcm()));
			return all.toByteArray();
		}

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

	/** Opens a session, expecting it to open. */
	static ProviderSession open(CascadeProvider provider, ProviderSettings settings, Recorder recorder) {
		AtomicReference<ProviderSession> session = new AtomicReference<>();
		StepVerifier.create(provider.open(settings, recorder))
			.consumeNextWith(session::set)
			.expectComplete()
			.verify(WAIT);
		return session.get();
	}

	/** {@code ms} of audio, each sample distinct from its neighbours. */
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

	/** The PCM the fake speaks for these sentences, one after the other. */
	static byte[] spoken(String... sentences) {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		for (String sentence : sentences) {
			all.writeBytes(FakeOpenAiCompatible.pcm(sentence));
		}
		return all.toByteArray();
	}

}
