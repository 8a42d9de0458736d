package io.duplex.session.engine;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.text.TextTokens;

import static org.assertj.core.api.Assertions.assertThat;

/** What a fresh upstream is given at a rollover, within the agent's token budget. */
class ContextCarryTests {

	@Test
	void carryWhenFullAndWithinBudgetThenEveryItemAsText() {
		List<ContextItem> context = List.of(ContextItem.message("i1", "user", "(1.2 seconds of speech)", 1_200),
				ContextItem.message("i2", "assistant", "You spoke for 1.2 seconds.", 1_200));
		List<ContextItem> carried = ContextCarry.carry(context, "full", 8_000, 2);
		assertThat(carried).extracting(ContextItem::id).containsExactly("i1", "i2");
		assertThat(carried).extracting(ContextItem::audioMs).containsOnly(0L);
		assertThat(carried).extracting(ContextItem::text).containsExactly("(1.2 seconds of speech)",
				"You spoke for 1.2 seconds.");
	}

	@Test
	void carryWhenFullOverBudgetThenNewestThatFitAndNothingOver() {
		List<ContextItem> context = conversation(40);
		long budget = 200;
		List<ContextItem> carried = ContextCarry.carry(context, "full", (int) budget, 2);
		assertThat(carried.stream().mapToLong(ContextCarry::tokens).sum()).isLessThanOrEqualTo(budget);
		// a suffix of the conversation, ending with its last item
		assertThat(carried).isNotEmpty().isEqualTo(context.subList(context.size() - carried.size(), context.size()));
		List<ContextItem> oneMore = context.subList(context.size() - carried.size() - 1, context.size());
		assertThat(oneMore.stream().mapToLong(ContextCarry::tokens).sum()).isGreaterThan(budget);
	}

	@Test
	void carryWhenCallFallsOutThenItsOutputFallsOutToo() {
		List<ContextItem> context = new ArrayList<>(List.of(
				new ContextItem("c1", "function_call", null, "{\"city\": \"" + "Lisbon ".repeat(60) + "\"}", "weather",
						"call_1", 0),
				new ContextItem("o1", "function_call_output", null, "{\"c\":21}", null, "call_1", 0),
				ContextItem.message("m1", "assistant", "It is 21 degrees.", 0)));
		List<ContextItem> carried = ContextCarry.carry(context, "full", 40, 2);
		assertThat(carried).extracting(ContextItem::id).containsExactly("m1");
	}

	@Test
	void carryWhenSummaryThenRecentItemsVerbatimAndEarlierOnesCondensedWithinBudget() {
		List<ContextItem> context = conversation(40);
		int budget = 300;
		List<ContextItem> carried = ContextCarry.carry(context, "summary", budget, 3);
		ContextItem summary = carried.get(0);
		assertThat(summary.id()).isEqualTo("item_summary_3");
		assertThat(summary.role()).isEqualTo("system");
		assertThat(summary.text()).startsWith("Summary of the conversation so far:\n- ");
		assertThat(summary.text()).contains("- User: Turn").contains("- Assistant: Answer");
		List<ContextItem> recent = carried.subList(1, carried.size());
		assertThat(recent).isEqualTo(context.subList(context.size() - recent.size(), context.size()));
		assertThat(recent.stream().mapToLong(ContextCarry::tokens).sum()).isLessThanOrEqualTo(budget / 2);
		assertThat(carried.stream().mapToLong(ContextCarry::tokens).sum()).isLessThanOrEqualTo(budget + 4);
		// the same conversation and policy give the same context
		assertThat(ContextCarry.carry(context, "summary", budget, 3)).isEqualTo(carried);
	}

	@Test
	void carryWhenSummaryAndEverythingFitsHalfTheBudgetThenNoSummary() {
		List<ContextItem> context = conversation(2);
		assertThat(ContextCarry.carry(context, "summary", 8_000, 2)).isEqualTo(context);
	}

	@Test
	void summarisedWhenModelWroteASummaryThenItLeadsTheRecentItemsVerbatim() {
		List<ContextItem> context = conversation(40);
		int budget = 300;
		ContextCarry.Split split = ContextCarry.split(context, budget);
		List<ContextItem> carried = ContextCarry.summarised(split, " The user asked forty questions. ", budget, 4);
		assertThat(carried.get(0)).isEqualTo(ContextItem.message("item_summary_4", "system",
				"Summary of the earlier conversation: The user asked forty questions.", 0));
		assertThat(carried.subList(1, carried.size())).isEqualTo(split.recent())
			.isEqualTo(context.subList(context.size() - split.recent().size(), context.size()));
		assertThat(split.earlier()).isEqualTo(context.subList(0, context.size() - split.recent().size()));
	}

	@Test
	void summarisedWhenModelWroteTooMuchThenItIsCutAtAWordToFitTheBudget() {
		List<ContextItem> context = conversation(40);
		int budget = 300;
		ContextCarry.Split split = ContextCarry.split(context, budget);
		String rambling = "The user keeps asking about the weather in many cities. ".repeat(60);
		List<ContextItem> carried = ContextCarry.summarised(split, rambling, budget, 2);
		String text = carried.get(0).text();
		assertThat(text).startsWith("Summary of the earlier conversation: The user keeps asking").endsWith(" …");
		assertThat(carried.stream().mapToLong(ContextCarry::tokens).sum()).isLessThanOrEqualTo(budget);
		// cut at a word, and no shorter than it must be: one more word would not fit
		String kept = text.substring(ContextCarry.MODEL_HEADER.length(), text.length() - 2);
		assertThat(rambling).startsWith(kept);
		String nextWord = rambling.substring(kept.length()).strip().split(" ")[0];
		assertThat(TextTokens.count(ContextCarry.MODEL_HEADER + kept + " " + nextWord + " …"))
			.isGreaterThan(split.summaryBudget(budget));
	}

	@Test
	void splitWhenAnOutputsCallIsEarlierThenTheOutputIsSummarisedWithIt() {
		List<ContextItem> context = new ArrayList<>(List.of(
				new ContextItem("c1", "function_call", null, "{\"city\": \"" + "Lisbon ".repeat(60) + "\"}", "weather",
						"call_1", 0),
				new ContextItem("o1", "function_call_output", null, "{\"c\":21}", null, "call_1", 0),
				ContextItem.message("m1", "assistant", "It is 21 degrees.", 0)));
		ContextCarry.Split split = ContextCarry.split(context, 80);
		assertThat(split.recent()).extracting(ContextItem::id).containsExactly("m1");
		assertThat(split.earlier()).extracting(ContextItem::id).containsExactly("c1", "o1");
	}

	/** User and assistant turns of a few sentences each. */
	private static List<ContextItem> conversation(int items) {
		List<ContextItem> context = new ArrayList<>();
		for (int i = 0; i < items; i++) {
			context.add((i % 2 == 0)
					? ContextItem.message("u" + i, "user", "Turn " + i + " asks a question. Then it goes on a little.", 0)
					: ContextItem.message("a" + i, "assistant", "Answer " + i + " says something useful. And more.", 0));
		}
		return context;
	}

}
