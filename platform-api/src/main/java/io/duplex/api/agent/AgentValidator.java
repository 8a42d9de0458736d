package io.duplex.api.agent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.stereotype.Component;

import io.duplex.api.agent.AgentConfig.InputAudioTranscription;
import io.duplex.api.agent.AgentConfig.Memory;
import io.duplex.api.agent.AgentConfig.Rollover;
import io.duplex.api.agent.AgentConfig.Tool;
import io.duplex.api.agent.AgentConfig.ToolChoice;
import io.duplex.api.agent.AgentRequest.RolloverRequest;
import io.duplex.api.agent.AgentRequest.ToolRequest;
import io.duplex.api.agent.AgentRequest.TranscriptionRequest;
import io.duplex.api.catalog.ComputePool;
import io.duplex.api.catalog.Model;
import io.duplex.api.catalog.Region;
// the port's configuration, which holds the defaults; this package's record is named in full
import io.duplex.core.agent.AgentConfig;
import io.duplex.core.agent.AgentLimits;
import io.duplex.core.web.FieldError;
import io.duplex.core.web.MetadataRules;
import io.duplex.core.web.Problems;
import tools.jackson.databind.JsonNode;

/**
 * Turns what a client wrote into a complete {@link io.duplex.api.agent.AgentConfig}: fills in the
 * defaults, which the port's {@link AgentConfig} holds (the voice, compute pool and rollover limits
 * depend on the model), and checks every rule against the catalog, reporting every broken rule in
 * one 422 that names each field in its wire form.
 */
@Component
class AgentValidator {

	static final String DEFAULT_MODEL = AgentConfig.DEFAULT_MODEL;

	static final String DEFAULT_REGION = AgentConfig.DEFAULT_REGION;

	static final Set<String> OVERRIDABLE = Set.copyOf(AgentConfig.OVERRIDABLE);

	private static final Pattern TRANSCRIPTION_MODEL = Pattern.compile("[A-Za-z0-9._:-]{1,64}");

	private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(-[A-Za-z0-9]{2,8})*");

	private final ToolSchemas schemas = new ToolSchemas();

	/**
	 * The catalog entries a configuration names, looked up beforehand so that checking is a pure
	 * function.
	 * @param model the model, {@code null} when the catalog has no such model
	 * @param region the region, {@code null} when the catalog has no such region
	 * @param poolsInRegion the region's compute pools
	 */
	record Placement(@Nullable Model model, @Nullable Region region, List<ComputePool> poolsInRegion) {
	}

	static String modelOf(AgentRequest request) {
		return Objects.requireNonNullElse(request.model(), DEFAULT_MODEL);
	}

	static String regionOf(AgentRequest request) {
		return Objects.requireNonNullElse(request.region(), DEFAULT_REGION);
	}

	/** The complete configuration; throws a validation problem listing every broken rule. */
	io.duplex.api.agent.AgentConfig resolve(AgentRequest request, Placement placement) {
		List<FieldError> errors = new ArrayList<>();
		String name = (request.name() != null) ? request.name().strip() : "";
		if (name.isEmpty()) {
			errors.add(new FieldError("name", "is required"));
		}
		else if (name.length() > AgentLimits.MAX_NAME) {
			errors.add(new FieldError("name", "must be at most " + AgentLimits.MAX_NAME + " characters"));
		}
		Model model = placement.model();
		if (model == null) {
			errors.add(new FieldError("model", "no such model; GET /v1/models lists them"));
		}
		String voice = voice(request.voice(), model, errors);
		String instructions = Objects.requireNonNullElse(request.instructions(), AgentConfig.DEFAULT_INSTRUCTIONS);
		if (instructions.length() > AgentLimits.MAX_INSTRUCTIONS) {
			errors.add(new FieldError("instructions",
					"must be at most " + AgentLimits.MAX_INSTRUCTIONS + " characters"));
		}
		List<Tool> tools = tools(Objects.requireNonNullElse(request.tools(), List.of()), errors);
		ToolChoice toolChoice = toolChoice(request.toolChoice(), tools, errors);
		io.duplex.api.agent.AgentConfig.TurnDetection turnDetection = TurnDetections.resolve(request.turnDetection(), errors);
		InputAudioTranscription transcription = transcription(request.inputAudioTranscription(), errors);
		List<String> modalities = Objects.requireNonNullElse(request.outputModalities(),
				AgentConfig.DEFAULT_OUTPUT_MODALITIES);
		if (!modalities.equals(List.of("audio")) && !modalities.equals(List.of("text"))) {
			errors.add(new FieldError("output_modalities", "must be [\"audio\"] or [\"text\"]"));
		}
		else if (model != null && !model.supports(modalities.get(0))) {
			errors.add(new FieldError("output_modalities",
					"model " + model.id() + " does not support " + modalities.get(0) + " output"));
		}
		Integer maxOutputTokens = request.maxOutputTokens();
		if (maxOutputTokens != null && (maxOutputTokens < 1 || maxOutputTokens > AgentLimits.MAX_OUTPUT_TOKENS)) {
			errors.add(new FieldError("max_output_tokens",
					"must be between 1 and " + AgentLimits.MAX_OUTPUT_TOKENS + ", or null for no limit"));
		}
		String region = regionOf(request);
		String compute = placement(request, placement, region, errors);
		Rollover rollover = rollover(request.rollover(), model, errors);
		AgentRequest.MemoryRequest memory = request.memory();
		boolean continueConversations = (memory == null || memory.continueConversations() == null)
				? AgentConfig.Memory.DEFAULT.continueConversations() : memory.continueConversations();
		List<String> overrides = overrides(Objects.requireNonNullElse(request.sessionOverrides(), List.of()), errors);
		Map<String, String> metadata = MetadataRules.check(Objects.requireNonNullElse(request.metadata(), Map.of()),
				errors);
		if (!errors.isEmpty()) {
			throw Problems.validation(errors);
		}
		return new io.duplex.api.agent.AgentConfig(name, modelOf(request), voice, instructions, tools, toolChoice,
				turnDetection, transcription, modalities, maxOutputTokens, region, Objects.requireNonNull(compute),
				rollover, new Memory(continueConversations), overrides, metadata);
	}

