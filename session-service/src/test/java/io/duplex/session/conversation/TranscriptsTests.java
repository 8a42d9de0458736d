package io.duplex.session.conversation;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Timestamps, cue timing and escaping of the subtitle transcripts, without a database. */
class TranscriptsTests {

	private final TestItems items = new TestItems("ten_1", "conv_1", "sess_1");

	@Test
	void timestampWhenUnderASecondThenZeroPaddedMillis() {
		assertThat(Transcripts.timestamp(0, '.')).isEqualTo("00:00:00.000");
		assertThat(Transcripts.timestamp(7, '.')).isEqualTo("00:00:00.007");
		assertThat(Transcripts.timestamp(999, ',')).isEqualTo("00:00:00,999");
	}

	@Test
	void timestampWhenMinutesAndHoursRollOverThenEachFieldCarries() {
		assertThat(Transcripts.timestamp(59_999, '.')).isEqualTo("00:00:59.999");
		assertThat(Transcripts.timestamp(60_000, '.')).isEqualTo("00:01:00.000");
		assertThat(Transcripts.timestamp(3_599_999, ',')).isEqualTo("00:59:59,999");
		assertThat(Transcripts.timestamp(3_723_045, '.')).isEqualTo("01:02:03.045");
		assertThat(Transcripts.timestamp(3_723_045, ',')).isEqualTo("01:02:03,045");
	}

	@Test
	void timestampWhenBeyondNinetyNineHoursThenHoursWiden() {
		assertThat(Transcripts.timestamp(100L * 3_600_000 + 1, '.')).isEqualTo("100:00:00.001");
	}

	@Test
	void timestampWhenNegativeThenZero() {
		assertThat(Transcripts.timestamp(-5, '.')).isEqualTo("00:00:00.000");
	}

	@Test
	void vttWhenTextHoldsMarkupThenEscaped() {
		assertThat(Transcripts.escapeVtt("a --> b & <c>")).isEqualTo("a --&gt; b &amp; &lt;c&gt;");
	}

	@Test
	void cuesWhenItemsStartOutOfOrderThenSortedByStart() {
		StoredItem answer = this.items.assistantAudio("Sure", 5000, 7000);
		StoredItem bargeIn = this.items.userAudio("Wait", 4000, 4800);
		List<Cue> cues = Transcripts.cues(List.of(answer, bargeIn));

		assertThat(cues).containsExactly(new Cue(4000, 4800, "User", "Wait"), new Cue(5000, 7000, "Assistant", "Sure"));
	}

	@Test
	void cuesWhenFirstItemHasNoTimingsThenStartsAtZeroForAFixedLength() {
		assertThat(Transcripts.cues(List.of(this.items.userText("Hi"), this.items.userText("Again"))))
			.containsExactly(new Cue(0, 1000, "User", "Hi"), new Cue(1000, 2000, "User", "Again"));
	}

	@Test
	void cuesWhenTimingsEndBeforeTheyStartThenCueGetsAFixedLength() {
		StoredItem odd = this.items.userAudio("Odd", 3000, 3000);
		assertThat(Transcripts.cues(List.of(odd))).containsExactly(new Cue(3000, 4000, "User", "Odd"));
	}

	@Test
	void cuesWhenTruncatedThenEndWhereTheUserStoppedHearingCountedFromTheItemsStart() {
		StoredItem answer = this.items.assistantAudio("It is sunny", 6000, 9500);
		assertThat(Transcripts.cues(List.of(cut(answer, 9500, 1200), cut(answer, 7200, 1200), cut(answer, 9500, 5000))))
			.containsExactly(new Cue(6000, 7200, "Assistant", "It is sunny…"),
					new Cue(6000, 7200, "Assistant", "It is sunny…"), new Cue(6000, 9500, "Assistant", "It is sunny…"));
	}

	@Test
	void spokenWhenItemHasNoTextThenSaysSoAndWhenTruncatedWithoutTextThenOnlyEllipsis() {
		StoredItem silent = TestItems.withText(this.items.userAudio("", 0, 500), null);
		StoredItem cut = new StoredItem("item_1", "conv_1", "ten_1", "sess_1", "message", "assistant", "incomplete",
				silent.item(), null, 0L, 500L, 0L);
		assertThat(Transcripts.spoken(silent)).isEqualTo("(no transcript)");
		assertThat(Transcripts.spoken(cut)).isEqualTo("…");
	}

	/** The item truncated after {@code heardMs} of its audio, with {@code endedMs} as the engine stored it. */
	private static StoredItem cut(StoredItem item, long endedMs, long heardMs) {
		return new StoredItem(item.id(), item.conversationId(), item.tenantId(), item.sessionId(), item.type(),
				item.role(), "incomplete", item.item(), item.text(), item.startedMs(), endedMs, heardMs);
	}

	@Test
	void textWhenStoredTextIsGivenThenItWinsOverTheItem() {
		StoredItem call = TestItems.withText(this.items.functionCall("call_1", "lookup", "{}"), "Looked up the order");
		assertThat(Transcripts.text(List.of(call))).isEqualTo("Function call: Looked up the order\n");
	}

	@Test
	void srtWhenTextSpansLinesThenOneLinePerCue() {
		StoredItem multiline = this.items.userAudio("first line\r\n\r\n  second line ", 1000, 2000);
		assertThat(Transcripts.srt(List.of(multiline))).isEqualTo("""
				1
				00:00:01,000 --> 00:00:02,000
				User: first line second line
				""");
	}

}
