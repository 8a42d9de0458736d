package io.duplex.session.lifecycle;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.duplex.core.agent.AgentLimits;
import io.duplex.core.agent.AgentSnapshot;
import io.duplex.core.catalog.ModelInfo;
import io.duplex.core.web.FieldError;
import io.duplex.core.web.Problems;
import io.duplex.session.rest.RealtimeSessionObject;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads the {@code session} of a client secret request against the agent it names. The agent's
 * configuration is the session's; a client may change only {@code instructions}, {@code tools},
 * {@code tool_choice} and {@code audio.output.voice}, and only those the agent's
 * {@code session_overrides} free. Any other field is accepted only when it says what the agent
 * already has (SDKs send defaults), so a setting never seems to take effect when it does not.
 * Every rejected field is named as {@code session.<path>} in one 422.
 */
final class ClientSessionOverrides {

	private static final Set<String> KNOWN = Set.of("type", "model", "output_modalities", "instructions", "audio",
			"include", "tracing", "tools", "tool_choice", "max_output_tokens", "truncation", "prompt", "reasoning",
			"parallel_tool_calls");

	private static final Set<String> KNOWN_INPUT = Set.of("format", "transcription", "noise_reduction",
			"turn_detection");

	private static final Set<String> KNOWN_OUTPUT = Set.of("format", "voice", "speed");

	private static final Set<String> TOOL_FIELDS = Set.of("type", "name", "description", "parameters");

	private static final String FIXED = "differs from the agent's configuration; a client secret may change only "
			+ "instructions, tools, tool_choice and audio.output.voice, where the agent's session_overrides allow";

	private final AgentSnapshot agent;

	private final ModelInfo model;

	private final ObjectNode effective;

	private final Set<String> freed = new HashSet<>();

	private final ObjectNode overrides = JsonNodeFactory.instance.objectNode();

	private final List<FieldError> errors = new ArrayList<>();

	private ClientSessionOverrides(AgentSnapshot agent, ModelInfo model) {
		this.agent = agent;
		this.model = model;
		this.effective = RealtimeSessionObject.of(agent, "");
		this.freed.addAll(agent.config().sessionOverrides());
	}

	/**
	 * The agent configuration fields {@code session} replaces, in the agent's own shape (empty when
	 * it replaces none); errors with 422 naming every field it may not set.
	 */
	static ObjectNode resolve(JsonNode session, AgentSnapshot agent, ModelInfo model) {
		ClientSessionOverrides reader = new ClientSessionOverrides(agent, model);
		reader.read(session);
		if (!reader.errors.isEmpty()) {
			throw Problems.validation(reader.errors);
		}
		return reader.overrides;
	}

	private void read(JsonNode session) {
		if (!"realtime".equals(session.path("type").asString(null))) {
			reject("type", "must be realtime: Duplex client secrets start speech-to-speech sessions");
		}
		JsonNode toolChoice = null;
		for (Map.Entry<String, JsonNode> field : session.properties()) {
			String name = field.getKey();
			JsonNode value = field.getValue();
			switch (name) {
				case "type", "model" -> {
				}
				case "instructions" -> {
					if (freedOrSame("instructions", "instructions", value, this.effective.get(name))) {
						instructions(value);
					}
				}
				case "tools" -> {
					if (freedOrSame("tools", "tools", value, this.effective.get(name))) {
						tools(value);
					}
				}
				case "tool_choice" -> toolChoice = value;
				case "audio" -> audio(value);
				default -> fixed(name, value, this.effective.get(name), KNOWN.contains(name));
			}
		}
		// last: which tool it may name depends on the tools the request itself sets
		if (toolChoice != null && freedOrSame("tool_choice", "tool_choice", toolChoice,
				this.effective.get("tool_choice"))) {
			toolChoice(toolChoice);
		}
		else if (this.overrides.has("tools") && !this.overrides.has("tool_choice")) {
			// the agent's own choice must still make sense with the client's tools
			JsonNode kept = this.effective.get("tool_choice");
			ClientSessionOverrides check = new ClientSessionOverrides(this.agent, this.model);
			check.overrides.set("tools", this.overrides.get("tools"));
			check.toolChoice(kept);
			if (!check.errors.isEmpty()) {
				reject("tools", "must keep what the agent's tool_choice needs (" + kept + "), or set tool_choice too");
			}
		}
	}

	private void audio(JsonNode audio) {
		if (!audio.isObject()) {
			reject("audio", "must be an object");
			return;
		}
		for (Map.Entry<String, JsonNode> direction : audio.properties()) {
			String name = direction.getKey();
			boolean input = name.equals("input");
			if (!input && !name.equals("output")) {
				reject("audio." + name, "is not a known field");
				continue;
			}
			if (!direction.getValue().isObject()) {
				reject("audio." + name, "must be an object");
				continue;
			}
			JsonNode effectiveSide = this.effective.path("audio").path(name);
			for (Map.Entry<String, JsonNode> field : direction.getValue().properties()) {
				String path = "audio." + name + "." + field.getKey();
				if (!input && field.getKey().equals("voice")) {
					if (freedOrSame("voice", path, field.getValue(), effectiveSide.get("voice"))) {
						voice(field.getValue());
					}
				}
				else {
					fixed(path, field.getValue(), effectiveSide.get(field.getKey()),
							(input ? KNOWN_INPUT : KNOWN_OUTPUT).contains(field.getKey()));
				}
			}
		}
	}

	/** Whether the client may set {@code agentField} to {@code value}: true when it must be read, false when done. */
	private boolean freedOrSame(String agentField, String path, JsonNode value, JsonNode current) {
		if (same(value, current)) {
			return false;
		}
		if (!this.freed.contains(agentField)) {
			reject(path, "is fixed by the agent: its session_overrides do not list " + agentField);
			return false;
		}
		return true;
	}

