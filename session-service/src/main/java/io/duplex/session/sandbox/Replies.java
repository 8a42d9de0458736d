package io.duplex.session.sandbox;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ResponseSpec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decides what the sandbox answers, from the last item of a response's context:
 * <ul>
 * <li>a user audio turn: the turn played back, with the transcript "You spoke for 2.4 seconds."
 * (seconds to one decimal, half up); if the turn's audio is not remembered (a context seeded after a
 * rollover) the same sentence in the sandbox's {@link Voice};
 * <li>a user text {@code call <tool> <json>} (any text of that shape, so it needs no other
 * syntax): a call of that tool with those arguments as typed ({@code {}} if omitted), or, if the tool is not among the response's tools, tool calls are off
 * ({@code tool_choice} {@code none}) or the arguments are not a JSON object, a message saying so;
 * <li>any other user text: the text echoed;
 * <li>a function's output: "The tool returned: " and the output;
 * <li>anything else (nothing left to answer): {@link #NOTHING_TO_ANSWER}.
 * </ul>
 * Messages are spoken (audio and a transcript) when the output modalities include audio, else text.
 */
final class Replies {

	static final String NOTHING_TO_ANSWER = "Hello from the Duplex sandbox. Say or type something and I will echo it.";

	private static final Pattern CALL = Pattern.compile("call\\s+(\\S+)(?:\\s+(.*))?", Pattern.DOTALL);

	private Replies() {
	}

	/** The plan of the answer to {@code spec}, playing back remembered {@code turns} by item id. */
	static Plan plan(ResponseSpec spec, Map<String, Turn> turns) {
		boolean audio = spec.outputModalities().contains("audio");
		if (spec.context().isEmpty()) {
			return say(NOTHING_TO_ANSWER, audio);
		}
		ContextItem last = spec.context().getLast();
		if ("function_call_output".equals(last.type())) {
			return say("The tool returned: " + last.text(), audio);
		}
		if (!"message".equals(last.type()) || !"user".equals(last.role())) {
			return say(NOTHING_TO_ANSWER, audio);
		}
		if (last.audioMs() > 0) {
			return playBack(last, turns.get(last.id()), audio);
		}
		String text = last.text().strip();
		if (text.isEmpty()) {
			return say(NOTHING_TO_ANSWER, audio);
		}
		Matcher call = CALL.matcher(text);
		if (call.matches()) {
			String arguments = (call.group(2) != null) ? call.group(2).strip() : "{}";
			return call(spec, call.group(1), arguments, audio);
		}
		return say(last.text(), audio);
	}

	/** The transcript of a user's audio turn: "(2.4 seconds of speech)". */
	static String transcript(Turn turn) {
		return "(" + seconds(turn.durationMs()) + " seconds of speech)";
	}

	/** Milliseconds as seconds to one decimal, rounded half up: 2450 is "2.5". */
	static String seconds(long ms) {
		return BigDecimal.valueOf(ms, 3).setScale(1, RoundingMode.HALF_UP).toPlainString();
	}

	/** A call id derived from the response id: unique when response ids are, and deterministic. */
	static String callId(String responseId) {
		UUID uuid = UUID.nameUUIDFromBytes(("sandbox call " + responseId).getBytes(StandardCharsets.UTF_8));
		return "call_" + uuid.toString().replace("-", "").substring(0, 24);
	}

	private static Plan playBack(ContextItem item, @Nullable Turn turn, boolean audio) {
		long durationMs = (turn != null) ? turn.durationMs() : item.audioMs();
		String sentence = "You spoke for " + seconds(durationMs) + " seconds.";
		if (!audio) {
			return Plan.text(sentence);
		}
		return (turn != null) ? Plan.playback(sentence, new AudioSource.Recording(turn.samples()))
				: Plan.spoken(sentence);
	}

	private static Plan call(ResponseSpec spec, String name, String arguments, boolean audio) {
		if ("none".equals(spec.toolChoice())) {
			return say("Tool calls are off for this response (tool_choice is none), so I did not call " + name + ".",
					audio);
		}
		List<String> names = toolNames(spec.tools());
		if (!names.contains(name)) {
			return say(names.isEmpty() ? "There is no tool named " + name + ": this response has no tools."
					: "There is no tool named " + name + ". The tools are: " + String.join(", ", names) + ".", audio);
		}
		if (!isJsonObject(arguments)) {
			return say("The arguments for " + name + " are not a JSON object: " + arguments, audio);
		}
		return Plan.functionCall(name, callId(spec.responseId()), arguments);
	}

	private static Plan say(String text, boolean audio) {
		return audio ? Plan.spoken(text) : Plan.text(text);
	}

	/** Names of OpenAI function definitions, flat ({@code name}) or nested ({@code function.name}). */
	private static List<String> toolNames(List<JsonNode> tools) {
		List<String> names = new ArrayList<>();
		for (JsonNode tool : tools) {
			JsonNode name = tool.path("name").isString() ? tool.path("name") : tool.path("function").path("name");
			if (name.isString()) {
				names.add(name.stringValue());
			}
		}
		return names;
	}

	private static boolean isJsonObject(String json) {
		try {
			return JsonMapper.shared().readTree(json).isObject();
		}
		catch (JacksonException ex) {
			return false;
		}
	}

}
