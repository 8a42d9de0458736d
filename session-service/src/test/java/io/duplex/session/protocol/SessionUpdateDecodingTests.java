package io.duplex.session.protocol;

import java.util.List;

import io.duplex.session.audio.AudioFormat;
import io.duplex.session.protocol.SessionConfig.InputAudio;
import io.duplex.session.protocol.SessionConfig.MaxOutputTokens;
import io.duplex.session.protocol.SessionConfig.Modality;
import io.duplex.session.protocol.SessionConfig.NoiseReduction;
import io.duplex.session.protocol.SessionConfig.Tracing;
import io.duplex.session.protocol.SessionConfig.Truncation;
import io.duplex.session.protocol.SessionConfig.Voice;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code session.update} as real clients send it: the official SDKs, telephony bridges on G.711,
 * settings cleared with {@code null}, and the beta-shaped or misspelt members that must be refused
 * rather than silently ignored.
 */
class SessionUpdateDecodingTests {

	private final ClientEventDecoder decoder = new ClientEventDecoder(JsonMapper.builder().build());

	@Test
	void decodeWhenPythonSdkMinimalUpdateThenOnlyThoseMembers() {
		// what `await conn.session.update(session={"type": "realtime", "output_modalities": ["text"]})` sends
		SessionConfig session = decodeValid("""
				{"type": "session.update", "session": {"type": "realtime", "output_modalities": ["text"]}}""");
		assertThat(session).isEqualTo(new SessionConfig(SessionConfig.Type.REALTIME, null, null, List.of(Modality.TEXT),
				null, null, null, null, null, null, null, null, null, null, null));
	}

	@Test
	void decodeWhenAgentsSdkConnectUpdateThenEverySetting() {
		// what @openai/agents-realtime's _getMergedSessionConfig sends on connect for an agent with one tool
		SessionConfig session = decodeValid("""
				{"type": "session.update", "event_id": "event_sdk_session_update_1", "session": {
				  "type": "realtime", "instructions": "You are a friendly receptionist.", "model": "gpt-realtime",
				  "output_modalities": ["audio"],
				  "audio": {
				    "input": {"format": {"type": "audio/pcm", "rate": 24000}, "noise_reduction": null,
				              "transcription": {"model": "gpt-4o-mini-transcribe"}, "turn_detection": {"type": "semantic_vad"}},
				    "output": {"format": {"type": "audio/pcm", "rate": 24000}, "voice": "marin", "speed": 1}},
				  "tool_choice": "auto",
				  "tools": [{"type": "function", "name": "get_weather", "description": "Get the weather for a given city",
				             "parameters": {"type": "object", "properties": {"city": {"type": "string"}},
				                            "required": ["city"], "additionalProperties": false}}]}}""");
		assertThat(session.model()).isEqualTo("gpt-realtime");
		assertThat(session.instructions()).isEqualTo("You are a friendly receptionist.");
		assertThat(session.outputModalities()).containsExactly(Modality.AUDIO);
		InputAudio input = session.input();
		assertThat(input.format()).isEqualTo(AudioFormat.PCM16);
		assertThat(input.noiseReduction()).isEqualTo(Clearable.cleared());
		assertThat(input.transcription().value().model()).isEqualTo("gpt-4o-mini-transcribe");
		assertThat(input.turnDetection().value()).isEqualTo(new TurnDetection.SemanticVad(null, null, null));
		assertThat(session.output().format()).isEqualTo(AudioFormat.PCM16);
		assertThat(session.output().voice()).isEqualTo(Voice.named("marin"));
		assertThat(session.output().speed()).isEqualTo(1.0);
		assertThat(session.toolChoice()).isEqualTo(ToolChoice.Mode.AUTO);
		Tool.Function tool = (Tool.Function) session.tools().get(0);
		assertThat(tool.name()).isEqualTo("get_weather");
		assertThat(tool.description()).isEqualTo("Get the weather for a given city");
		assertThat(tool.parameters().path("required").get(0).stringValue()).isEqualTo("city");
	}

	@Test
	void decodeWhenAgentsSdkTracingUpdateThenAuto() {
		SessionConfig session = decodeValid("""
				{"type": "session.update", "session": {"type": "realtime", "tracing": "auto"}}""");
		assertThat(session.tracing()).isEqualTo(Clearable.of(Tracing.AUTO));
	}

