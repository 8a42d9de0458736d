package io.duplex.session.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

import org.jspecify.annotations.Nullable;

import io.duplex.session.latency.ResponseLatency;
import io.duplex.session.provider.ProviderEvent;
import io.micrometer.core.instrument.Timer;

/**
 * Measures how long a response took to start: the figures for the store (the session's latency
 * report, written with the response's usage), and histograms per provider and model (Prometheus).
 */
final class LatencyRecorder {

	/** End of the user's speech to the first audio of the answer sent to the client. */
	static final String VOICE_TO_VOICE = "duplex.response.voice_to_voice";

	/** Asking the model for a response to its first output. */
	static final String PROVIDER_FIRST_BYTE = "duplex.response.provider_first_byte";

	/** A cascade's stages, tagged {@code stage}: {@code stt}, {@code llm_first_token}, {@code tts_first_byte}. */
	static final String CASCADE_STAGE = "duplex.response.cascade_stage";

	private LatencyRecorder() {
	}

	/** The response's figures, recorded in the histograms; the caller stores them with its usage. */
	static ResponseLatency measure(SessionEngine engine, ResponseRun run, String status) {
		Integer voiceToVoice = (run.speechEndedNanos != 0 && run.firstAudioNanos != 0)
				? millis(run.firstAudioNanos - run.speechEndedNanos) : null;
		Integer firstByte = (run.firstOutputNanos != 0) ? millis(run.firstOutputNanos - run.createdNanos) : null;
		Integer firstAudio = (run.firstAudioNanos != 0) ? millis(run.firstAudioNanos - run.createdNanos) : null;
		EngineServices services = engine.services();
		String provider = engine.grant().model().provider();
		String model = engine.grant().model().id();
		if (voiceToVoice != null) {
			timer(services, VOICE_TO_VOICE, "End of the user's speech to the first audio of the answer sent",
					provider, model).record(run.firstAudioNanos - run.speechEndedNanos, TimeUnit.NANOSECONDS);
		}
		if (firstByte != null) {
			timer(services, PROVIDER_FIRST_BYTE, "Asking the model for a response to its first output", provider,
					model).record(run.firstOutputNanos - run.createdNanos, TimeUnit.NANOSECONDS);
		}
		ProviderEvent.StageTimings stages = run.stages;
		Integer stt = (stages != null) ? stages.sttMs() : null;
		Integer llm = (stages != null) ? stages.llmFirstTokenMs() : null;
		Integer tts = (stages != null) ? stages.ttsFirstByteMs() : null;
		stage(services, "stt", stt, provider, model);
		stage(services, "llm_first_token", llm, provider, model);
		stage(services, "tts_first_byte", tts, provider, model);
		return new ResponseLatency(engine.grant().tenantId(), engine.sessionId(), run.response.id(), engine.segment(),
				run.turnItemId, status, voiceToVoice, firstByte, firstAudio, stt, llm, tts, Instant.now());
	}

	private static void stage(EngineServices services, String stage, @Nullable Integer millis, String provider,
			String model) {
		if (millis != null) {
			stageTimer(services, stage, provider, model).record(millis, TimeUnit.MILLISECONDS);
		}
	}

	private static Timer stageTimer(EngineServices services, String stage, String provider, String model) {
		return Timer.builder(CASCADE_STAGE)
			.description("How long a cascade stage took to start: speech to text, first token, first speech audio")
			.tag("provider", provider)
			.tag("model", model)
			.tag("stage", stage)
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofMillis(1))
			.maximumExpectedValue(Duration.ofSeconds(30))
			.register(services.meters);
	}

	private static Timer timer(EngineServices services, String name, String description, String provider,
			String model) {
		// registering an existing timer again returns it: a lookup, once per response
		return Timer.builder(name)
			.description(description)
			.tag("provider", provider)
			.tag("model", model)
			.publishPercentileHistogram()
			.minimumExpectedValue(Duration.ofMillis(1))
			.maximumExpectedValue(Duration.ofSeconds(30))
			.register(services.meters);
	}

	private static @Nullable Integer millis(long nanos) {
		// a clock that went backwards (an estimate from a client streaming faster than real time) is no figure
		return (nanos >= 0) ? (int) Math.min(Integer.MAX_VALUE, nanos / 1_000_000) : null;
	}

}
