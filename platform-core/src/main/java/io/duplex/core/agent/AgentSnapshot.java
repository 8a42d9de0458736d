package io.duplex.core.agent;

import tools.jackson.databind.JsonNode;

/**
 * One version of an agent as a session starts from it.
 * @param config the agent's whole validated configuration as the REST API shows it (snake_case:
 * model, voice, instructions, tools, tool_choice, turn_detection, input_audio_transcription,
 * output_modalities, max_output_tokens, region, compute, rollover, memory, session_overrides,
 * metadata), so a consumer reads what it needs without depending on the control plane's types
 */
public record AgentSnapshot(String agentId, String tenantId, int version, String name, String model, String region,
		String compute, JsonNode config) {
}