	@Test
	void decodeWhenTwilioBridgeOnMuLawThenG711BothWays() {
		SessionConfig session = decodeValid("""
				{"type": "session.update", "session": {"type": "realtime", "model": "gpt-realtime",
				  "instructions": "You are a phone agent.",
				  "audio": {
				    "input": {"format": {"type": "audio/pcmu"},
				              "turn_detection": {"type": "server_vad", "threshold": 0.5, "prefix_padding_ms": 300,
				                                 "silence_duration_ms": 500, "idle_timeout_ms": null,
				                                 "create_response": true, "interrupt_response": true}},
				    "output": {"format": {"type": "audio/pcmu"}, "voice": "alloy"}}}}""");
		assertThat(session.input().format()).isEqualTo(AudioFormat.PCMU);
		assertThat(session.output().format()).isEqualTo(AudioFormat.PCMU);
		assertThat(session.input().turnDetection().value())
			.isEqualTo(new TurnDetection.ServerVad(0.5, 300, 500, true, true, null));
	}

	@Test
	void decodeWhenALawWithItsRateThenG711() {
		SessionConfig session = decodeValid("""
				{"type": "session.update", "session": {"type": "realtime", "audio": {
				  "input": {"format": {"type": "audio/pcma", "rate": 8000}}, "output": {"format": {"type": "audio/pcma"}}}}}""");
		assertThat(session.input().format()).isEqualTo(AudioFormat.PCMA);
		assertThat(session.output().format()).isEqualTo(AudioFormat.PCMA);
	}

	@Test
	void decodeWhenSettingsClearedWithNullThenCleared() {
		SessionConfig session = decode("""
				{"type": "session.update", "session": {"type": "realtime", "instructions": "", "tools": [],
				  "tracing": null, "audio": {"input": {"turn_detection": null, "transcription": null}}}}""");
		assertThat(session.instructions()).isEmpty();
		assertThat(session.tools()).isEmpty();
		assertThat(session.tracing()).isEqualTo(Clearable.cleared());
		assertThat(session.input().turnDetection().isCleared()).isTrue();
		assertThat(session.input().transcription().isCleared()).isTrue();
		// absent is not cleared: nothing was said about noise reduction
		assertThat(session.input().noiseReduction()).isNull();
	}

	@Test
	void decodeWhenEveryOtherGaMemberThenKept() {
		SessionConfig session = decodeValid("""
				{"type": "session.update", "session": {"type": "realtime", "max_output_tokens": "inf",
				  "truncation": {"type": "retention_ratio", "retention_ratio": 0.8, "token_limits": {"post_instructions": 5000}},
				  "tracing": {"workflow_name": "front-desk", "group_id": "g1", "metadata": {"tenant": "acme"}},
				  "include": ["item.input_audio_transcription.logprobs"],
				  "prompt": {"id": "pmpt_123", "version": "2", "variables": {"city": "Oslo"}},
				  "reasoning": {"effort": "low"}, "parallel_tool_calls": false,
				  "tool_choice": {"type": "function", "name": "get_weather"},
				  "tools": [{"type": "mcp", "server_label": "docs", "server_url": "https://mcp.example.com/sse",
				             "require_approval": "never"}],
				  "audio": {"input": {"noise_reduction": {"type": "far_field"},
				                      "transcription": {"model": "whisper-1", "language": "en", "prompt": "aviation"},
				                      "turn_detection": {"type": "semantic_vad", "eagerness": "high", "create_response": false}},
				            "output": {"voice": {"id": "voice_1234"}, "speed": 1.25}}}}""");
		assertThat(session.maxOutputTokens()).isEqualTo(MaxOutputTokens.INF);
		assertThat(session.truncation()).isEqualTo(new Truncation("retention_ratio", 0.8, 5000));
		assertThat(session.tracing().value().workflowName()).isEqualTo("front-desk");
		assertThat(session.tracing().value().metadata().path("tenant").stringValue()).isEqualTo("acme");
		assertThat(session.include()).containsExactly("item.input_audio_transcription.logprobs");
		assertThat(session.prompt().path("id").stringValue()).isEqualTo("pmpt_123");
		assertThat(session.reasoning().path("effort").stringValue()).isEqualTo("low");
		assertThat(session.parallelToolCalls()).isFalse();
		assertThat(session.toolChoice()).isEqualTo(new ToolChoice.Function("get_weather"));
		Tool.Mcp mcp = (Tool.Mcp) session.tools().get(0);
		assertThat(mcp.serverLabel()).isEqualTo("docs");
		assertThat(mcp.definition().path("require_approval").stringValue()).isEqualTo("never");
		assertThat(session.input().noiseReduction().value()).isEqualTo(NoiseReduction.FAR_FIELD);
		assertThat(session.input().transcription().value().language()).isEqualTo("en");
		assertThat(session.input().turnDetection().value()).isEqualTo(new TurnDetection.SemanticVad("high", false, null));
		assertThat(session.output().voice()).isEqualTo(new Voice("voice_1234", true));
		assertThat(session.output().speed()).isEqualTo(1.25);
	}

