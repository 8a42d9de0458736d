package io.duplex.session.sandbox;

import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import io.duplex.core.catalog.ModelInfo;
import io.duplex.session.audio.SpeechLikeAudio;
import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.Placement;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderEvent.AudioDelta;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderSettings;
import io.duplex.session.provider.ResponseSpec;
import reactor.test.scheduler.VirtualTimeScheduler;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A sandbox session on virtual time that records each event with the virtual time it arrived at. */
final class TestSandbox {

	/** Rates of the catalog's default realtime model: input audio 10 tokens a second, output 20. */
	static final Placement PLACEMENT = new Placement("ten_1", "us-east", "cpu-standard");

	static final ModelInfo MODEL = new ModelInfo("gpt-realtime", "sandbox", "realtime", 32_000, 1_800, 10, 20,
			List.of("audio", "text"), List.of("alloy"), "gpt-realtime");

	/** Three o200k tokens. */
	static final String INSTRUCTIONS = "Be brief.";

	static final List<String> AUDIO = List.of("audio");

	static final List<String> TEXT = List.of("text");

	/** An event and when it arrived, in virtual ms since the session opened. */
	record Timed(long atMs, ProviderEvent event) {
	}

	final VirtualTimeScheduler time = VirtualTimeScheduler.create();

	final List<Timed> events = new CopyOnWriteArrayList<>();

	final SandboxSession session;

	TestSandbox() {
		this(settings());
	}

	TestSandbox(ProviderSettings settings) {
		this.session = new SandboxSession(settings, (event) -> this.events
			.add(new Timed(this.time.now(TimeUnit.MILLISECONDS), event)), this.time);
	}

	/** Transcribing, 300 ms to the first delta, no tools. */
	static ProviderSettings settings() {
		return new ProviderSettings("sess_1", PLACEMENT, MODEL, "alloy", INSTRUCTIONS, List.of(), true, List.of(),
				Duration.ofMillis(300));
	}

	static ProviderSettings settings(Duration firstDeltaDelay) {
		ProviderSettings settings = settings();
		return new ProviderSettings(settings.sessionId(), settings.placement(), settings.model(), settings.voice(), settings.instructions(),
				settings.tools(), settings.transcribeInput(), settings.context(), firstDeltaDelay);
	}

	/** Speech-like audio of {@code ms}, the same for the same seed. */
	static short[] speech(long seed, int ms) {
		return new SpeechLikeAudio(seed).speech(ms).samples();
	}

	/** Appends {@code samples} in 20 ms frames, as the engine does, and commits them as {@code itemId}. */
	/** Appends a turn and commits it, reporting the speech on the session's audio clock as the engine does. */
	void speak(String itemId, short[] samples) {
		long startMs = this.clockSamples / 24;
		for (int at = 0; at < samples.length; at += 480) {
			append(samples, at, Math.min(480, samples.length - at));
		}
		this.session.commitInput(itemId, startMs, this.clockSamples / 24);
	}

	/** Appends audio, keeping the session's audio clock. */
	void append(short[] samples, int offset, int length) {
		this.session.appendAudio(samples, offset, length);
		this.clockSamples += length;
	}

	private long clockSamples;

	void advance(long ms) {
		this.time.advanceTimeBy(Duration.ofMillis(ms));
	}

	static ContextItem audioTurn(String id, long audioMs) {
		return ContextItem.message(id, "user", "", audioMs);
	}

	static ContextItem userText(String id, String text) {
		return ContextItem.message(id, "user", text, 0);
	}

	static ResponseSpec response(String id, List<String> modalities, List<ContextItem> context) {
		return new ResponseSpec(id, context, modalities, null, List.of(), "auto", null);
	}

	static ResponseSpec response(String id, List<String> modalities, List<ContextItem> context, List<JsonNode> tools,
			String toolChoice) {
		return new ResponseSpec(id, context, modalities, null, tools, toolChoice, null);
	}

	/** An OpenAI realtime function definition. */
	static JsonNode tool(String name) {
		return JsonMapper.shared()
			.readTree("{\"type\":\"function\",\"name\":\"" + name + "\",\"parameters\":{\"type\":\"object\"}}");
	}

	List<ProviderEvent> all() {
		return this.events.stream().map(Timed::event).toList();
	}

	<T extends ProviderEvent> List<T> all(Class<T> type) {
		return all().stream().filter(type::isInstance).map(type::cast).toList();
	}

	<T extends ProviderEvent> List<Timed> timed(Class<T> type) {
		return this.events.stream().filter((timed) -> type.isInstance(timed.event())).toList();
	}

	byte[] audio() {
		ByteArrayOutputStream out = new ByteArrayOutputStream();
		all(AudioDelta.class).forEach((delta) -> out.writeBytes(delta.pcm()));
		return out.toByteArray();
	}

	/** The concatenated deltas of one kind, e.g. {@code TranscriptDelta}, read through {@code text}. */
	<T extends ProviderEvent> String text(Class<T> type, Function<T, String> text) {
		return String.join("", all(type).stream().map(text).toList());
	}

	ResponseDone done() {
		List<ResponseDone> done = all(ResponseDone.class);
		if (done.size() != 1) {
			throw new AssertionError("Expected one ResponseDone, got " + done);
		}
		return done.getFirst();
	}

	/** The events as comparable text: records as they print, audio as Base64, each with its time. */
	List<String> described() {
		List<String> described = new ArrayList<>();
		for (Timed timed : this.events) {
			String event = (timed.event() instanceof AudioDelta delta)
					? "AudioDelta[" + delta.responseId() + ", " + Base64.getEncoder().encodeToString(delta.pcm()) + "]"
					: timed.event().toString();
			described.add(timed.atMs() + " " + event);
		}
		return described;
	}

}
