package io.duplex.session.protocol;

import io.duplex.session.protocol.SessionConfig.InputAudio;
import io.duplex.session.protocol.SessionConfig.InputTranscription;
import io.duplex.session.protocol.SessionConfig.OutputAudio;
import io.duplex.session.protocol.SessionConfig.Tracing;
import io.duplex.session.protocol.SessionConfig.Truncation;
import io.duplex.session.protocol.SessionConfig.Voice;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;

/**
 * Writes the effective session object of {@code session.created} and {@code session.updated}
 * ({@code RealtimeSessionCreateResponseGA}). A setting that is off is written as {@code null}
 * where the schema allows it ({@code turn_detection}, {@code tracing}), and left out where it
 * does not ({@code transcription}, {@code noise_reduction}, {@code include}), although OpenAI's own
 * examples write {@code null} there too: a client generated from the schema would refuse it.
 */
final class SessionWriter {

	private SessionWriter() {
	}

	static void session(JsonGenerator json, String id, long expiresAt, SessionConfig session) {
		boolean realtime = session.type() == SessionConfig.Type.REALTIME;
		json.writeStartObject();
		json.writeStringProperty("type", session.type().wireName());
		json.writeStringProperty("object", realtime ? "realtime.session" : "realtime.transcription_session");
		json.writeStringProperty("id", id);
		json.writeNumberProperty("expires_at", expiresAt);
		WireWriter.optString(json, "model", session.model());
		WireWriter.modalities(json, "output_modalities", session.outputModalities());
		WireWriter.optString(json, "instructions", session.instructions());
		if (session.tools() != null) {
			json.writeArrayPropertyStart("tools");
			session.tools().forEach((tool) -> tool(json, tool));
			json.writeEndArray();
		}
		if (session.toolChoice() != null) {
			json.writeName("tool_choice");
			toolChoice(json, session.toolChoice());
		}
		if (session.maxOutputTokens() != null) {
			WireWriter.maxOutputTokens(json, session.maxOutputTokens());
		}
		if (session.truncation() != null) {
			json.writeName("truncation");
			truncation(json, session.truncation());
		}
		if (realtime) {
			json.writeName("tracing");
			tracing(json, session.tracing());
		}
		if (session.prompt() != null) {
			WireWriter.tree(json, "prompt", session.prompt());
		}
		if (session.reasoning() != null) {
			WireWriter.tree(json, "reasoning", session.reasoning());
		}
		if (session.parallelToolCalls() != null) {
			json.writeBooleanProperty("parallel_tool_calls", session.parallelToolCalls());
		}
		if (session.include() != null) {
			json.writeArrayPropertyStart("include");
			session.include().forEach(json::writeString);
			json.writeEndArray();
		}
		if (session.input() != null || session.output() != null) {
			json.writeObjectPropertyStart("audio");
			if (session.input() != null) {
				input(json, session.input());
			}
			if (session.output() != null && realtime) {
				output(json, session.output());
			}
			json.writeEndObject();
		}
		json.writeEndObject();
	}

	private static void input(JsonGenerator json, InputAudio input) {
		json.writeObjectPropertyStart("input");
		if (input.format() != null) {
			WireWriter.format(json, input.format());
		}
		if (input.transcription() != null && !input.transcription().isCleared()) {
			transcription(json, input.transcription().value());
		}
		if (input.noiseReduction() != null && input.noiseReduction().value() != null) {
			json.writeObjectPropertyStart("noise_reduction");
			json.writeStringProperty("type", input.noiseReduction().value().wireName());
			json.writeEndObject();
		}
		if (input.turnDetection() != null) {
			json.writeName("turn_detection");
			turnDetection(json, input.turnDetection().value());
		}
		json.writeEndObject();
	}

	private static void output(JsonGenerator json, OutputAudio output) {
		json.writeObjectPropertyStart("output");
		if (output.format() != null) {
			WireWriter.format(json, output.format());
		}
		if (output.voice() != null) {
			voice(json, output.voice());
		}
		if (output.speed() != null) {
			json.writeNumberProperty("speed", output.speed());
		}
		json.writeEndObject();
	}

	private static void voice(JsonGenerator json, Voice voice) {
		if (voice.custom()) {
			json.writeObjectPropertyStart("voice");
			json.writeStringProperty("id", voice.id());
			json.writeEndObject();
		}
		else {
			json.writeStringProperty("voice", voice.id());
		}
	}

