package io.duplex.session.protocol;

import java.util.List;
import java.util.Map;

import io.duplex.session.audio.AudioFormat;
import io.duplex.session.protocol.SessionConfig.MaxOutputTokens;
import io.duplex.session.protocol.SessionConfig.Modality;
import io.duplex.session.protocol.SessionConfig.Voice;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * The {@code response} of {@code response.create} ({@code RealtimeResponseCreateParams}): settings
 * that override the session's for one response. Null members take the session's. Unknown members
 * are rejected, as in {@link SessionConfig}.
 * @param outputFormat {@code audio.output.format}
 * @param voice {@code audio.output.voice}
 * @param conversation {@code auto} (the default conversation) or {@code none} (an out-of-band
 * response that adds nothing to it)
 * @param metadata up to 16 string pairs that come back on the response
 * @param prompt a reusable prompt reference, kept verbatim
 * @param input items (and {@link ConversationItem.ItemReference}s) that replace the conversation
 * as this response's context; an empty list for no context
 * @param reasoning reasoning settings of reasoning models, kept verbatim
 * @see <a href="https://platform.openai.com/docs/api-reference/realtime-client-events/response/create">OpenAI response.create</a>
 */
public record ResponseConfig(@Nullable List<Modality> outputModalities, @Nullable String instructions,
		@Nullable AudioFormat outputFormat, @Nullable Voice voice, @Nullable List<Tool> tools,
		@Nullable ToolChoice toolChoice, @Nullable MaxOutputTokens maxOutputTokens, @Nullable String conversation,
		@Nullable Map<String, String> metadata, @Nullable JsonNode prompt, @Nullable List<ConversationItem> input,
		@Nullable Boolean parallelToolCalls, @Nullable JsonNode reasoning) {

	/** Whether the response stays out of the default conversation. */
	public boolean isOutOfBand() {
		return "none".equals(this.conversation);
	}

}