	private static @Nullable String voice(@Nullable String voice, @Nullable Model model, List<FieldError> errors) {
		if (model == null) {
			return voice;
		}
		if (voice == null) {
			return model.voices().isEmpty() ? null : model.voices().get(0);
		}
		if (!model.voices().contains(voice)) {
			errors.add(new FieldError("voice", "must be one of the voices of model " + model.id() + ": "
					+ String.join(", ", model.voices()) + " (null takes the model's default)"));
		}
		return voice;
	}

	private List<Tool> tools(List<ToolRequest> requested, List<FieldError> errors) {
		if (requested.size() > AgentLimits.MAX_TOOLS) {
			errors.add(new FieldError("tools", "must be at most " + AgentLimits.MAX_TOOLS + " tools"));
			return List.of();
		}
		List<Tool> tools = new ArrayList<>();
		Map<String, Integer> names = new HashMap<>();
		for (int i = 0; i < requested.size(); i++) {
			ToolRequest tool = requested.get(i);
			String field = "tools[" + i + "]";
			if (tool == null) {
				errors.add(new FieldError(field, "must be an object"));
				continue;
			}
			String type = Objects.requireNonNullElse(tool.type(), ToolChoice.FUNCTION);
			if (!ToolChoice.FUNCTION.equals(type)) {
				errors.add(new FieldError(field + ".type", "must be function"));
			}
			String name = Objects.requireNonNullElse(tool.name(), "");
			if (!AgentLimits.TOOL_NAME.matcher(name).matches()) {
				errors.add(new FieldError(field + ".name",
						"must be 1 to " + AgentLimits.MAX_TOOL_NAME + " letters, digits, '_' or '-'"));
			}
			else if (names.putIfAbsent(name, i) != null) {
				errors.add(new FieldError(field + ".name", "is the name of tools[" + names.get(name) + "] already"));
			}
			String description = Objects.requireNonNullElse(tool.description(), AgentConfig.Tool.DEFAULT_DESCRIPTION);
			if (description.length() > AgentLimits.MAX_TOOL_DESCRIPTION) {
				errors.add(new FieldError(field + ".description",
						"must be at most " + AgentLimits.MAX_TOOL_DESCRIPTION + " characters"));
			}
			JsonNode parameters = tool.parameters();
			if (parameters == null || parameters.isNull()) {
				parameters = AgentConfig.Tool.defaultParameters();
			}
			String problem = this.schemas.problem(parameters);
			if (problem != null) {
				errors.add(new FieldError(field + ".parameters", problem));
			}
			tools.add(new Tool(type, name, description, parameters));
		}
		return tools;
	}

	private static ToolChoice toolChoice(@Nullable JsonNode choice, List<Tool> tools, List<FieldError> errors) {
		if (choice == null || choice.isNull()) {
			return ToolChoice.AUTO;
		}
		if (choice.isString() && AgentLimits.TOOL_CHOICE_MODES.contains(choice.stringValue())) {
			if ("required".equals(choice.stringValue()) && tools.isEmpty()) {
				errors.add(new FieldError("tool_choice", "required needs at least one tool"));
			}
			return new ToolChoice(choice.stringValue(), null);
		}
		JsonNode type = choice.path("type");
		JsonNode name = choice.path("name");
		if (choice.isObject() && choice.size() == 2 && type.isString()
				&& ToolChoice.FUNCTION.equals(type.stringValue()) && name.isString()) {
			if (tools.stream().noneMatch((tool) -> tool.name().equals(name.stringValue()))) {
				errors.add(new FieldError("tool_choice", "names no tool of this agent: " + name.stringValue()));
			}
			return new ToolChoice(ToolChoice.FUNCTION, name.stringValue());
		}
		errors.add(new FieldError("tool_choice",
				"must be auto, none, required or {\"type\": \"function\", \"name\": <a tool's name>}"));
		return ToolChoice.AUTO;
	}

