package io.duplex.session.sandbox;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.duplex.session.sandbox.Plan.Step;
import io.duplex.session.sandbox.Plan.Word;

import static org.assertj.core.api.Assertions.assertThat;

/** Timelines of answers, and the sentences that name durations. */
class PlanTests {

	@Test
	void wordsThenConcatenateToTheText() {
		assertThat(Plan.words(" one  two\tthree ")).containsExactly(new Word(0, " one"), new Word(4, "  two"),
				new Word(9, "\tthree "));
		assertThat(Plan.words("   ")).containsExactly(new Word(0, "   "));
		assertThat(Plan.words("")).isEmpty();
	}

	@Test
	void spokenThenAudioLeadsAmongStepsDueTogether() {
		Plan plan = Plan.spoken("hi there");
		List<Step> steps = plan.steps();
		assertThat(steps.getFirst().text()).isNull();
		assertThat(steps.get(1).text()).isEqualTo("hi");
		assertThat(steps).isSortedAccordingTo((a, b) -> Long.compare(a.atMs(), b.atMs()));
		assertThat(steps.stream().filter((step) -> step.text() == null).mapToInt(Step::audioCount).sum())
			.isEqualTo(8 * 65 * 24);
	}

	@Test
	void functionCallThenNeverSplitsACharacter() {
		String arguments = "{\"face\":\"" + "a".repeat(22) + "\uD83D\uDE00\"}";
		Plan plan = Plan.functionCall("emote", "call_1", arguments);
		assertThat(plan.steps()).extracting(Step::text).containsExactly(arguments.substring(0, 31),
				arguments.substring(31));
		assertThat(plan.steps()).extracting(Step::atMs).containsExactly(0L, 20L);
	}

	@Test
	void secondsThenRoundsHalfUpToOneDecimal() {
		assertThat(Replies.seconds(2400)).isEqualTo("2.4");
		assertThat(Replies.seconds(2450)).isEqualTo("2.5");
		assertThat(Replies.seconds(2449)).isEqualTo("2.4");
		assertThat(Replies.seconds(0)).isEqualTo("0.0");
		assertThat(Replies.seconds(59_999)).isEqualTo("60.0");
	}

	@Test
	void transcriptThenNamesTheTurnsDuration() {
		assertThat(Replies.transcript(new Turn(new short[0], 2400))).isEqualTo("(2.4 seconds of speech)");
	}

}
