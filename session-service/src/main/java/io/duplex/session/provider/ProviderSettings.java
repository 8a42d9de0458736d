package io.duplex.session.provider;

import java.time.Duration;
import java.util.List;

import org.jspecify.annotations.Nullable;

import io.duplex.core.catalog.ModelInfo;
import tools.jackson.databind.JsonNode;

/**
 * How an upstream session is configured.
 * @param placement the tenant, region and compute pool the session runs for and on
 * @param model the catalog model (its token rates drive usage accounting)
 * @param voice the output voice, if the model has voices
 * @param transcribeInput whether the user's audio turns are transcribed
 * @param context the conversation so far, seeded into the upstream session (continued
 * conversations, rollover)
 * @param firstDeltaDelay for the sandbox: how long it "thinks" before its first delta
 */
public record ProviderSettings(String sessionId, Placement placement, ModelInfo model, @Nullable String voice, String instructions,
		List<JsonNode> tools, boolean transcribeInput, List<ContextItem> context, Duration firstDeltaDelay) {
}