	private void fixed(String path, JsonNode value, JsonNode current, boolean known) {
		if (!known) {
			reject(path, "is not a known field");
		}
		else if (!same(value, current)) {
			reject(path, FIXED);
		}
	}

	private void instructions(JsonNode value) {
		if (!value.isString() || value.asString().length() > AgentLimits.MAX_INSTRUCTIONS) {
			reject("instructions", "must be a string of at most " + AgentLimits.MAX_INSTRUCTIONS + " characters");
			return;
		}
		this.overrides.put("instructions", value.asString());
	}

	private void tools(JsonNode value) {
		if (!value.isArray() || value.size() > AgentLimits.MAX_TOOLS) {
			reject("tools", "must be an array of at most " + AgentLimits.MAX_TOOLS + " function tools");
			return;
		}
		ArrayNode tools = JsonNodeFactory.instance.arrayNode();
		Set<String> names = new HashSet<>();
		for (int i = 0; i < value.size(); i++) {
			String path = "tools[" + i + "]";
			JsonNode tool = value.get(i);
			if (!tool.isObject()) {
				reject(path, "must be a function tool object");
				continue;
			}
			tool.propertyNames()
				.stream()
				.filter((name) -> !TOOL_FIELDS.contains(name))
				.forEach((name) -> reject(path + "." + name, "is not a known field"));
			if (tool.has("type") && !"function".equals(tool.get("type").asString(null))) {
				reject(path + ".type", "must be function");
			}
			String name = tool.path("name").asString(null);
			if (name == null || !AgentLimits.TOOL_NAME.matcher(name).matches()) {
				reject(path + ".name", "must be 1 to " + AgentLimits.MAX_TOOL_NAME + " letters, digits, _ or -");
			}
			else if (!names.add(name)) {
				reject(path + ".name", "is the name of another tool");
			}
			JsonNode description = tool.path("description");
			if (!description.isMissingNode() && (!description.isString()
					|| description.asString().length() > AgentLimits.MAX_TOOL_DESCRIPTION)) {
				reject(path + ".description",
						"must be a string of at most " + AgentLimits.MAX_TOOL_DESCRIPTION + " characters");
			}
			JsonNode parameters = tool.path("parameters");
			boolean objectSchema = parameters.isObject() && "object".equals(parameters.path("type").asString(null));
			if (!parameters.isMissingNode() && !objectSchema) {
				reject(path + ".parameters", "must be a JSON Schema with type: object at the top");
			}
			ObjectNode stored = tools.addObject();
			stored.put("type", "function");
			stored.put("name", (name != null) ? name : "");
			stored.put("description", description.asString(""));
			stored.set("parameters", parameters.isObject() ? parameters.deepCopy()
					: JsonNodeFactory.instance.objectNode().put("type", "object").set("properties",
							JsonNodeFactory.instance.objectNode()));
		}
		this.overrides.set("tools", tools);
	}

	private void toolChoice(JsonNode value) {
		Set<String> names = new HashSet<>();
		if (this.overrides.has("tools")) {
			this.overrides.get("tools").forEach((tool) -> names.add(tool.path("name").asString()));
		}
		else {
			this.agent.config().tools().forEach((tool) -> names.add(tool.name()));
		}
		if (value.isString() && AgentLimits.TOOL_CHOICE_MODES.contains(value.asString())) {
			if (value.asString().equals("required") && names.isEmpty()) {
				reject("tool_choice", "cannot be required without tools");
				return;
			}
			this.overrides.put("tool_choice", value.asString());
		}
		else if (value.isObject() && "function".equals(value.path("type").asString(null)) && value.size() == 2
				&& names.contains(value.path("name").asString(null))) {
			this.overrides.set("tool_choice", JsonNodeFactory.instance.objectNode()
				.put("type", "function")
				.put("name", value.get("name").asString()));
		}
		else {
			reject("tool_choice", "must be auto, none, required, or {type: function, name} naming a tool");
		}
	}

	private void voice(JsonNode value) {
		if (!value.isString()) {
			reject("audio.output.voice", "must be the name of one of the model's voices; custom voices are not supported");
		}
		else if (!this.model.voices().contains(value.asString())) {
			reject("audio.output.voice", "must be one of the voices of model " + this.model.id() + ": "
					+ String.join(", ", this.model.voices()));
		}
		else {
			this.overrides.put("voice", value.asString());
		}
	}

	private void reject(String path, String message) {
		this.errors.add(new FieldError("session." + path, message));
	}

	/**
	 * JSON equality where numbers compare by value ({@code 1} is {@code 1.0}) and an explicit
	 * {@code null} is the same as leaving a field out.
	 */
	static boolean same(JsonNode a, JsonNode b) {
		boolean aAbsent = a == null || a.isNull() || a.isMissingNode();
		boolean bAbsent = b == null || b.isNull() || b.isMissingNode();
		if (aAbsent || bAbsent) {
			return aAbsent && bAbsent;
		}
		if (a.isNumber() && b.isNumber()) {
			return a.decimalValue().compareTo(b.decimalValue()) == 0;
		}
		if (a.isObject() && b.isObject()) {
			Set<String> names = new HashSet<>(a.propertyNames());
			names.addAll(b.propertyNames());
			return names.stream().allMatch((name) -> same(a.get(name), b.get(name)));
		}
		if (a.isArray() && b.isArray()) {
			if (a.size() != b.size()) {
				return false;
			}
			for (int i = 0; i < a.size(); i++) {
				if (!same(a.get(i), b.get(i))) {
					return false;
				}
			}
			return true;
		}
		return a.equals(b);
	}

}
