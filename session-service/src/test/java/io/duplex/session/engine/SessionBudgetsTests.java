package io.duplex.session.engine;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

import io.duplex.core.catalog.ModelInfo;
import io.duplex.session.audio.AudioFormat;
import io.duplex.session.protocol.ConversationItem;
import io.duplex.session.protocol.ProtocolError;
import io.duplex.session.protocol.SessionConfig;
import io.duplex.session.protocol.Tool;
import io.duplex.session.provider.ContextItem;

import static org.assertj.core.api.Assertions.assertThat;

/** The per-session limits, one by one: what the model reads by {@code truncation}, and each refusal's error. */
class SessionBudgetsTests {

	/** A 32,000-token model: the conversation the model reads is 28,000 tokens, 112,000 characters. */
	private static final ModelInfo MODEL = new ModelInfo("sandbox", "sandbox", "sandbox", 32_000, 3600, 10, 20,
			List.of("text", "audio"), List.of("alloy"), null);

	@Test
	void readableWhenAutoAndOverTheWindowThenTheOldestItemsAreDropped() {
		SessionBudgets budgets = new SessionBudgets(limits(4096, 8_388_608), MODEL);
		// four items of 10,000 tokens each: 40,000 over a budget of 28,000
		List<ContextItem> context = texts(4, 40_000);
		assertThat(budgets.readable(context, config(SessionConfig.Truncation.AUTO))).extracting(ContextItem::id)
			.containsExactly("i2", "i3");
		assertThat(budgets.readable(context, config(null))).extracting(ContextItem::id).containsExactly("i2", "i3");
		assertThat(budgets.readable(texts(2, 40_000), config(null))).hasSize(2);
	}

	@Test
	void readableWhenRetentionRatioThenDroppedDownToItsShareAndWhenDisabledThenNothing() {
		SessionBudgets budgets = new SessionBudgets(limits(4096, 8_388_608), MODEL);
		List<ContextItem> context = texts(4, 40_000);
		SessionConfig.Truncation half = new SessionConfig.Truncation("retention_ratio", 0.5, null);
		assertThat(budgets.readable(context, config(half))).extracting(ContextItem::id).containsExactly("i3");
		SessionConfig.Truncation lowered = new SessionConfig.Truncation("retention_ratio", 1.0, 12_000);
		assertThat(budgets.readable(context, config(lowered))).extracting(ContextItem::id).containsExactly("i3");
		assertThat(budgets.readable(context, config(SessionConfig.Truncation.DISABLED))).hasSize(4);
	}

	@Test
	void admitWhenTruncationIsDisabledAndTheConversationIsFullThenConversationLimitExceeded() {
		SessionBudgets budgets = new SessionBudgets(limits(3, 8_388_608), MODEL);
		Conversation conversation = new Conversation(3, 8_388_608);
		for (int i = 0; i < 3; i++) {
			conversation.add(null, entry("i" + i, "hello"));
		}
		SessionConfig disabled = config(SessionConfig.Truncation.DISABLED);
		ProtocolError error = budgets.admit(conversation, entry("i3", "hello"), disabled, "evt_1");
		assertThat(error).isNotNull();
		assertThat(error.code()).isEqualTo("conversation_limit_exceeded");
		assertThat(error.param()).isEqualTo("item");
		assertThat(error.eventId()).isEqualTo("evt_1");
		assertThat(error.message()).contains("duplex.sessions.max-conversation-items");
		assertThat(budgets.admit(conversation, entry("i3", "hello"), config(null), null)).isNull();
		// over what the model reads: 28,000 tokens
		Conversation small = new Conversation();
		small.add(null, entry("big", "x".repeat(100_000)));
		ProtocolError window = budgets.admit(small, entry("more", "x".repeat(20_000)), disabled, null);
		assertThat(window.code()).isEqualTo("conversation_limit_exceeded");
		assertThat(window.message()).contains("32000-token context window");
	}

	@Test
	void addWhenOverTheItemsOrTheTextHeldThenTheOldestAreLetGoAndTheNewestStays() {
		Conversation conversation = new Conversation(3, 100);
		for (int i = 0; i < 5; i++) {
			conversation.add(null, entry("i" + i, "hi"));
		}
		assertThat(conversation.size()).isEqualTo(3);
		assertThat(conversation.find("i1")).isNull();
		assertThat(conversation.find("i2")).isNotNull();
		conversation.add(null, entry("long", "x".repeat(150)));
		assertThat(conversation.size()).isEqualTo(1);
		assertThat(conversation.find("long")).isNotNull();
	}

