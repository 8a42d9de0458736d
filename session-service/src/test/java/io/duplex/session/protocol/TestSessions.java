package io.duplex.session.protocol;

import java.util.List;

import io.duplex.session.audio.AudioFormat;
import io.duplex.session.protocol.SessionConfig.InputAudio;
import io.duplex.session.protocol.SessionConfig.InputTranscription;
import io.duplex.session.protocol.SessionConfig.MaxOutputTokens;
import io.duplex.session.protocol.SessionConfig.Modality;
import io.duplex.session.protocol.SessionConfig.NoiseReduction;
import io.duplex.session.protocol.SessionConfig.OutputAudio;
import io.duplex.session.protocol.SessionConfig.Tracing;
import io.duplex.session.protocol.SessionConfig.Truncation;
import io.duplex.session.protocol.SessionConfig.Voice;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Effective session configurations for tests, every member set the way the engine would set it. */
final class TestSessions {

	private TestSessions() {
	}

	/** OpenAI's defaults as {@code session.created} shows them: PCM16, server VAD, no transcription. */
	static SessionConfig realtimeDefaults() {
		return new SessionConfig(SessionConfig.Type.REALTIME, "gpt-realtime", "You are a helpful assistant.",
				List.of(Modality.AUDIO),
				new InputAudio(AudioFormat.PCM16, Clearable.cleared(), Clearable.cleared(),
						Clearable.of(new TurnDetection.ServerVad(0.5, 300, 200, true, true, null))),
				new OutputAudio(AudioFormat.PCM16, Voice.named("marin"), 1.0), List.of(), ToolChoice.Mode.AUTO,
				MaxOutputTokens.INF, Truncation.AUTO, Clearable.cleared(), null, null, null, null);
	}

	/** A phone agent on G.711 that commits turns itself, with one tool and most optional settings. */
	static SessionConfig telephony() {
		ObjectNode parameters = JsonMapper.builder().build().createObjectNode();
		parameters.put("type", "object").putObject("properties").putObject("order").put("type", "string");
		return new SessionConfig(SessionConfig.Type.REALTIME, "gpt-realtime", "You answer the phone.",
				List.of(Modality.AUDIO),
				new InputAudio(AudioFormat.PCMU,
						Clearable.of(new InputTranscription("whisper-1", "en", null, null, null, null)),
						Clearable.of(NoiseReduction.NEAR_FIELD), Clearable.cleared()),
				new OutputAudio(AudioFormat.PCMA, Voice.named("alloy"), 1.1),
				List.of(new Tool.Function("lookup", "Look up an order", parameters)), new ToolChoice.Function("lookup"),
				MaxOutputTokens.of(1024), new Truncation("retention_ratio", 0.5, null), Clearable.of(Tracing.AUTO),
				List.of("item.input_audio_transcription.logprobs"), null, null, null);
	}

	/** A transcription-only session. */
	static SessionConfig transcription() {
		return new SessionConfig(SessionConfig.Type.TRANSCRIPTION, null, null, null,
				new InputAudio(AudioFormat.PCM16,
						Clearable.of(new InputTranscription("gpt-4o-transcribe", "de", null, null, null, null)), null,
						Clearable.of(new TurnDetection.ServerVad(0.5, 300, 500, null, null, null))),
				null, null, null, null, null, null, List.of("item.input_audio_transcription.logprobs"), null, null,
				null);
	}

}
