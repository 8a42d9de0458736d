package io.duplex.session.cascade;

import java.util.Map;

import org.jspecify.annotations.Nullable;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ResponseSpec;
import io.duplex.session.provider.SummaryRequest;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of a streamed {@code POST /chat/completions} for one response: the instructions as the
 * system message, the conversation as chat messages, the response's tools and tool choice, and
 * {@code stream_options.include_usage} so that the last chunk reports the tokens.
 * @see <a href="https://platform.openai.com/docs/api-reference/chat/create">Create chat completion</a>
 */
final class ChatRequest {

	private static final JsonMapper JSON = JsonMapper.shared();

	private ChatRequest() {
	}

	/**
	 * The request's JSON. User audio turns are given by their transcript: the cascade's own
	 * ({@code heard}, by item id) when it made one, else the context's (a conversation continued
	 * from an earlier session). Items with no text are left out: a model has nothing to read there.
	 */
	static byte[] body(String model, String instructions, ResponseSpec spec, Map<String, String> heard) {
		ObjectNode body = JSON.createObjectNode();
		body.put("model", model);
		ArrayNode messages = body.putArray("messages");
		String system = (spec.instructions() != null) ? spec.instructions() : instructions;
		if (!system.isBlank()) {
			messages.addObject().put("role", "system").put("content", system);
		}
		ArrayNode calls = null;
		for (ContextItem item : spec.context()) {
			if (item.type().equals("function_call")) {
				// consecutive calls are one assistant message, as a chat model produces them
				if (calls == null) {
					ObjectNode message = messages.addObject();
					message.put("role", "assistant");
					message.putNull("content");
					calls = message.putArray("tool_calls");
				}
				ObjectNode call = calls.addObject();
				call.put("id", (item.callId() != null) ? item.callId() : item.id());
				call.put("type", "function");
				call.putObject("function")
					.put("name", (item.name() != null) ? item.name() : "")
					.put("arguments", item.text());
				continue;
			}
			calls = null;
			if (item.type().equals("function_call_output")) {
				messages.addObject()
					.put("role", "tool")
					.put("tool_call_id", (item.callId() != null) ? item.callId() : item.id())
					.put("content", item.text());
				continue;
			}
			String text = heard.getOrDefault(item.id(), item.text());
			if (!text.isBlank()) {
				String role = (item.role() != null) ? item.role() : "user";
				messages.addObject().put("role", role).put("content", text);
			}
		}
		if (!spec.tools().isEmpty() && !"none".equals(spec.toolChoice())) {
			ArrayNode tools = body.putArray("tools");
			spec.tools().forEach((tool) -> tools.add(tool(tool)));
			switch (spec.toolChoice()) {
				case "auto", "required" -> body.put("tool_choice", spec.toolChoice());
				default -> body.putObject("tool_choice")
					.put("type", "function")
					.putObject("function")
					.put("name", spec.toolChoice());
			}
		}
		if (spec.maxOutputTokens() != null) {
			// max_tokens rather than max_completion_tokens: what self-hosted servers (vLLM, Ollama) read
			body.put("max_tokens", spec.maxOutputTokens());
		}
		body.put("stream", true);
		body.putObject("stream_options").put("include_usage", true);
		return JSON.writeValueAsBytes(body);
	}

	/**
	 * The request's JSON for a summary: its instructions as the system message, the conversation as
	 * text messages, no tools, at most its token budget; streamed like a response, with usage.
	 */
	static byte[] summary(String model, SummaryRequest request) {
		ObjectNode body = JSON.createObjectNode();
		body.put("model", model);
		ArrayNode messages = body.putArray("messages");
		messages.addObject().put("role", "system").put("content", request.instructions());
		for (SummaryRequest.Message message : request.messages()) {
			messages.addObject().put("role", message.role()).put("content", message.text());
		}
		body.put("max_tokens", request.maxTokens());
		body.put("stream", true);
		body.putObject("stream_options").put("include_usage", true);
		return JSON.writeValueAsBytes(body);
	}

	/**
	 * A Realtime function definition ({@code {type, name, description, parameters}}) in the chat
	 * form ({@code {type, function: {name, description, parameters}}}); one in the chat form already
	 * is kept as it is.
	 */
	static JsonNode tool(JsonNode tool) {
		if (tool.path("function").isObject()) {
			return tool;
		}
		ObjectNode chat = JSON.createObjectNode();
		chat.put("type", "function");
		ObjectNode function = chat.putObject("function");
		copy(tool, function, "name");
		copy(tool, function, "description");
		copy(tool, function, "parameters");
		return chat;
	}

	private static void copy(JsonNode from, ObjectNode to, String member) {
		@Nullable JsonNode value = from.get(member);
		if (value != null && !value.isNull()) {
			to.set(member, value);
		}
	}

}
