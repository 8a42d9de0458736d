package io.duplex.billing.usage;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Map;

import io.duplex.core.usage.UsageEvent;
import io.duplex.core.usage.UsageSource;

/** Usage events as a session reports them; tests change one field at a time. */
final class TestUsageEvents {

	private TestUsageEvents() {
	}

	static UsageEvent outputAudioTokens(String tenantId, String key, String quantity) {
		return new UsageEvent(tenantId, key, "agt_01JDQ4S0X5V9M2KZ7W8T3H6R1C", 3, "sess_01JDQ4S0X5V9M2KZ7W8T3H6R1D", 1,
				"gpt-realtime", "us-east", "openai-hosted", UsageEvent.OUTPUT_AUDIO_TOKENS, new BigDecimal(quantity),
				Instant.parse("2026-11-21T10:15:30.123456Z"), Map.of("team", "sales"));
	}

	static UsageEvent withQuantity(UsageEvent event, String quantity) {
		return new UsageEvent(event.tenantId(), event.idempotencyKey(), event.agentId(), event.agentVersion(),
				event.sessionId(), event.segment(), event.model(), event.region(), event.compute(), event.metric(),
				new BigDecimal(quantity), event.occurredAt(), event.tags());
	}

	static UsageEvent withSource(UsageEvent event, UsageSource source) {
		return new UsageEvent(event.tenantId(), event.idempotencyKey(), event.agentId(), event.agentVersion(),
				event.sessionId(), event.segment(), event.model(), event.region(), event.compute(), event.metric(),
				event.quantity(), event.occurredAt(), event.tags(), source, event.estimated());
	}

	/** An event with only the required fields, as a platform-level meter might report it. */
	static UsageEvent bare(String tenantId, String key) {
		return new UsageEvent(tenantId, key, null, null, null, null, "sandbox", null, null, UsageEvent.SESSION_SECONDS,
				BigDecimal.ONE, Instant.parse("2026-11-21T10:00:00Z"), Map.of());
	}

}