	@Test
	void itemWhenTextIdsOrCallIdsAreTooLongThenStringAboveMaxLengthNamingTheField() {
		SessionBudgets budgets = new SessionBudgets(limits(4096, 8_388_608), MODEL);
		ProtocolError id = budgets.item(message("item_" + "x".repeat(4995), "hi"), null, "evt_2");
		assertThat(id.code()).isEqualTo(ProtocolError.STRING_ABOVE_MAX_LENGTH);
		assertThat(id.param()).isEqualTo("item.id");
		assertThat(id.message()).isEqualTo("Invalid 'item.id': string too long. Expected a string with maximum length 32, "
				+ "but got a string with length 5000 instead (duplex.sessions.max-id-length).");
		// the model's window, 128,000 characters, is below the setting's 1,048,576
		ProtocolError text = budgets.item(message(null, "x".repeat(128_001)), null, null);
		assertThat(text.param()).isEqualTo("item.content[0].text");
		assertThat(text.message()).contains("maximum length 128000");
		assertThat(budgets.item(message(null, "x".repeat(128_000)), null, null)).isNull();
		ProtocolError output = budgets.item(new ConversationItem.FunctionCallOutput(null, null, "call_" + "1".repeat(40),
				"{}"), null, null);
		assertThat(output.param()).isEqualTo("item.call_id");
		assertThat(budgets.item(message(null, "hi"), "p".repeat(33), null).param()).isEqualTo("previous_item_id");
	}

	@Test
	void updateWhenTooManyOrTooLargeToolsOrInstructionsThenRefusedNamingTheLimit() {
		SessionBudgets budgets = new SessionBudgets(limits(4096, 8_388_608), MODEL);
		List<Tool> tools = new ArrayList<>();
		for (int i = 0; i < 129; i++) {
			tools.add(new Tool.Function("tool_" + i, "d", null));
		}
		ProtocolError many = budgets.update(withTools(tools, null), "evt_3");
		assertThat(many.code()).isEqualTo(ProtocolError.ARRAY_ABOVE_MAX_LENGTH);
		assertThat(many.param()).isEqualTo("session.tools");
		assertThat(many.message()).isEqualTo("Invalid 'session.tools': array too long. Expected an array with maximum "
				+ "length 128, but got an array with length 129 instead (duplex.sessions.max-tools).");
		ProtocolError large = budgets.update(withTools(List.of(new Tool.Function("big", "d".repeat(300_000), null)), null),
				null);
		assertThat(large.code()).isEqualTo("tools_too_large");
		ProtocolError instructions = budgets.update(withTools(null, "i".repeat(32_769)), null);
		assertThat(instructions.param()).isEqualTo("session.instructions");
		assertThat(budgets.update(withTools(tools.subList(0, 128), "fine"), null)).isNull();
	}

	@Test
	void appendWhenItAloneHoldsMoreAudioThanMayRunAheadThenRefused() {
		SessionBudgets budgets = new SessionBudgets(limits(4096, 8_388_608), MODEL);
		ProtocolError error = budgets.append(90 * 48_000, AudioFormat.PCM16, "evt_4");
		assertThat(error.code()).isEqualTo("input_audio_buffer_append_too_long");
		assertThat(error.param()).isEqualTo("audio");
		assertThat(error.message()).contains("90 s").contains("duplex.sessions.audio-ahead");
		assertThat(budgets.append(60 * 48_000, AudioFormat.PCM16, null)).isNull();
	}

	@Test
	void outboundWhenAboveTheLimitLongerThanTheGraceOrFourTimesItThenClientTooSlow() {
		OutboundBudget budget = new OutboundBudget(1000, Duration.ofSeconds(2).toNanos());
		budget.queued("x".repeat(1500));
		assertThat(budget.check(0)).isNull();
		assertThat(budget.check(1_000_000_000L)).isNull();
		assertThat(budget.check(2_000_000_000L).code()).isEqualTo("client_too_slow");
		// the client caught up: the clock starts again
		budget.written(1000);
		assertThat(budget.check(3_000_000_000L)).isNull();
		budget.queued("y".repeat(3600));
		assertThat(budget.check(3_000_000_001L).message()).contains("duplex.sessions.outbound-buffer-size");
		assertThat(OutboundBudget.utf8Length("aé€😀")).isEqualTo(1 + 2 + 3 + 4);
	}

	private static List<ContextItem> texts(int count, int chars) {
		List<ContextItem> context = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			context.add(ContextItem.message("i" + i, "user", "x".repeat(chars), 0));
		}
		return context;
	}

	private static Conversation.Entry entry(String id, String text) {
		return ClientItems.entry(id, message(id, text), 0);
	}

	private static ConversationItem.Message message(String id, String text) {
		return new ConversationItem.Message(id, null, ConversationItem.Role.USER,
				List.of(new ConversationItem.InputText(text)));
	}

	private static SessionConfig config(SessionConfig.Truncation truncation) {
		return new SessionConfig(SessionConfig.Type.REALTIME, null, null, null, null, null, null, null, null, truncation,
				null, null, null, null, null);
	}

	private static SessionConfig withTools(List<Tool> tools, String instructions) {
		return new SessionConfig(SessionConfig.Type.REALTIME, null, instructions, null, null, null, tools, null, null,
				null, null, null, null, null, null);
	}

	private static SessionLimits limits(int maxItems, int maxText) {
		return new SessionLimits(Duration.ofMinutes(5), Duration.ofHours(2), 200, 400, Duration.ofSeconds(60), 4096,
				Duration.ofMillis(300), Duration.ofSeconds(60), Duration.ofSeconds(60),
				Duration.ofSeconds(2), DataSize.ofMegabytes(4), Duration.ofSeconds(10), DataSize.ofMegabytes(16), maxItems,
				maxText, 1_048_576, 32, 128, 262_144, 32_768, DataSize.ofMegabytes(1), DataSize.ofMegabytes(16),
				Duration.ofSeconds(2));
	}

}