	private static void transcription(JsonGenerator json, @Nullable InputTranscription transcription) {
		json.writeObjectPropertyStart("transcription");
		if (transcription != null) {
			WireWriter.optString(json, "model", transcription.model());
			WireWriter.optString(json, "language", transcription.language());
			WireWriter.optString(json, "prompt", transcription.prompt());
			WireWriter.strings(json, "languages", transcription.languages());
			WireWriter.strings(json, "keywords", transcription.keywords());
			WireWriter.optString(json, "delay", transcription.delay());
		}
		json.writeEndObject();
	}

	private static void turnDetection(JsonGenerator json, @Nullable TurnDetection detection) {
		if (detection == null) {
			json.writeNull();
			return;
		}
		json.writeStartObject();
		json.writeStringProperty("type", detection.type());
		if (detection instanceof TurnDetection.ServerVad vad) {
			if (vad.threshold() != null) {
				json.writeNumberProperty("threshold", vad.threshold());
			}
			WireWriter.optInt(json, "prefix_padding_ms", vad.prefixPaddingMs());
			WireWriter.optInt(json, "silence_duration_ms", vad.silenceDurationMs());
			// OpenAI writes the null: no idle timeout
			json.writeName("idle_timeout_ms");
			if (vad.idleTimeoutMs() != null) {
				json.writeNumber(vad.idleTimeoutMs());
			}
			else {
				json.writeNull();
			}
		}
		else if (detection instanceof TurnDetection.SemanticVad vad) {
			WireWriter.optString(json, "eagerness", vad.eagerness());
		}
		WireWriter.optBoolean(json, "create_response", detection.createResponse());
		WireWriter.optBoolean(json, "interrupt_response", detection.interruptResponse());
		json.writeEndObject();
	}

	static void tool(JsonGenerator json, Tool tool) {
		switch (tool) {
			case Tool.Function function -> {
				json.writeStartObject();
				json.writeStringProperty("type", "function");
				json.writeStringProperty("name", function.name());
				WireWriter.optString(json, "description", function.description());
				if (function.parameters() != null) {
					WireWriter.tree(json, "parameters", function.parameters());
				}
				json.writeEndObject();
			}
			case Tool.Mcp mcp -> json.writeTree(mcp.definition());
		}
	}

	static void toolChoice(JsonGenerator json, ToolChoice choice) {
		switch (choice) {
			case ToolChoice.Mode mode -> json.writeString(mode.mode());
			case ToolChoice.Function function -> {
				json.writeStartObject();
				json.writeStringProperty("type", "function");
				json.writeStringProperty("name", function.name());
				json.writeEndObject();
			}
			case ToolChoice.Mcp mcp -> {
				json.writeStartObject();
				json.writeStringProperty("type", "mcp");
				json.writeStringProperty("server_label", mcp.serverLabel());
				WireWriter.optString(json, "name", mcp.name());
				json.writeEndObject();
			}
		}
	}

	private static void truncation(JsonGenerator json, Truncation truncation) {
		if (truncation.retentionRatio() == null) {
			json.writeString(truncation.type());
			return;
		}
		json.writeStartObject();
		json.writeStringProperty("type", truncation.type());
		json.writeNumberProperty("retention_ratio", truncation.retentionRatio());
		if (truncation.postInstructionsTokenLimit() != null) {
			json.writeObjectPropertyStart("token_limits");
			json.writeNumberProperty("post_instructions", truncation.postInstructionsTokenLimit());
			json.writeEndObject();
		}
		json.writeEndObject();
	}

	private static void tracing(JsonGenerator json, @Nullable Clearable<Tracing> tracing) {
		Tracing value = (tracing != null) ? tracing.value() : null;
		if (value == null) {
			json.writeNull();
		}
		else if (value.auto()) {
			json.writeString("auto");
		}
		else {
			json.writeStartObject();
			WireWriter.optString(json, "workflow_name", value.workflowName());
			WireWriter.optString(json, "group_id", value.groupId());
			if (value.metadata() != null) {
				WireWriter.tree(json, "metadata", value.metadata());
			}
			json.writeEndObject();
		}
	}

}
