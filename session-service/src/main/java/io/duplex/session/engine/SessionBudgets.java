package io.duplex.session.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.duplex.core.catalog.ModelInfo;
import io.duplex.core.web.MetadataRules;
import io.duplex.session.audio.AudioFormat;
import io.duplex.session.protocol.ConversationItem;
import io.duplex.session.protocol.ProtocolError;
import io.duplex.session.protocol.ResponseConfig;
import io.duplex.session.protocol.SessionConfig;
import io.duplex.session.protocol.Tool;
import io.duplex.session.provider.ContextItem;

/**
 * The per-session limits on what a client sends ({@link SessionLimits}): each check answers the
 * {@code error} a breach gets, worded as OpenAI words its own schema limits where one exists
 * ({@code string_above_max_length}, {@code array_above_max_length}), or with a Duplex code that
 * names the limit; the message names the setting. A refused event changes nothing and the
 * session carries on. Also decides what of the conversation the model reads, by the session's
 * {@code truncation}. Stateless: engine thread only by way of its callers.
 */
final class SessionBudgets {

	/** The code of a conversation that would outgrow what a session holds (or, with truncation disabled, what the model reads). */
	static final String CONVERSATION_LIMIT_EXCEEDED = "conversation_limit_exceeded";

	/** The code of tool definitions that together are larger than the limit. */
	static final String TOOLS_TOO_LARGE = "tools_too_large";

	/** The code of one append with more audio than may run ahead of real time. */
	static final String APPEND_TOO_LONG = "input_audio_buffer_append_too_long";

	/** The code of a client that stayed too far behind in reading. */
	static final String CLIENT_TOO_SLOW = "client_too_slow";

	/** The code of response metadata over OpenAI's rules (16 pairs; keys of 64, values of 512 characters). */
	static final String METADATA_INVALID = "invalid_metadata";

	/** A rough, conservative text-to-token rate: English text averages about 4 characters a token. */
	static final int CHARS_PER_TOKEN = 4;

	private final SessionLimits limits;

	private final ModelInfo model;

	SessionBudgets(SessionLimits limits, ModelInfo model) {
		this.limits = limits;
		this.model = model;
	}

	/**
	 * The most text a client item may carry: {@code max-item-text}, and never more than the model's
	 * whole context window holds (an item it could never read).
	 */
	int maxItemText() {
		long window = (long) this.model.contextWindow() * CHARS_PER_TOKEN;
		return (int) Math.min(this.limits.maxItemText(), (window > 0) ? window : Long.MAX_VALUE);
	}

	/** Tokens of the conversation the model may read before the oldest items are dropped: seven eighths of its window (the rest is for instructions and the answer). */
	long inputTokens(SessionConfig config) {
		long budget = (long) this.model.contextWindow() * 7 / 8;
		SessionConfig.Truncation truncation = config.truncation();
		if (truncation != null && truncation.postInstructionsTokenLimit() != null) {
			budget = Math.min(budget, truncation.postInstructionsTokenLimit());
		}
		return budget;
	}

	/** {@code conversation.item.create}: ids and text within their limits. */
	@Nullable ProtocolError item(ConversationItem item, @Nullable String previousItemId, @Nullable String eventId) {
		ProtocolError error = length("previous_item_id", previousItemId, this.limits.maxIdLength(), "max-id-length", eventId);
		return (error != null) ? error : item("item", item, eventId);
	}

	private @Nullable ProtocolError item(String path, ConversationItem item, @Nullable String eventId) {
		int maxText = maxItemText();
		List<ProtocolError> errors = new ArrayList<>();
		switch (item) {
			case ConversationItem.Message message -> {
				errors.add(length(path + ".id", message.id(), this.limits.maxIdLength(), "max-id-length", eventId));
				for (int i = 0; i < message.content().size(); i++) {
					String part = path + ".content[" + i + "]";
					switch (message.content().get(i)) {
						case ConversationItem.InputText text -> errors.add(length(part + ".text", text.text(), maxText, "max-item-text", eventId));
						case ConversationItem.OutputText text -> errors.add(length(part + ".text", text.text(), maxText, "max-item-text", eventId));
						case ConversationItem.InputAudio audio -> errors.add(length(part + ".transcript", audio.transcript(), maxText, "max-item-text", eventId));
						case ConversationItem.OutputAudio audio -> errors.add(length(part + ".transcript", audio.transcript(), maxText, "max-item-text", eventId));
						// an image is no text: it has the flat limit only
						case ConversationItem.InputImage image -> errors.add(length(part + ".image_url", image.imageUrl(),
								this.limits.maxItemText(), "max-item-text", eventId));
					}
				}
			}
			case ConversationItem.FunctionCall call -> {
				errors.add(length(path + ".id", call.id(), this.limits.maxIdLength(), "max-id-length", eventId));
				errors.add(length(path + ".call_id", call.callId(), this.limits.maxIdLength(), "max-id-length", eventId));
				errors.add(length(path + ".arguments", call.arguments(), maxText, "max-item-text", eventId));
			}
			case ConversationItem.FunctionCallOutput output -> {
				errors.add(length(path + ".id", output.id(), this.limits.maxIdLength(), "max-id-length", eventId));
				errors.add(length(path + ".call_id", output.callId(), this.limits.maxIdLength(), "max-id-length", eventId));
				errors.add(length(path + ".output", output.output(), maxText, "max-item-text", eventId));
			}
			case ConversationItem.ItemReference reference ->
				errors.add(length(path + ".id", reference.id(), this.limits.maxIdLength(), "max-id-length", eventId));
		}
		return errors.stream().filter((error) -> error != null).findFirst().orElse(null);
	}

