package io.duplex.session.protocol;

import java.util.List;
import java.util.Map;

import io.duplex.session.audio.AudioFormat;
import io.duplex.session.protocol.ConversationItem.ContentPart;
import io.duplex.session.protocol.RealtimeResponse.TokenCounts;
import io.duplex.session.protocol.SessionConfig.MaxOutputTokens;
import io.duplex.session.protocol.SessionConfig.Modality;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.JsonNode;

/**
 * Writes the objects server events carry (items, responses) straight to a generator, without
 * building trees, with the helpers {@link SessionWriter} shares. A member with no value is left
 * out, except where OpenAI's schema allows {@code null} and a client may need to see that
 * something is unset ({@code metadata}); the schema allows no {@code null} for the others
 * ({@code status_details}, {@code usage}, {@code conversation_id}, {@code transcript}), so
 * strict clients would refuse one.
 */
final class WireWriter {

	private WireWriter() {
	}

	static void format(JsonGenerator json, AudioFormat format) {
		json.writeObjectPropertyStart("format");
		json.writeStringProperty("type", format.wireName());
		if (format == AudioFormat.PCM16) {
			// G.711 formats carry no rate in the GA schema: it is always 8 kHz
			json.writeNumberProperty("rate", format.sampleRate());
		}
		json.writeEndObject();
	}

	static void maxOutputTokens(JsonGenerator json, MaxOutputTokens limit) {
		if (limit.limit() != null) {
			json.writeNumberProperty("max_output_tokens", limit.limit());
		}
		else {
			json.writeStringProperty("max_output_tokens", "inf");
		}
	}

	/**
	 * Writes an item.
	 * @param withAudio whether audio bytes go in: only {@code conversation.item.retrieved} has them
	 */
	static void item(JsonGenerator json, ConversationItem item, boolean withAudio) {
		json.writeStartObject();
		optString(json, "id", item.id());
		switch (item) {
			case ConversationItem.Message message -> {
				header(json, "message", message.status());
				json.writeStringProperty("role", message.role().wireName());
				json.writeArrayPropertyStart("content");
				for (ContentPart part : message.content()) {
					part(json, part, withAudio);
				}
				json.writeEndArray();
			}
			case ConversationItem.FunctionCall call -> {
				header(json, "function_call", call.status());
				optString(json, "call_id", call.callId());
				json.writeStringProperty("name", call.name());
				json.writeStringProperty("arguments", call.arguments());
			}
			case ConversationItem.FunctionCallOutput output -> {
				header(json, "function_call_output", output.status());
				json.writeStringProperty("call_id", output.callId());
				json.writeStringProperty("output", output.output());
			}
			case ConversationItem.ItemReference reference -> json.writeStringProperty("type", "item_reference");
		}
		json.writeEndObject();
	}

	private static void header(JsonGenerator json, String type, ConversationItem.@Nullable Status status) {
		json.writeStringProperty("object", "realtime.item");
		json.writeStringProperty("type", type);
		if (status != null) {
			json.writeStringProperty("status", status.wireName());
		}
	}

	private static void part(JsonGenerator json, ContentPart part, boolean withAudio) {
		json.writeStartObject();
		json.writeStringProperty("type", part.type());
		switch (part) {
			case ConversationItem.InputText text -> json.writeStringProperty("text", text.text());
			case ConversationItem.OutputText text -> json.writeStringProperty("text", text.text());
			case ConversationItem.InputImage image -> {
				json.writeStringProperty("image_url", image.imageUrl());
				optString(json, "detail", image.detail());
			}
			case ConversationItem.InputAudio audio -> audio(json, withAudio ? audio.audio() : null, audio.transcript());
			case ConversationItem.OutputAudio audio -> audio(json, withAudio ? audio.audio() : null, audio.transcript());
		}
		json.writeEndObject();
	}

	private static void audio(JsonGenerator json, byte @Nullable [] audio, @Nullable String transcript) {
		if (audio != null) {
			json.writeBinaryProperty("audio", audio);
		}
		optString(json, "transcript", transcript);
	}

	/**
	 * Writes the {@code part} of {@code response.content_part.*}, whose {@code type} the GA schema
	 * still names {@code text} and {@code audio}, not {@code output_text} and {@code output_audio}.
	 */
	static void streamedPart(JsonGenerator json, ContentPart part) {
		json.writeObjectPropertyStart("part");
		switch (part) {
			case ConversationItem.OutputText text -> {
				json.writeStringProperty("type", "text");
				json.writeStringProperty("text", text.text());
			}
			case ConversationItem.OutputAudio audio -> {
				json.writeStringProperty("type", "audio");
				json.writeStringProperty("transcript", (audio.transcript() != null) ? audio.transcript() : "");
			}
			default -> throw new IllegalArgumentException("Responses stream only output parts, not " + part.type());
		}
		json.writeEndObject();
	}