	@Test
	void decodeWhenTruncationStringsThenConstants() {
		assertThat(decodeValid("""
				{"type": "session.update", "session": {"type": "realtime", "truncation": "disabled"}}""").truncation())
			.isEqualTo(Truncation.DISABLED);
		assertThat(decodeValid("""
				{"type": "session.update", "session": {"type": "realtime", "truncation": "auto", "max_output_tokens": 4096}}""")
			.maxOutputTokens()).isEqualTo(MaxOutputTokens.of(4096));
	}

	@Test
	void decodeWhenTranscriptionSessionThenInputOnly() {
		SessionConfig session = decodeValid("""
				{"type": "session.update", "session": {"type": "transcription", "audio": {"input": {
				  "format": {"type": "audio/pcm", "rate": 24000},
				  "transcription": {"model": "gpt-4o-transcribe", "language": "de"}, "turn_detection": null}}}}""");
		assertThat(session.type()).isEqualTo(SessionConfig.Type.TRANSCRIPTION);
		assertThat(session.input().transcription().value().model()).isEqualTo("gpt-4o-transcribe");
		assertThat(session.input().turnDetection().isCleared()).isTrue();
	}

	@Test
	void decodeWhenSessionHasNoTypeThenMissingSessionType() {
		// OpenAI's exact answer to beta-shaped updates, which carry no session.type
		assertError("""
				{"event_id": "e1", "type": "session.update", "session": {"instructions": "hi", "voice": "alloy"}}""",
				ProtocolError.MISSING_REQUIRED_PARAMETER, "session.type", "Missing required parameter: 'session.type'.");
	}

	@Test
	void decodeWhenBetaMemberThenUnknownParameter() {
		assertError("""
				{"type": "session.update", "session": {"type": "realtime", "input_audio_format": "pcm16"}}""",
				ProtocolError.UNKNOWN_PARAMETER, "session.input_audio_format",
				"Unknown parameter: 'session.input_audio_format'.");
	}

	@Test
	void decodeWhenToolHasExtraMemberThenUnknownParameterWithIndex() {
		// LiveKit once sent tools[].meta; OpenAI answered with exactly this param
		assertError("""
				{"type": "session.update", "session": {"type": "realtime", "tools": [
				  {"type": "function", "name": "a"}, {"type": "function", "name": "b"},
				  {"type": "function", "name": "c", "meta": {}}]}}""",
				ProtocolError.UNKNOWN_PARAMETER, "session.tools[2].meta", "Unknown parameter: 'session.tools[2].meta'.");
	}

	@Test
	void decodeWhenBetaFormatStringThenInvalidType() {
		assertError("""
				{"type": "session.update", "session": {"type": "realtime", "audio": {"input": {"format": "pcm16"}}}}""",
				ProtocolError.INVALID_TYPE, "session.audio.input.format",
				"Invalid type for 'session.audio.input.format': expected an object, but got a string instead.");
	}

	@Test
	void decodeWhenPcmAtAnotherRateThenInvalidValue() {
		assertError("""
				{"type": "session.update", "session": {"type": "realtime",
				  "audio": {"input": {"format": {"type": "audio/pcm", "rate": 16000}}}}}""",
				ProtocolError.INVALID_VALUE, "session.audio.input.format.rate",
				"Invalid value: '16000'. Supported values are: '24000'.");
	}

	@Test
	void decodeWhenUnknownFormatThenInvalidValueListingGaNames() {
		assertError("""
				{"type": "session.update", "session": {"type": "realtime", "audio": {"output": {"format": {"type": "audio/opus"}}}}}""",
				ProtocolError.INVALID_VALUE, "session.audio.output.format.type",
				"Invalid value: 'audio/opus'. Supported values are: 'audio/pcm', 'audio/pcmu', 'audio/pcma'.");
	}

