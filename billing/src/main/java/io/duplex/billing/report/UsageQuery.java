package io.duplex.billing.report;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import io.duplex.core.security.Caller;
import io.duplex.core.security.Role;
import io.duplex.core.web.FieldError;
import io.duplex.core.web.Problems;

/**
 * Which usage a report or export covers: events with {@code from ≤ occurred_at < to}, of one tenant
 * (or of every tenant for a platform admin who names none), optionally of one agent and model.
 * @param groupBy the report's group keys in the order asked
 */
record UsageQuery(Instant from, Instant to, @Nullable String tenantId, @Nullable String agentId,
		@Nullable String model, List<String> groupBy) {

	/** Plain group keys; a tag's value is asked for with {@code tag:<key>}. */
	static final Set<String> GROUP_KEYS = Set.of("day", "tenant", "agent", "model", "metric", "region", "compute",
			"session", "source", "estimated");

	static final String TAG_PREFIX = "tag:";

	/**
	 * Checks the caller (finance or tenant admin of the tenant, or a platform admin) and the
	 * parameters; 403 for other roles, 404 for another tenant, 422 naming every invalid parameter.
	 */
	static UsageQuery of(Caller caller, @Nullable String from, @Nullable String to, @Nullable String groupBy,
			@Nullable String tenant, @Nullable String agent, @Nullable String model) {
		caller.requireRole(Role.FINANCE, Role.TENANT_ADMIN);
		String tenantId = tenant;
		if (!caller.isPlatformAdmin()) {
			if (tenant != null) {
				caller.requireAccessTo(tenant, "tenant " + tenant);
			}
			tenantId = caller.requireTenant();
		}
		List<FieldError> errors = new ArrayList<>();
		Instant start = instant("from", from, errors);
		Instant end = instant("to", to, errors);
		if (start != null && end != null && !start.isBefore(end)) {
			errors.add(new FieldError("to", "must be after from"));
		}
		Set<String> keys = new LinkedHashSet<>();
		if (groupBy != null && !groupBy.isBlank()) {
			for (String key : groupBy.split(",")) {
				String trimmed = key.strip();
				boolean tag = trimmed.startsWith(TAG_PREFIX) && trimmed.length() > TAG_PREFIX.length()
						&& trimmed.length() <= 64 + TAG_PREFIX.length();
				if (!GROUP_KEYS.contains(trimmed) && !tag) {
					errors.add(new FieldError("group_by", "unknown key '" + trimmed
							+ "'; use day, tenant, agent, model, metric, region, compute, session, source, "
							+ "estimated or tag:<key>"));
				}
				else if (!keys.add(trimmed)) {
					errors.add(new FieldError("group_by", "repeats '" + trimmed + "'"));
				}
			}
		}
		if (!errors.isEmpty()) {
			throw Problems.validation(errors);
		}
		return new UsageQuery(start, end, tenantId, agent, model, List.copyOf(keys));
	}

	/** An RFC 3339 date-time, or a date meaning its start in UTC. */
	private static @Nullable Instant instant(String field, @Nullable String value, List<FieldError> errors) {
		if (value == null || value.isBlank()) {
			errors.add(new FieldError(field, "is required (an RFC 3339 date-time or a date)"));
			return null;
		}
		try {
			return (value.length() == 10) ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant()
					: Instant.parse(value);
		}
		catch (DateTimeParseException ex) {
			errors.add(new FieldError(field, "must be an RFC 3339 date-time or a date such as 2026-11-01"));
			return null;
		}
	}

}