	static void response(JsonGenerator json, RealtimeResponse response) {
		json.writeStartObject();
		json.writeStringProperty("object", "realtime.response");
		json.writeStringProperty("id", response.id());
		json.writeStringProperty("status", response.status().wireName());
		if (response.statusDetails() != null) {
			RealtimeResponse.StatusDetails details = response.statusDetails();
			json.writeObjectPropertyStart("status_details");
			json.writeStringProperty("type", details.type());
			optString(json, "reason", details.reason());
			if (details.errorType() != null) {
				json.writeObjectPropertyStart("error");
				json.writeStringProperty("type", details.errorType());
				optString(json, "code", details.errorCode());
				json.writeEndObject();
			}
			json.writeEndObject();
		}
		json.writeArrayPropertyStart("output");
		for (ConversationItem item : response.output()) {
			item(json, item, false);
		}
		json.writeEndArray();
		optString(json, "conversation_id", response.conversationId());
		modalities(json, "output_modalities", response.outputModalities());
		maxOutputTokens(json, response.maxOutputTokens());
		if (response.outputFormat() != null || response.voice() != null) {
			json.writeObjectPropertyStart("audio");
			json.writeObjectPropertyStart("output");
			if (response.outputFormat() != null) {
				format(json, response.outputFormat());
			}
			optString(json, "voice", response.voice());
			json.writeEndObject();
			json.writeEndObject();
		}
		if (response.usage() != null) {
			usage(json, response.usage());
		}
		metadata(json, response.metadata());
		json.writeEndObject();
	}

	private static void usage(JsonGenerator json, RealtimeResponse.Usage usage) {
		json.writeObjectPropertyStart("usage");
		json.writeNumberProperty("total_tokens", usage.totalTokens());
		json.writeNumberProperty("input_tokens", usage.inputTokens());
		json.writeNumberProperty("output_tokens", usage.outputTokens());
		json.writeObjectPropertyStart("input_token_details");
		tokens(json, usage.input(), true);
		json.writeNumberProperty("cached_tokens", usage.cached().total());
		json.writeObjectPropertyStart("cached_tokens_details");
		tokens(json, usage.cached(), true);
		json.writeEndObject();
		json.writeEndObject();
		json.writeObjectPropertyStart("output_token_details");
		tokens(json, usage.output(), false);
		json.writeEndObject();
		json.writeEndObject();
	}

	private static void tokens(JsonGenerator json, TokenCounts counts, boolean withImages) {
		json.writeNumberProperty("text_tokens", counts.text());
		json.writeNumberProperty("audio_tokens", counts.audio());
		if (withImages) {
			json.writeNumberProperty("image_tokens", counts.image());
		}
	}

	private static void metadata(JsonGenerator json, @Nullable Map<String, String> metadata) {
		if (metadata == null) {
			json.writeNullProperty("metadata");
			return;
		}
		json.writeObjectPropertyStart("metadata");
		metadata.forEach(json::writeStringProperty);
		json.writeEndObject();
	}

	static void modalities(JsonGenerator json, String name, @Nullable List<Modality> modalities) {
		if (modalities != null) {
			json.writeArrayPropertyStart(name);
			for (Modality modality : modalities) {
				json.writeString(modality.wireName());
			}
			json.writeEndArray();
		}
	}

	static void strings(JsonGenerator json, String name, @Nullable List<String> values) {
		if (values != null) {
			json.writeArrayPropertyStart(name);
			values.forEach(json::writeString);
			json.writeEndArray();
		}
	}

	static void tree(JsonGenerator json, String name, JsonNode value) {
		json.writeName(name);
		json.writeTree(value);
	}

	static void optString(JsonGenerator json, String name, @Nullable String value) {
		if (value != null) {
			json.writeStringProperty(name, value);
		}
	}

	static void optInt(JsonGenerator json, String name, @Nullable Integer value) {
		if (value != null) {
			json.writeNumberProperty(name, value);
		}
	}

	static void optBoolean(JsonGenerator json, String name, @Nullable Boolean value) {
		if (value != null) {
			json.writeBooleanProperty(name, value);
		}
	}

}