	/** {@code session.update}: its instructions and tools within their limits. */
	@Nullable ProtocolError update(SessionConfig update, @Nullable String eventId) {
		ProtocolError error = length("session.instructions", update.instructions(), this.limits.maxInstructions(),
				"max-instructions", eventId);
		return (error != null) ? error : tools("session.tools", update.tools(), eventId);
	}

	/** {@code response.create}: instructions, tools, metadata and input items within their limits. */
	@Nullable ProtocolError response(@Nullable ResponseConfig response, @Nullable String eventId) {
		if (response == null) {
			return null;
		}
		ProtocolError error = length("response.instructions", response.instructions(), this.limits.maxInstructions(),
				"max-instructions", eventId);
		if (error == null) {
			error = tools("response.tools", response.tools(), eventId);
		}
		if (error == null) {
			error = metadata("response.metadata", response.metadata(), eventId);
		}
		List<ConversationItem> input = response.input();
		if (error == null && input != null) {
			if (input.size() > this.limits.maxConversationItems()) {
				return arrayTooLong("response.input", input.size(), this.limits.maxConversationItems(),
						"max-conversation-items", eventId);
			}
			for (int i = 0; i < input.size() && error == null; i++) {
				error = item("response.input[" + i + "]", input.get(i), eventId);
			}
		}
		return error;
	}

	private @Nullable ProtocolError tools(String path, @Nullable List<Tool> tools, @Nullable String eventId) {
		if (tools == null) {
			return null;
		}
		if (tools.size() > this.limits.maxTools()) {
			return arrayTooLong(path, tools.size(), this.limits.maxTools(), "max-tools", eventId);
		}
		long size = 0;
		for (Tool tool : tools) {
			size += switch (tool) {
				case Tool.Function function -> function.name().length()
						+ ((function.description() != null) ? function.description().length() : 0)
						+ ((function.parameters() != null) ? function.parameters().toString().length() : 0);
				case Tool.Mcp mcp -> mcp.definition().toString().length();
			};
		}
		if (size > this.limits.maxToolsSize()) {
			return ProtocolError.invalidRequest(TOOLS_TOO_LARGE,
					"Invalid '" + path + "': the tool definitions take " + size + " characters, over the limit of "
							+ this.limits.maxToolsSize() + " (duplex.sessions.max-tools-size).",
					path, eventId);
		}
		return null;
	}

	private static @Nullable ProtocolError metadata(String path, @Nullable Map<String, String> metadata,
			@Nullable String eventId) {
		if (metadata == null) {
			return null;
		}
		List<io.duplex.core.web.FieldError> errors = new ArrayList<>();
		MetadataRules.check(metadata, errors);
		if (errors.isEmpty()) {
			return null;
		}
		io.duplex.core.web.FieldError first = errors.get(0);
		return ProtocolError.invalidRequest(METADATA_INVALID, "Invalid '" + path + "': " + first.field() + " "
				+ first.message() + " (at most " + MetadataRules.MAX_KEYS
				+ " pairs, keys of 1 to 64 characters, values of at most 512).", "response." + first.field(), eventId);
	}

	/**
	 * One {@code input_audio_buffer.append}: refused, with nothing decoded, when it alone holds
	 * more audio than may run ahead of real time.
	 */
	@Nullable ProtocolError append(int bytes, AudioFormat format, @Nullable String eventId) {
		long ms = format.durationMillis(bytes);
		long ahead = this.limits.audioAhead().toMillis();
		if (ms <= ahead) {
			return null;
		}
		return ProtocolError.invalidRequest(APPEND_TOO_LONG, "The append holds " + ms / 1000 + " s of audio; one "
				+ "append may hold at most " + ahead / 1000 + " s (duplex.sessions.audio-ahead). Stream audio in "
				+ "chunks at real-time pace.", "audio", eventId);
	}

