package io.duplex.api.agent;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.duplex.api.agent.AgentConfig.TurnDetection;
import io.duplex.api.agent.AgentRequest.TurnDetectionRequest;
import io.duplex.core.web.FieldError;

/**
 * Defaults and ranges of turn detection, per type. The server_vad defaults are OpenAI's
 * documented ones; a field of another type is refused rather than ignored, so a typo'd
 * configuration never silently does something else.
 */
final class TurnDetections {

	private static final String FIELD = "turn_detection";

	private static final Set<String> EAGERNESS = Set.of("low", "medium", "high", "auto");

	private TurnDetections() {
	}

	static TurnDetection serverVadDefaults() {
		return new TurnDetection(TurnDetection.SERVER_VAD, 0.5, 300, 500, null, true, true);
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
		double threshold = Objects.requireNonNullElse(requested.threshold(), 0.5);
		if (!(threshold >= 0 && threshold <= 1)) {
			errors.add(new FieldError(FIELD + ".threshold", "must be between 0 and 1"));
		}
		int padding = Objects.requireNonNullElse(requested.prefixPaddingMs(), 300);
		if (padding < 0 || padding > 5000) {
			errors.add(new FieldError(FIELD + ".prefix_padding_ms", "must be between 0 and 5000"));
		}
		int silence = Objects.requireNonNullElse(requested.silenceDurationMs(), 500);
		if (silence < 100 || silence > 10_000) {
			errors.add(new FieldError(FIELD + ".silence_duration_ms", "must be between 100 and 10000"));
		}
		return new TurnDetection(TurnDetection.SERVER_VAD, threshold, padding, silence, null,
				Objects.requireNonNullElse(requested.createResponse(), true),
				Objects.requireNonNullElse(requested.interruptResponse(), true));
	}

	private static TurnDetection semanticVad(TurnDetectionRequest requested, List<FieldError> errors) {
		notFor(TurnDetection.SEMANTIC_VAD, "threshold", requested.threshold(), errors);
		notFor(TurnDetection.SEMANTIC_VAD, "prefix_padding_ms", requested.prefixPaddingMs(), errors);
		notFor(TurnDetection.SEMANTIC_VAD, "silence_duration_ms", requested.silenceDurationMs(), errors);
		String eagerness = Objects.requireNonNullElse(requested.eagerness(), "auto");
		if (!EAGERNESS.contains(eagerness)) {
			errors.add(new FieldError(FIELD + ".eagerness", "must be low, medium, high or auto"));
		}
		return new TurnDetection(TurnDetection.SEMANTIC_VAD, null, null, null, eagerness,
				Objects.requireNonNullElse(requested.createResponse(), true),
				Objects.requireNonNullElse(requested.interruptResponse(), true));
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
