package io.duplex.session.sandbox;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.duplex.session.provider.ContextItem;
import io.duplex.session.provider.ProviderEvent;
import io.duplex.session.provider.ProviderEvent.ArgumentsDelta;
import io.duplex.session.provider.ProviderEvent.AudioDelta;
import io.duplex.session.provider.ProviderEvent.OutputItemDone;
import io.duplex.session.provider.ProviderEvent.OutputItemStarted;
import io.duplex.session.provider.ProviderEvent.ResponseDone;
import io.duplex.session.provider.ProviderEvent.TextDelta;
import io.duplex.session.provider.ProviderEvent.TranscriptDelta;

import static io.duplex.session.sandbox.TestSandbox.AUDIO;
import static io.duplex.session.sandbox.TestSandbox.TEXT;
import static io.duplex.session.sandbox.TestSandbox.response;
import static io.duplex.session.sandbox.TestSandbox.tool;
import static io.duplex.session.sandbox.TestSandbox.userText;
import static org.assertj.core.api.Assertions.assertThat;

/** Tool calls asked for in text, and function outputs echoed. */
class SandboxToolCallTests {

	@Test
	void createResponseWhenUserAsksForAToolCallThenCallsIt() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", AUDIO,
				List.of(userText("item_1", "call get_weather {\"city\":\"Paris\"}")),
				List.of(tool("lookup"), tool("get_weather")), "auto"));
		sandbox.advance(1_000);
		List<ProviderEvent> events = sandbox.all();
		OutputItemStarted started = (OutputItemStarted) events.getFirst();
		assertThat(started.type()).isEqualTo("function_call");
		assertThat(started.name()).isEqualTo("get_weather");
		assertThat(started.callId()).isEqualTo(Replies.callId("resp_1")).matches("call_[0-9a-f]{24}");
		assertThat(sandbox.text(ArgumentsDelta.class, ArgumentsDelta::delta)).isEqualTo("{\"city\":\"Paris\"}");
		assertThat(events.get(events.size() - 2)).isEqualTo(new OutputItemDone("resp_1", 0));
		assertThat(events.getLast()).isInstanceOf(ResponseDone.class);
		assertThat(sandbox.done().status()).isEqualTo("completed");
		assertThat(sandbox.all(AudioDelta.class)).isEmpty();
		assertThat(sandbox.all(TranscriptDelta.class)).isEmpty();
	}

	@Test
	void createResponseWhenArgumentsAreLongThenSendsThemInPieces() {
		TestSandbox sandbox = new TestSandbox();
		String arguments = "{\"city\":\"Paris\",\"country\":\"France\",\"units\":\"metric\",\"days\":3}";
		sandbox.session.createResponse(response("resp_1", TEXT,
				List.of(userText("item_1", "call get_weather " + arguments)), List.of(tool("get_weather")), "auto"));
		sandbox.advance(1_000);
		assertThat(sandbox.all(ArgumentsDelta.class)).hasSize(2);
		assertThat(sandbox.text(ArgumentsDelta.class, ArgumentsDelta::delta)).isEqualTo(arguments);
	}

	@Test
	void createResponseWhenArgumentsAreOmittedThenCallsWithAnEmptyObject() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", TEXT, List.of(userText("item_1", "  call lookup  ")),
				List.of(tool("lookup")), "auto"));
		sandbox.advance(1_000);
		assertThat(sandbox.text(ArgumentsDelta.class, ArgumentsDelta::delta)).isEqualTo("{}");
	}

	@Test
	void createResponseWhenToolIsUnknownThenSaysSo() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", AUDIO,
				List.of(userText("item_1", "call get_wether {\"city\":\"Paris\"}")),
				List.of(tool("lookup"), tool("get_weather")), "auto"));
		sandbox.advance(10_000);
		assertThat(sandbox.all().getFirst()).isEqualTo(new OutputItemStarted("resp_1", 0, "message", null, null));
		assertThat(sandbox.text(TranscriptDelta.class, TranscriptDelta::delta))
			.isEqualTo("There is no tool named get_wether. The tools are: lookup, get_weather.");
		assertThat(sandbox.all(ArgumentsDelta.class)).isEmpty();
	}

	@Test
	void createResponseWhenThereAreNoToolsThenSaysSo() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", TEXT, List.of(userText("item_1", "call lookup {}"))));
		sandbox.advance(10_000);
		assertThat(sandbox.text(TextDelta.class, TextDelta::delta))
			.isEqualTo("There is no tool named lookup: this response has no tools.");
	}

	@Test
	void createResponseWhenArgumentsAreNotAJsonObjectThenSaysSo() {
		TestSandbox sandbox = new TestSandbox();
		for (String arguments : List.of("{city: Paris}", "[1]", "{\"a\":1} {")) {
			sandbox.events.clear();
			sandbox.session.createResponse(response("resp_1", TEXT,
					List.of(userText("item_1", "call get_weather " + arguments)), List.of(tool("get_weather")),
					"auto"));
			sandbox.advance(10_000);
			assertThat(sandbox.text(TextDelta.class, TextDelta::delta))
				.isEqualTo("The arguments for get_weather are not a JSON object: " + arguments);
			assertThat(sandbox.all(ArgumentsDelta.class)).isEmpty();
		}
	}

	@Test
	void createResponseWhenToolChoiceIsNoneThenDoesNotCall() {
		TestSandbox sandbox = new TestSandbox();
		sandbox.session.createResponse(response("resp_1", TEXT, List.of(userText("item_1", "call lookup {}")),
				List.of(tool("lookup")), "none"));
		sandbox.advance(10_000);
		assertThat(sandbox.all(ArgumentsDelta.class)).isEmpty();
		assertThat(sandbox.text(TextDelta.class, TextDelta::delta)).contains("tool_choice is none");
	}

	@Test
	void createResponseWhenLastItemIsAFunctionOutputThenEchoesIt() {
		TestSandbox sandbox = new TestSandbox();
		String callId = Replies.callId("resp_1");
		List<ContextItem> context = List.of(userText("item_1", "call get_weather {\"city\":\"Paris\"}"),
				new ContextItem("item_2", "function_call", null, "{\"city\":\"Paris\"}", "get_weather", callId, 0),
				new ContextItem("item_3", "function_call_output", null, "{\"temp\":21}", null, callId, 0));
		sandbox.session.createResponse(response("resp_2", AUDIO, context, List.of(tool("get_weather")), "auto"));
		sandbox.advance(10_000);
		String answer = "The tool returned: {\"temp\":21}";
		assertThat(sandbox.text(TranscriptDelta.class, TranscriptDelta::delta)).isEqualTo(answer);
		assertThat(sandbox.audio()).isEqualTo(new Voice(answer).pcm(0, answer.length() * 65 * 24));
		assertThat(sandbox.done().status()).isEqualTo("completed");
	}

	@Test
	void callIdWhenResponsesDifferThenDiffers() {
		assertThat(Replies.callId("resp_1")).isEqualTo(Replies.callId("resp_1")).isNotEqualTo(Replies.callId("resp_2"));
	}

}