	@Test
	void decodeWhenNumbersOutOfRangeThenRangeCodes() {
		assertError("""
				{"type": "session.update", "session": {"type": "realtime", "audio": {"output": {"speed": 2.0}}}}""",
				ProtocolError.DECIMAL_ABOVE_MAX_VALUE, "session.audio.output.speed",
				"Invalid 'session.audio.output.speed': decimal above maximum value. Expected a value <= 1.5, but got 2.0 instead.");
		assertError("""
				{"type": "session.update", "session": {"type": "realtime",
				  "audio": {"input": {"turn_detection": {"type": "server_vad", "idle_timeout_ms": 1000}}}}}""",
				ProtocolError.INTEGER_BELOW_MIN_VALUE, "session.audio.input.turn_detection.idle_timeout_ms",
				"Invalid 'session.audio.input.turn_detection.idle_timeout_ms': integer below minimum value. Expected a value >= 5000, but got 1000 instead.");
		assertError("""
				{"type": "session.update", "session": {"type": "realtime", "max_output_tokens": 5000}}""",
				ProtocolError.INTEGER_ABOVE_MAX_VALUE, "session.max_output_tokens",
				"Invalid 'session.max_output_tokens': integer above maximum value. Expected a value <= 4096, but got 5000 instead.");
	}

	@Test
	void decodeWhenMaxOutputTokensWordIsNotInfThenInvalidValue() {
		assertError("""
				{"type": "session.update", "session": {"type": "realtime", "max_output_tokens": "infinite"}}""",
				ProtocolError.INVALID_VALUE, "session.max_output_tokens",
				"Invalid value: 'infinite'. Supported values are: 'inf'.");
	}

	@Test
	void decodeWhenTranscriptionSessionHasOutputAudioThenUnknownParameter() {
		assertError("""
				{"type": "session.update", "session": {"type": "transcription", "audio": {"output": {"voice": "alloy"}}}}""",
				ProtocolError.UNKNOWN_PARAMETER, "session.audio.output", "Unknown parameter: 'session.audio.output'.");
		assertError("""
				{"type": "session.update", "session": {"type": "transcription", "instructions": "hi"}}""",
				ProtocolError.UNKNOWN_PARAMETER, "session.instructions", "Unknown parameter: 'session.instructions'.");
	}

	@Test
	void decodeWhenTurnDetectionHasMemberOfTheOtherKindThenUnknownParameter() {
		assertError("""
				{"type": "session.update", "session": {"type": "realtime",
				  "audio": {"input": {"turn_detection": {"type": "semantic_vad", "threshold": 0.5}}}}}""",
				ProtocolError.UNKNOWN_PARAMETER, "session.audio.input.turn_detection.threshold",
				"Unknown parameter: 'session.audio.input.turn_detection.threshold'.");
	}

	@Test
	void withUpdateWhenPartialUpdateThenOnlyGivenMembersChange() {
		SessionConfig current = decode("""
				{"type": "session.update", "session": {"type": "realtime", "model": "gpt-realtime", "instructions": "A",
				  "audio": {"input": {"format": {"type": "audio/pcmu"}, "turn_detection": {"type": "server_vad"}},
				            "output": {"voice": "alloy", "speed": 1.0}}}}""");
		SessionConfig update = decode("""
				{"type": "session.update", "session": {"type": "realtime", "instructions": "B",
				  "audio": {"input": {"turn_detection": null}, "output": {"speed": 1.2}}}}""");
		SessionConfig merged = current.withUpdate(update);
		assertThat(merged.model()).isEqualTo("gpt-realtime");
		assertThat(merged.instructions()).isEqualTo("B");
		assertThat(merged.input().format()).isEqualTo(AudioFormat.PCMU);
		assertThat(merged.input().turnDetection().isCleared()).isTrue();
		assertThat(merged.output().voice()).isEqualTo(Voice.named("alloy"));
		assertThat(merged.output().speed()).isEqualTo(1.2);
		assertThat(current.withUpdate(SessionConfig.empty(SessionConfig.Type.REALTIME))).isEqualTo(current);
	}

	private SessionConfig decode(String frame) {
		Decoded decoded = this.decoder.decode(frame);
		assertThat(decoded).isInstanceOf(ClientEvent.SessionUpdate.class);
		return ((ClientEvent.SessionUpdate) decoded).session();
	}

	/** Checks {@code frame} against OpenAI's schema for {@code session.update}, then decodes its session. */
	private SessionConfig decodeValid(String frame) {
		RealtimeSchema.get().assertValidClientEvent(frame);
		return decode(frame);
	}

	private void assertError(String frame, String code, String param, String message) {
		Decoded decoded = this.decoder.decode(frame);
		assertThat(decoded).isInstanceOf(ProtocolError.class);
		ProtocolError error = (ProtocolError) decoded;
		assertThat(error.type()).isEqualTo(ProtocolError.INVALID_REQUEST_ERROR);
		assertThat(error.code()).isEqualTo(code);
		assertThat(error.param()).isEqualTo(param);
		assertThat(error.message()).isEqualTo(message);
	}

}
