package io.duplex.api.agent;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.duplex.api.agent.AgentConfig.TurnDetection;
import io.duplex.api.agent.AgentRequest.TurnDetectionRequest;
// the port's configuration, whose defaults these are; this package's own record is named by its members
import io.duplex.core.agent.AgentConfig;
import io.duplex.core.web.FieldError;

/**
 * Ranges of turn detection, per type, and the port's defaults ({@link AgentConfig.TurnDetection})
 * filled in; a field of another type is refused rather than ignored, so a typo'd
 * configuration never silently does something else.
 */
final class TurnDetections {

	private static final String FIELD = "turn_detection";

	private static final Set<String> EAGERNESS = Set.of("low", "medium", "high", "auto");

	private TurnDetections() {
	}

	static TurnDetection serverVadDefaults() {
		AgentConfig.TurnDetection defaults = AgentConfig.TurnDetection.defaults();
		return new TurnDetection(defaults.type(), defaults.threshold(), defaults.prefixPaddingMs(),
				defaults.silenceDurationMs(), defaults.eagerness(), defaults.createResponse(),
				defaults.interruptResponse());
	}

	static TurnDetection resolve(@Nullable TurnDetectionRequest requested, List<FieldError> errors) {
		if (requested == null) {
			return serverVadDefaults();
		}
		String type = Objects.requireNonNullElse(requested.type(), TurnDetection.SERVER_VAD);
		return switch (type) {
			case TurnDetection.SERVER_VAD -> serverVad(requested, errors);
			case TurnDetection.SEMANTIC_VAD -> semanticVad(requested, errors);
			case TurnDetection.NONE -> none(requested, errors);
			default -> {
				errors.add(new FieldError(FIELD + ".type", "must be server_vad, semantic_vad or none"));
				yield serverVadDefaults();
			}
		};
	}

	private static TurnDetection serverVad(TurnDetectionRequest requested, List<FieldError> errors) {
		notFor(TurnDetection.SERVER_VAD, "eagerness", requested.eagerness(), errors);
		double threshold = Objects.requireNonNullElse(requested.threshold(), AgentConfig.TurnDetection.DEFAULT_THRESHOLD);
		if (!(threshold >= 0 && threshold <= 1)) {
			errors.add(new FieldError(FIELD + ".threshold", "must be between 0 and 1"));
		}
		int padding = Objects.requireNonNullElse(requested.prefixPaddingMs(),
				AgentConfig.TurnDetection.DEFAULT_PREFIX_PADDING_MS);
		if (padding < 0 || padding > 5000) {
			errors.add(new FieldError(FIELD + ".prefix_padding_ms", "must be between 0 and 5000"));
		}
		int silence = Objects.requireNonNullElse(requested.silenceDurationMs(),
				AgentConfig.TurnDetection.DEFAULT_SILENCE_DURATION_MS);
		if (silence < 100 || silence > 10_000) {
			errors.add(new FieldError(FIELD + ".silence_duration_ms", "must be between 100 and 10000"));
		}
		return new TurnDetection(TurnDetection.SERVER_VAD, threshold, padding, silence, null,
				Objects.requireNonNullElse(requested.createResponse(), AgentConfig.TurnDetection.DEFAULT_CREATE_RESPONSE),
				Objects.requireNonNullElse(requested.interruptResponse(), AgentConfig.TurnDetection.DEFAULT_INTERRUPT_RESPONSE));
	}

	private static TurnDetection semanticVad(TurnDetectionRequest requested, List<FieldError> errors) {
		notFor(TurnDetection.SEMANTIC_VAD, "threshold", requested.threshold(), errors);
		notFor(TurnDetection.SEMANTIC_VAD, "prefix_padding_ms", requested.prefixPaddingMs(), errors);
		notFor(TurnDetection.SEMANTIC_VAD, "silence_duration_ms", requested.silenceDurationMs(), errors);
		String eagerness = Objects.requireNonNullElse(requested.eagerness(), AgentConfig.TurnDetection.DEFAULT_EAGERNESS);
		if (!EAGERNESS.contains(eagerness)) {
			errors.add(new FieldError(FIELD + ".eagerness", "must be low, medium, high or auto"));
		}
		return new TurnDetection(TurnDetection.SEMANTIC_VAD, null, null, null, eagerness,
				Objects.requireNonNullElse(requested.createResponse(), AgentConfig.TurnDetection.DEFAULT_CREATE_RESPONSE),
				Objects.requireNonNullElse(requested.interruptResponse(), AgentConfig.TurnDetection.DEFAULT_INTERRUPT_RESPONSE));
	}

	private static TurnDetection none(TurnDetectionRequest requested, List<FieldError> errors) {
		notFor(TurnDetection.NONE, "threshold", requested.threshold(), errors);
		notFor(TurnDetection.NONE, "prefix_padding_ms", requested.prefixPaddingMs(), errors);
		notFor(TurnDetection.NONE, "silence_duration_ms", requested.silenceDurationMs(), errors);
		notFor(TurnDetection.NONE, "eagerness", requested.eagerness(), errors);
		notFor(TurnDetection.NONE, "create_response", requested.createResponse(), errors);
		notFor(TurnDetection.NONE, "interrupt_response", requested.interruptResponse(), errors);
		return new TurnDetection(TurnDetection.NONE, null, null, null, null, null, null);
	}

	private static void notFor(String type, String field, @Nullable Object value, List<FieldError> errors) {
		if (value != null) {
			errors.add(new FieldError(FIELD + "." + field, "does not apply to " + type));
		}
	}

}
