package io.duplex.session.writes;

import java.time.Instant;

import java.util.List;

import org.jspecify.annotations.Nullable;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonTypeName;

import io.duplex.core.usage.UsageEvent;
import io.duplex.session.conversation.StoredItem;
import io.duplex.session.latency.ResponseLatency;
import io.duplex.session.lifecycle.UsageTotals;
import tools.jackson.databind.JsonNode;

/**
 * One change a session's engine stores: typed, so a write that must wait for the database can be
 * kept in the spool as data (JSON tagged with {@code type}), never as SQL. Every write is
 * idempotent: applying it twice (a retry after a lost answer, a replay) stores it once.
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({ @JsonSubTypes.Type(SessionWrite.AppendItem.class),
		@JsonSubTypes.Type(SessionWrite.TruncateItem.class),
		@JsonSubTypes.Type(SessionWrite.DeleteItem.class),
		@JsonSubTypes.Type(SessionWrite.SaveConfig.class),
		@JsonSubTypes.Type(SessionWrite.ResponseUsage.class),
		@JsonSubTypes.Type(SessionWrite.SideUsage.class),
		@JsonSubTypes.Type(SessionWrite.NextSegment.class),
		@JsonSubTypes.Type(SessionWrite.EndSession.class),
		@JsonSubTypes.Type(SessionWrite.DetachSession.class) })
public sealed interface SessionWrite {

	String tenantId();

	/** The session whose order the write keeps: its writes are stored in the order they were made. */
	String sessionId();

	/** The type tag, as the spool writes it and the metrics name it. */
	default String typeTag() {
		return getClass().getAnnotation(JsonTypeName.class).value();
	}

	/** A completed item appended to its conversation; a repeat of its id is a no-op. */
	@JsonTypeName("item.append")
	record AppendItem(StoredItem item) implements SessionWrite {

		@Override
		public String tenantId() {
			return this.item.tenantId();
		}

		@Override
		public String sessionId() {
			return this.item.sessionId();
		}

	}

	/** An assistant item cut back to what the user heard. */
	@JsonTypeName("item.truncate")
	record TruncateItem(String tenantId, String sessionId, String conversationId, String itemId, long truncatedAtMs,
			@Nullable String heardText, JsonNode item) implements SessionWrite {
	}

	/** An item marked deleted. */
	@JsonTypeName("item.delete")
	record DeleteItem(String tenantId, String sessionId, String conversationId, String itemId) implements SessionWrite {
	}

	/** The session object as the client last configured it, for a resume. */
	@JsonTypeName("session.config")
	record SaveConfig(String tenantId, String sessionId, String config) implements SessionWrite {
	}

	/**
	 * A response's usage: its ledger events (idempotent by key), then its latency row and the
	 * session's totals (idempotent by response id).
	 */
	@JsonTypeName("usage.response")
	record ResponseUsage(String tenantId, String sessionId, List<UsageEvent> events, UsageTotals totals,
			ResponseLatency latency) implements SessionWrite {
	}

	/** A side request's usage (a rollover's summary): ledger events, then the totals, once per {@code key}. */
	@JsonTypeName("usage.side")
	record SideUsage(String tenantId, String sessionId, String key, List<UsageEvent> events, UsageTotals totals)
			implements SessionWrite {
	}

	/** A rollover: segment {@code ended} ended, segment {@code started} started. */
	@JsonTypeName("session.segment")
	record NextSegment(String tenantId, String sessionId, int ended, int started, String provider,
			@Nullable String upstreamId, String reason) implements SessionWrite {
	}

	/**
	 * The session ended on {@code nodeId} at {@code endedAt}: its last segment, its record (while
	 * still that node's), its metered time up to that instant however late the write is stored.
	 */
	@JsonTypeName("session.end")
	record EndSession(String tenantId, String sessionId, String nodeId, int segment, String reason,
			Instant endedAt) implements SessionWrite {
	}

	/** The session left resumable by {@code nodeId} for {@code graceMs}. */
	@JsonTypeName("session.detach")
	record DetachSession(String tenantId, String sessionId, String nodeId, long graceMs) implements SessionWrite {
	}

}
