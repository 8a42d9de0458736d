package io.duplex.session.writes;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.duplex.core.usage.UsageEvent;
import io.duplex.session.conversation.StoredItem;
import io.duplex.session.latency.ResponseLatency;
import io.duplex.session.lifecycle.UsageTotals;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/** The spool file: typed lines, forced, handed back in order, across a reopen, within its bound. */
class WriteSpoolTests {

	private static final JsonMapper json = JsonMapper.builder().build();

	private static final long MAX = 1024 * 1024;

	@TempDir
	Path directory;

	@Test
	void nextWhenReopenedThenHandsBackWhatWasNotReplayedInOrder() throws IOException {
		List<SessionWrite> writes = List.of(item("sess_a", "item_1"), usage("sess_a", "resp_1"),
				new SessionWrite.TruncateItem("ten_1", "sess_a", "conv_1", "item_1", 1200, "heard", json.readTree("{}")),
				new SessionWrite.EndSession("ten_1", "sess_a", "node_1", 2, "client_closed", java.time.Instant.parse("2026-12-07T10:00:00Z")));
		try (WriteSpool spool = WriteSpool.open(this.directory, MAX, json)) {
			for (SessionWrite write : writes) {
				spool.append(write);
			}
			spool.replayed(spool.next());
		}
		try (WriteSpool reopened = WriteSpool.open(this.directory, MAX, json)) {
			assertThat(reopened.size()).isEqualTo(3);
			assertThat(reopened.holds("sess_a")).isTrue();
			assertThat(drain(reopened)).containsExactlyElementsOf(writes.subList(1, 4));
			assertThat(reopened.holds("sess_a")).isFalse();
			assertThat(reopened.bytes()).isZero();
		}
		try (WriteSpool again = WriteSpool.open(this.directory, MAX, json)) {
			assertThat(again.next()).isNull();
		}
	}

	@Test
	void appendThenTheLineIsTypedJsonNotSql() throws IOException {
		try (WriteSpool spool = WriteSpool.open(this.directory, MAX, json)) {
			spool.append(usage("sess_a", "resp_1"));
			spool.append(item("sess_a", "item_1"));
		}
		List<String> lines = Files.readAllLines(this.directory.resolve("writes.log"));
		assertThat(json.readTree(lines.get(0)).propertyNames()).containsExactly("type", "tenantId", "sessionId", "events",
				"totals", "latency");
		assertThat(json.readTree(lines.get(0)).path("type").asString()).isEqualTo("usage.response");
		assertThat(json.readTree(lines.get(1)).propertyNames()).containsExactly("type", "item");
		assertThat(json.readTree(lines.get(1)).path("type").asString()).isEqualTo("item.append");
		assertThat(lines).noneMatch((line) -> line.toLowerCase(java.util.Locale.ROOT).contains("insert into"));
	}

	@Test
	void openWhenTheLastLineWasCutShortThenItIsDropped() throws IOException {
		try (WriteSpool spool = WriteSpool.open(this.directory, MAX, json)) {
			spool.append(item("sess_a", "item_1"));
		}
		// a crash in the middle of an append: never acknowledged as spooled
		Files.writeString(this.directory.resolve("writes.log"), "{\"type\":\"item.app", StandardCharsets.UTF_8,
				StandardOpenOption.APPEND);
		try (WriteSpool reopened = WriteSpool.open(this.directory, MAX, json)) {
			assertThat(drain(reopened)).containsExactly(item("sess_a", "item_1"));
		}
	}

	@Test
	void appendWhenPastTheBoundThenRefusedAndTheRestIsKept() throws IOException {
		SessionWrite write = item("sess_a", "item_1");
		long line = json.writeValueAsString(write).length() + 1;
		try (WriteSpool spool = WriteSpool.open(this.directory, line * 2, json)) {
			spool.append(write);
			spool.append(item("sess_a", "item_2"));
			assertThatExceptionOfType(WriteSpool.SpoolFullException.class)
				.isThrownBy(() -> spool.append(item("sess_a", "item_3")));
			assertThat(drain(spool)).containsExactly(write, item("sess_a", "item_2"));
			// emptied once replayed: room again
			spool.append(item("sess_a", "item_3"));
			assertThat(spool.size()).isEqualTo(1);
		}
	}

	@Test
	void openWhenAnotherSpoolHoldsTheDirectoryThenTheNextIsTaken() throws IOException {
		try (WriteSpool first = WriteSpool.openFirstFree(this.directory, MAX, json);
				WriteSpool second = WriteSpool.openFirstFree(this.directory, MAX, json)) {
			assertThat(first.directory()).isEqualTo(this.directory.resolve("0"));
			assertThat(second.directory()).isEqualTo(this.directory.resolve("1"));
			assertThat(WriteSpool.open(this.directory.resolve("0"), MAX, json)).isNull();
		}
		try (WriteSpool restarted = WriteSpool.openFirstFree(this.directory, MAX, json)) {
			assertThat(restarted.directory()).isEqualTo(this.directory.resolve("0"));
		}
	}

	private static List<SessionWrite> drain(WriteSpool spool) throws IOException {
		List<SessionWrite> drained = new ArrayList<>();
		WriteSpool.Spooled next;
		while ((next = spool.next()) != null) {
			drained.add(next.write());
			spool.replayed(next);
		}
		return drained;
	}

	static SessionWrite item(String sessionId, String itemId) {
		return new SessionWrite.AppendItem(new StoredItem(itemId, "conv_1", "ten_1", sessionId, "message", "user",
				"completed", json.readTree("{\"type\":\"message\",\"content\":[{\"type\":\"input_text\",\"text\":\"hi\"}]}"),
				"hi", 10L, null, null));
	}

	static SessionWrite usage(String sessionId, String responseId) {
		Instant at = Instant.parse("2026-12-07T14:00:00.123456Z");
		return new SessionWrite.ResponseUsage("ten_1", sessionId,
				List.of(new UsageEvent("ten_1", sessionId + ":" + responseId + ":output_text_tokens", "agt_1", 3,
						sessionId, 1, "sandbox", "us-east", "shared-cpu", UsageEvent.OUTPUT_TEXT_TOKENS,
						new BigDecimal("12.500"), at, Map.of("team", "a"))),
				new UsageTotals(1, 0, 0, 0, 0, 12, 0),
				new ResponseLatency("ten_1", sessionId, responseId, 1, null, "completed", 300, null, null, null, null,
						null, at));
	}

}
