package io.duplex.session.engine;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.duplex.session.protocol.ConversationItem;
import io.duplex.session.provider.ContextItem;

import static org.assertj.core.api.Assertions.assertThat;

/** What the model is given after a rollover: what was carried, then what stayed and what came since. */
class ConversationTests {

	@Test
	void contextWhenARolloverCarriedASummaryThenItTakesThePlaceOfTheItemsLeftBehind() {
		Conversation conversation = new Conversation();
		for (String id : List.of("u1", "a1", "u2", "a2")) {
			add(conversation, null, id, 0);
		}
		add(conversation, null, "u3", 1_500);
		List<ContextItem> before = conversation.context();
		ContextItem summary = ContextItem.message("item_summary_2", "system", "Summary of the earlier conversation: …", 0);
		List<ContextItem> carried = List.of(summary, text(before.get(3)), text(before.get(4)));
		// during the switch the client adds an item at the end and one among those to be left behind
		add(conversation, null, "u4", 0);
		add(conversation, "u1", "s1", 0);
		conversation.carried(before, carried);
		assertThat(conversation.context()).extracting(ContextItem::id)
			.containsExactly("item_summary_2", "s1", "a2", "u3", "u4");
		// the audio turn carried by its transcript stays text, and the client's own view is all there
		assertThat(conversation.context().get(3).audioMs()).isZero();
		assertThat(conversation.find("u1")).isNotNull();
		assertThat(conversation.size()).isEqualTo(7);
	}

	@Test
	void contextWhenTheNextRolloverCarriesTheSummaryAgainOrReplacesItThenOneSummaryLeads() {
		Conversation conversation = new Conversation();
		add(conversation, null, "u1", 0);
		add(conversation, null, "a1", 0);
		List<ContextItem> first = conversation.context();
		ContextItem summary2 = ContextItem.message("item_summary_2", "system", "Summary one.", 0);
		conversation.carried(first, List.of(summary2, first.get(1)));
		add(conversation, null, "u2", 0);
		List<ContextItem> second = conversation.context();
		// full carry: everything again, the summary as it was
		conversation.carried(second, second);
		assertThat(conversation.context()).isEqualTo(second);
		ContextItem summary3 = ContextItem.message("item_summary_3", "system", "Summary two.", 0);
		conversation.carried(second, List.of(summary3, second.get(2)));
		assertThat(conversation.context()).extracting(ContextItem::id).containsExactly("item_summary_3", "u2");
	}

	@Test
	void contextWhenACarriedItemWasDeletedDuringTheSwitchThenItDoesNotComeBack() {
		Conversation conversation = new Conversation();
		add(conversation, null, "u1", 0);
		add(conversation, null, "a1", 0);
		List<ContextItem> before = conversation.context();
		conversation.remove("a1");
		conversation.carried(before, before);
		assertThat(conversation.context()).extracting(ContextItem::id).containsExactly("u1");
	}

	private static void add(Conversation conversation, String after, String id, long audioMs) {
		String role = id.startsWith("a") ? "assistant" : "user";
		ConversationItem item = new ConversationItem.Message(id, ConversationItem.Status.COMPLETED,
				role.equals("user") ? ConversationItem.Role.USER : ConversationItem.Role.ASSISTANT, List.of());
		conversation.add(after, new Conversation.Entry(id, item, ContextItem.message(id, role, "Text of " + id, audioMs),
				audioMs, -1));
	}

	private static ContextItem text(ContextItem item) {
		return new ContextItem(item.id(), item.type(), item.role(), item.text(), item.name(), item.callId(), 0);
	}

}