	/**
	 * Whether {@code entry}, a client's item, may join the conversation: with truncation disabled,
	 * nothing of the conversation is let go, so an item that would take it over what the session
	 * holds, or over what the model reads, is refused; otherwise it always may (the oldest items
	 * make room, see {@link Conversation#trim}).
	 */
	@Nullable ProtocolError admit(Conversation conversation, Conversation.Entry entry, SessionConfig config,
			@Nullable String eventId) {
		SessionConfig.Truncation truncation = config.truncation();
		if (truncation == null || !"disabled".equals(truncation.type())) {
			return null;
		}
		if (conversation.size() + 1 > this.limits.maxConversationItems()) {
			return conversationFull("items", this.limits.maxConversationItems(), "max-conversation-items", eventId);
		}
		if (conversation.textSize() + size(entry) > this.limits.maxConversationSize()) {
			return conversationFull("characters of text", this.limits.maxConversationSize(), "max-conversation-size",
					eventId);
		}
		long tokens = tokens(entry.context);
		for (ContextItem item : conversation.context()) {
			tokens += tokens(item);
		}
		long budget = inputTokens(config);
		if (budget > 0 && tokens > budget) {
			return ProtocolError.invalidRequest(CONVERSATION_LIMIT_EXCEEDED, "The conversation would take about "
					+ tokens + " tokens, over the " + budget + " the model reads (" + this.model.contextWindow()
					+ "-token context window), and truncation is disabled: delete items, or set truncation to auto.",
					"item", eventId);
		}
		return null;
	}

	/**
	 * What of {@code context} the model reads, by the session's {@code truncation}: with
	 * {@code auto} (the default) the oldest items are dropped until the rest fits the input budget;
	 * with {@code retention_ratio} until it fits that share of it; with {@code disabled}
	 * everything. The items stay in the conversation.
	 */
	List<ContextItem> readable(List<ContextItem> context, SessionConfig config) {
		long budget = inputTokens(config);
		SessionConfig.Truncation truncation = config.truncation();
		if (budget <= 0 || (truncation != null && "disabled".equals(truncation.type()))) {
			return context;
		}
		long total = 0;
		for (ContextItem item : context) {
			total += tokens(item);
		}
		if (total <= budget) {
			return context;
		}
		double ratio = (truncation != null && truncation.retentionRatio() != null) ? truncation.retentionRatio() : 1.0;
		long keep = (long) (budget * ratio);
		int from = context.size();
		long kept = 0;
		while (from > 0 && kept + tokens(context.get(from - 1)) <= keep) {
			kept += tokens(context.get(--from));
		}
		// the last item is what the response answers: it stays even when it alone is too long
		return context.subList(Math.min(from, context.size() - 1), context.size());
	}

	long tokens(ContextItem item) {
		return (item.text().length() + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN
				+ item.audioMs() * this.model.inputAudioTokensPerSecond() / 1000;
	}

	/** The text an entry holds, in characters, as {@link Conversation#textSize()} counts it. */
	static long size(Conversation.Entry entry) {
		return entry.context.text().length();
	}

	private static ProtocolError conversationFull(String what, int limit, String setting, @Nullable String eventId) {
		return ProtocolError.invalidRequest(CONVERSATION_LIMIT_EXCEEDED, "The conversation holds its limit of " + limit
				+ " " + what + " (duplex.sessions." + setting + ") and truncation is disabled: delete items, or set "
				+ "truncation to auto to let the oldest go.", "item", eventId);
	}

	private static @Nullable ProtocolError length(String path, @Nullable String value, int limit, String setting,
			@Nullable String eventId) {
		if (value == null || value.length() <= limit) {
			return null;
		}
		return ProtocolError.invalidRequest(ProtocolError.STRING_ABOVE_MAX_LENGTH, "Invalid '" + path
				+ "': string too long. Expected a string with maximum length " + limit + ", but got a string with length "
				+ value.length() + " instead (duplex.sessions." + setting + ").", path, eventId);
	}

	private static ProtocolError arrayTooLong(String path, int size, int limit, String setting, @Nullable String eventId) {
		return ProtocolError.invalidRequest(ProtocolError.ARRAY_ABOVE_MAX_LENGTH, "Invalid '" + path
				+ "': array too long. Expected an array with maximum length " + limit + ", but got an array with length "
				+ size + " instead (duplex.sessions." + setting + ").", path, eventId);
	}

}