	private static InputAudioTranscription transcription(@Nullable TranscriptionRequest requested,
			List<FieldError> errors) {
		if (requested == null) {
			return InputAudioTranscription.from(AgentConfig.InputAudioTranscription.DEFAULT);
		}
		if (requested.model() != null && !TRANSCRIPTION_MODEL.matcher(requested.model()).matches()) {
			errors.add(new FieldError("input_audio_transcription.model",
					"must be 1 to 64 letters, digits, '.', '_', ':' or '-', or null"));
		}
		if (requested.language() != null && !LANGUAGE.matcher(requested.language()).matches()) {
			errors.add(new FieldError("input_audio_transcription.language",
					"must be an ISO-639 code such as en or pt-BR, or null"));
		}
		return new InputAudioTranscription(
				Objects.requireNonNullElse(requested.enabled(), AgentConfig.InputAudioTranscription.DEFAULT.enabled()),
				requested.model(), requested.language());
	}

	/** Checks region and compute pool; returns the pool (the model's default when none is named). */
	private static @Nullable String placement(AgentRequest request, Placement placement, String region,
			List<FieldError> errors) {
		Model model = placement.model();
		if (placement.region() == null) {
			errors.add(new FieldError("region", "no such region; GET /v1/regions lists them"));
			return request.compute();
		}
		if (model != null && !model.offeredIn(region)) {
			errors.add(new FieldError("region", "model " + model.id() + " is not offered in " + region + "; it is in "
					+ String.join(", ", model.regions())));
			return request.compute();
		}
		List<String> pools = placement.poolsInRegion().stream().map(ComputePool::id).toList();
		String compute = request.compute();
		if (compute == null) {
			compute = (model != null) ? model.compute().stream().filter(pools::contains).findFirst().orElse(null) : null;
			if (model != null && compute == null) {
				errors.add(new FieldError("compute", "model " + model.id() + " has no compute pool in " + region));
			}
		}
		else if (!pools.contains(compute)) {
			errors.add(new FieldError("compute",
					"no such compute pool in " + region + "; GET /v1/compute?region=" + region + " lists them"));
		}
		else if (model != null && !model.runsOn(compute)) {
			errors.add(new FieldError("compute", "model " + model.id() + " does not run on " + compute + "; it runs on "
					+ String.join(", ", model.compute()) + " (null takes the model's default)"));
		}
		return compute;
	}

	private static Rollover rollover(@Nullable RolloverRequest requested, @Nullable Model model,
			List<FieldError> errors) {
		RolloverRequest rollover = Objects.requireNonNullElse(requested, new RolloverRequest(null, null, null));
		// the rollover must happen before the provider ends the upstream session, with time to switch
		int latest = (model != null) ? AgentConfig.Rollover.latestSeconds(model.maxSessionSeconds()) : Integer.MAX_VALUE;
		int after = Objects.requireNonNullElse(rollover.afterSeconds(), AgentConfig.Rollover.defaultAfterSeconds(latest));
		if (after < AgentConfig.Rollover.MIN_AFTER_SECONDS || after > latest) {
			errors.add(new FieldError("rollover.after_seconds", "must be between " + AgentConfig.Rollover.MIN_AFTER_SECONDS
					+ " and " + latest + " (the model's session limit minus " + AgentConfig.Rollover.MARGIN_SECONDS + " s)"));
		}
		String carry = Objects.requireNonNullElse(rollover.carry(), AgentConfig.Rollover.DEFAULT_CARRY);
		if (!carry.equals(AgentConfig.Rollover.FULL) && !carry.equals(AgentConfig.Rollover.SUMMARY)) {
			errors.add(new FieldError("rollover.carry", "must be full or summary"));
		}
		int window = (model != null) ? model.contextWindow() : Integer.MAX_VALUE;
		int carried = Objects.requireNonNullElse(rollover.maxCarriedTokens(),
				AgentConfig.Rollover.defaultMaxCarriedTokens(window));
		if (carried < 1 || carried > window) {
			errors.add(new FieldError("rollover.max_carried_tokens",
					"must be between 1 and " + window + " (the model's context window)"));
		}
		return new Rollover(after, carry, carried);
	}

	private static List<String> overrides(List<String> requested, List<FieldError> errors) {
		Set<String> seen = new HashSet<>();
		for (int i = 0; i < requested.size(); i++) {
			String field = requested.get(i);
			if (field == null || !OVERRIDABLE.contains(field)) {
				errors.add(new FieldError("session_overrides[" + i + "]",
						"must be instructions, tools, tool_choice, model or voice"));
			}
			else if (!seen.add(field)) {
				errors.add(new FieldError("session_overrides[" + i + "]", "is listed twice"));
			}
		}
		return requested;
	}

}
