package io.duplex.billing.usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Service;

import io.duplex.core.security.Caller;
import io.duplex.core.session.SessionDirectory;
import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSource;
import io.duplex.core.web.FieldError;
import io.duplex.core.web.ProblemException;
import io.duplex.core.web.Problems;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/usage/events}: usage a tenant's own components report (a self-hosted pool, a
 * speech server), recorded as {@link UsageSource#TENANT} events: their keys live apart from the
 * platform's, so a report can never take the place of what the platform metered. A batch is
 * validated whole and stored whole: one invalid event refuses the batch with 422 naming every
 * invalid field; one event repeating a recorded key with a different body refuses it with 409
 * {@code usage-event-conflict}. An exact repeat is a no-op, however late.
 * <p>
 * A tenant cannot report what the platform meters for its own sessions: session and compute
 * seconds never, and a model's usage (tokens, speech seconds and characters) not for a Duplex
 * session of the tenant; either is a 422 naming the event's {@code metric}.
 */
@Service
class UsageIngestion {

	static final int MAX_BATCH = 1000;

	static final int MAX_KEY_LENGTH = 255;

	static final int MAX_TAGS = 50;

	private static final Pattern METRIC = Pattern.compile("^[a-z][a-z0-9_]{0,63}$");

	private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$");

	/** Metrics only the platform meters: the time of its own sessions and of their compute slots. */
	static final Set<String> PLATFORM_ONLY = Set.of(UsageEvent.SESSION_SECONDS, UsageEvent.COMPUTE_SECONDS);

	/** Metrics the platform meters for a Duplex session's model: a tenant may report them for other work only. */
	static final Set<String> SESSION_MODEL = Set.of(UsageEvent.INPUT_TEXT_TOKENS, UsageEvent.INPUT_AUDIO_TOKENS,
			UsageEvent.CACHED_INPUT_TEXT_TOKENS, UsageEvent.CACHED_INPUT_AUDIO_TOKENS, UsageEvent.OUTPUT_TEXT_TOKENS,
			UsageEvent.OUTPUT_AUDIO_TOKENS, UsageEvent.STT_SECONDS, UsageEvent.TTS_CHARACTERS);

	private final UsageLedger ledger;

	private final @Nullable SessionDirectory sessions;

	/**
	 * @param sessions the session module's directory; absent only in a process without that module
	 * (billing's own tests), where no session can be a Duplex session
	 */
	UsageIngestion(UsageLedger ledger, ObjectProvider<SessionDirectory> sessions) {
		this.ledger = ledger;
		this.sessions = sessions.getIfAvailable();
	}

	/** What a batch did: events new to the ledger and exact repeats of recorded ones. */
	record IngestResult(String object, int recorded, int duplicates) {
	}

	/**
	 * Validates and records a batch for the caller's tenant (tenant admin and developer keys). A
	 * batch that is otherwise valid is then checked against the tenant's Duplex sessions (one
	 * look-up for the batch), so the 422 of a malformed batch names its malformed fields first.
	 * @return the counts; errors with 403 for other keys, 422 for an invalid batch, 409 for a
	 * repeated key with a different body (nothing of the batch is stored in either case)
	 */
	Mono<IngestResult> ingest(Caller caller, @Nullable JsonNode body) {
		String tenantId = caller.requireTenant();
		caller.requireWriter();
		List<UsageEvent> events = parse(tenantId, body);
		return refuseSessionUsage(tenantId, events).then(Mono.defer(() -> this.ledger.recordStrictly(events)))
			.map((recorded) -> new IngestResult("usage.ingestion", recorded.recorded(), recorded.duplicates()))
			.onErrorMap(ConflictingUsageException.class,
					(ex) -> new ProblemException(HttpStatus.CONFLICT, "usage-event-conflict", "Usage event conflict",
							ex.keys().size() + " event(s) repeat a recorded idempotency key with a different body; "
									+ "nothing of this batch was recorded.",
							Map.of("idempotency_keys", ex.keys())));
	}

	/**
	 * Refuses model usage reported for the tenant's own Duplex sessions: the platform meters it.
	 * @return completes when no event does; errors with 422 naming each such event's metric
	 */
	private Mono<Void> refuseSessionUsage(String tenantId, List<UsageEvent> events) {
		Set<String> asked = new LinkedHashSet<>();
		for (UsageEvent event : events) {
			if (event.sessionId() != null && SESSION_MODEL.contains(event.metric())) {
				asked.add(event.sessionId());
			}
		}
		if (asked.isEmpty() || this.sessions == null) {
			return Mono.empty();
		}
		return this.sessions.existing(tenantId, asked).flatMap((duplex) -> {
			List<FieldError> errors = new ArrayList<>();
			for (int i = 0; i < events.size(); i++) {
				UsageEvent event = events.get(i);
				if (event.sessionId() != null && SESSION_MODEL.contains(event.metric())
						&& duplex.contains(event.sessionId())) {
					errors.add(new FieldError("data[" + i + "].metric", event.metric() + " of Duplex session "
							+ event.sessionId() + " is metered by the platform; a tenant cannot report it"));
				}
			}
			return errors.isEmpty() ? Mono.empty() : Mono.error(Problems.validation(errors));
		});
	}

	/** The batch's events, in its order, as the tenant's; 422 naming every invalid field. */
	static List<UsageEvent> parse(String tenantId, @Nullable JsonNode body) {
		JsonNode data = (body != null) ? body.get("data") : null;
		if (data == null || !data.isArray() || data.isEmpty()) {
			throw Problems.validation("data", "must be a non-empty array of usage events");
		}
		if (data.size() > MAX_BATCH) {
			throw Problems.validation("data", "holds at most " + MAX_BATCH + " events per request");
		}
		List<FieldError> errors = new ArrayList<>();
		List<UsageEvent> events = new ArrayList<>(data.size());
		for (int i = 0; i < data.size(); i++) {
			UsageEvent event = event(tenantId, data.get(i), "data[" + i + "]", errors);
			if (event != null) {
				events.add(event);
			}
		}
		if (!errors.isEmpty()) {
			throw Problems.validation(errors);
		}
		return events;
	}

	private static @Nullable UsageEvent event(String tenantId, JsonNode node, String field, List<FieldError> errors) {
		if (!node.isObject()) {
			errors.add(new FieldError(field, "must be an object"));
			return null;
		}
		int before = errors.size();
		String key = text(node, "idempotency_key");
		if (key == null || key.isBlank() || key.length() > MAX_KEY_LENGTH) {
			errors.add(new FieldError(field + ".idempotency_key",
					"is required, at most " + MAX_KEY_LENGTH + " characters"));
		}
		String metric = text(node, "metric");
		if (metric == null || !METRIC.matcher(metric).matches()) {
			errors.add(new FieldError(field + ".metric", "must be a metric such as output_audio_tokens"));
		}
		else if (PLATFORM_ONLY.contains(metric)) {
			errors.add(new FieldError(field + ".metric",
					metric + " is metered by the platform for its own sessions; a tenant cannot report it"));
		}
		BigDecimal quantity = quantity(node.get("quantity"));
		if (quantity == null || quantity.signum() < 0 || !UsageLedger.fits(quantity)) {
			errors.add(new FieldError(field + ".quantity", "must be a number ≥ 0 with at most "
					+ UsageLedger.INTEGER_DIGITS + " digits and " + UsageLedger.SCALE + " decimals"));
		}
		Instant occurredAt = instant(text(node, "occurred_at"));
		if (occurredAt == null) {
			errors.add(new FieldError(field + ".occurred_at", "must be an RFC 3339 date-time"));
		}
		String model = text(node, "model");
		if (model == null || !NAME.matcher(model).matches()) {
			errors.add(new FieldError(field + ".model", "must be a model id"));
		}
		String agent = optionalName(node, "agent", field, errors);
		String session = optionalName(node, "session", field, errors);
		String region = optionalName(node, "region", field, errors);
		String compute = optionalName(node, "compute", field, errors);
		Map<String, String> tags = tags(node.get("tags"), field + ".tags", errors);
		if (errors.size() > before) {
			return null;
		}
		return new UsageEvent(tenantId, key, agent, null, session, null, model, region, compute, metric, quantity,
				occurredAt, tags, UsageSource.TENANT, false);
	}

	/** A JSON number or a decimal string; null when it is neither. */
	private static @Nullable BigDecimal quantity(@Nullable JsonNode node) {
		if (node == null) {
			return null;
		}
		if (node.isNumber()) {
			return node.decimalValue();
		}
		if (node.isString()) {
			try {
				return new BigDecimal(node.asString());
			}
			catch (NumberFormatException ex) {
				return null;
			}
		}
		return null;
	}

	private static @Nullable Instant instant(@Nullable String value) {
		if (value == null) {
			return null;
		}
		try {
			return java.time.OffsetDateTime.parse(value).toInstant();
		}
		catch (DateTimeParseException ex) {
			return null;
		}
	}

	private static @Nullable String text(JsonNode node, String name) {
		JsonNode value = node.get(name);
		return (value != null && value.isString()) ? value.asString() : null;
	}

	private static @Nullable String optionalName(JsonNode node, String name, String field, List<FieldError> errors) {
		JsonNode value = node.get(name);
		if (value == null || value.isNull()) {
			return null;
		}
		if (!value.isString() || !NAME.matcher(value.asString()).matches()) {
			errors.add(new FieldError(field + "." + name, "must be an id of at most 128 characters"));
			return null;
		}
		return value.asString();
	}

	private static Map<String, String> tags(@Nullable JsonNode node, String field, List<FieldError> errors) {
		Map<String, String> tags = new LinkedHashMap<>();
		if (node == null || node.isNull()) {
			return tags;
		}
		if (!node.isObject() || node.size() > MAX_TAGS) {
			errors.add(new FieldError(field, "must be an object of at most " + MAX_TAGS + " string values"));
			return tags;
		}
		for (Map.Entry<String, JsonNode> entry : node.properties()) {
			if (entry.getKey().isEmpty() || entry.getKey().length() > 64 || !entry.getValue().isString()
					|| entry.getValue().asString().length() > 512) {
				errors.add(new FieldError(field + "." + entry.getKey(),
						"must be a string of at most 512 characters under a key of at most 64"));
			}
			else {
				tags.put(entry.getKey(), entry.getValue().asString());
			}
		}
		return tags;
	}

}
